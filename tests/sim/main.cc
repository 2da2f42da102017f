// sluice-sim: a Kubernetes API server and Flink simulator for tests (docs/simulator.md).
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

#include "common/fs.h"
#include "common/log.h"
#include "common/time.h"
#include "sim/simulator.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) {
  g_stop = 1;
}

bool Duration(const std::string& text, std::chrono::milliseconds& out, const char* flag) {
  if (text.empty()) return true;
  auto d = sluice::ParseDuration(text);
  if (!d.ok()) {
    std::cerr << "sluice-sim: " << flag << ": " << d.error().ToString() << "\n";
    return false;
  }
  out = *d;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sluice-sim: a Kubernetes API server, Flink, YARN and operator simulator for tests"};
  std::string listen = "127.0.0.1:6443";
  std::string kubeconfig, token, startup, savepoint, slot_timeout, restart, bookmark, checkpoint;
  std::string yarn, standalone, bad_image, ready_file, log_level = "warn";
  std::vector<std::string> crds, images;
  size_t history = 10000;
  int threads = 8;
  bool no_events = false, no_operator = false, strict_savepoints = false;
  app.add_option("--listen", listen, "HOST:PORT of the API server (HTTPS); port 0 picks one");
  app.add_option("--kubeconfig-out", kubeconfig, "write a kubeconfig for kubectl and Sluice here");
  app.add_option("--token", token, "the bearer token of the admin user (default: random)");
  app.add_option("--startup-delay", startup, "pod start and JobManager start delay, e.g. 2s, 50ms");
  app.add_option("--savepoint-duration", savepoint, "how long a savepoint takes");
  app.add_option("--slot-timeout", slot_timeout,
                 "how long a job waits for TaskManagers before it fails");
  app.add_option("--restart-delay", restart, "delay of a job restart after a failure");
  app.add_option("--default-checkpoint-interval", checkpoint,
                 "checkpoint interval of jobs that set none (default: off, as in Flink)");
  app.add_option("--bookmark-interval", bookmark,
                 "how often watches with allowWatchBookmarks get a bookmark");
  app.add_option("--history", history,
                 "watch events kept for resuming; older versions get 410 Gone");
  app.add_option("--threads", threads, "HTTP server threads");
  app.add_option("--crd", crds, "install a CustomResourceDefinition file at start (repeatable)");
  app.add_option("--bad-image-pattern", bad_image, "regex of image names that fail to pull");
  app.add_option("--known-image", images, "once given, only these images pull (repeatable)");
  app.add_option("--yarn-listen", yarn, "HOST:PORT of a YARN ResourceManager REST endpoint");
  app.add_option("--standalone-listen", standalone, "HOST:PORT of a standalone session JobManager");
  app.add_option("--ready-file", ready_file, "write the API server URL here once it serves");
  app.add_option("--log-level", log_level, "debug, info, warn or error");
  app.add_flag("--no-events", no_events, "record no Event objects (lighter at scale)");
  app.add_flag("--no-operator", no_operator, "do not simulate the Flink Kubernetes Operator");
  app.add_flag("--strict-savepoints", strict_savepoints,
               "restoring from a savepoint the simulator never wrote fails the job");
  CLI11_PARSE(app, argc, argv);

  auto level = sluice::log::ParseLevel(log_level);
  sluice::log::Configure({level.ok() ? *level : sluice::log::Level::kWarn, false});
  sluice::sim::SimOptions opts;
  auto hp = sluice::sim::ParseHostPort(listen);
  if (!hp.ok()) {
    std::cerr << "sluice-sim: --listen: " << hp.error().ToString() << "\n";
    return 2;
  }
  opts.host = hp->first;
  opts.port = hp->second;
  opts.kubeconfig_out = kubeconfig;
  opts.token = token;
  if (!Duration(startup, opts.timings.startup_delay, "--startup-delay") ||
      !Duration(savepoint, opts.timings.savepoint_duration, "--savepoint-duration") ||
      !Duration(slot_timeout, opts.timings.slot_request_timeout, "--slot-timeout") ||
      !Duration(restart, opts.timings.restart_delay, "--restart-delay") ||
      !Duration(checkpoint, opts.timings.default_checkpoint_interval,
                "--default-checkpoint-interval") ||
      !Duration(bookmark, opts.bookmark_interval, "--bookmark-interval")) {
    return 2;
  }
  opts.history_limit = history;
  opts.threads = threads;
  opts.crd_files = crds;
  opts.bad_image_pattern = bad_image;
  opts.known_images = images;
  opts.record_events = !no_events;
  opts.operator_enabled = !no_operator;
  opts.yarn_listen = yarn;
  opts.standalone_listen = standalone;
  opts.strict_savepoints = strict_savepoints;
  auto sim = sluice::sim::Simulator::Start(opts);
  if (!sim.ok()) {
    std::cerr << "sluice-sim: " << sim.error().ToString() << "\n";
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "sluice-sim: API server at " << (*sim)->url();
  if (!kubeconfig.empty()) std::cout << " (kubeconfig " << kubeconfig << ")";
  if (!(*sim)->yarn_url().empty()) std::cout << "; YARN ResourceManager at " << (*sim)->yarn_url();
  if (!(*sim)->standalone_url().empty())
    std::cout << "; standalone JobManager at " << (*sim)->standalone_url();
  std::cout << std::endl;
  if (!ready_file.empty()) {
    auto st = sluice::WriteFileAtomic(ready_file, (*sim)->url() + "\n");
    if (!st.ok()) {
      std::cerr << "sluice-sim: --ready-file: " << st.error().ToString() << "\n";
      return 1;
    }
  }
  while (!g_stop)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*sim)->Shutdown();
  return 0;
}
