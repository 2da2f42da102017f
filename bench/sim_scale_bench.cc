// Starts sluice-sim, creates N simulated Flink application clusters (a JobManager
// Deployment, its ConfigMap and REST Service each, as Flink's client would), keeps watches open,
// waits until every job runs, and reports the simulator's resident memory and CPU seconds.
//
//   sim_scale_bench [--clusters 10000] [--namespaces 100] [--threads 8] [--idle 30]
//                   [--sim PATH] [--out FILE]
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"
#include "sim/test_support.h"
#include "sim_process.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Target {
  std::string url, token, ca;
};

int Call(const Target& t, const std::string& method, const std::string& path, const json& body,
         json* out = nullptr) {
  sluice::http::ClientRequest req;
  req.method = method;
  req.url = t.url + path;
  req.headers["Authorization"] = "Bearer " + t.token;
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  req.tls.ca_pem = t.ca;
  auto r = sluice::http::Send(req);
  if (!r.ok()) return -1;
  if (out) *out = json::parse(r->body, nullptr, false);
  return r->status;
}

// The objects Flink's client creates for an application cluster, with its default
// JobManager resources and an image of a Flink release.
json Deployment(const std::string& ns, const std::string& cid) {
  json d =
      sluice::sim::testing::FlinkDeployment(ns, cid, "flink:1.20.1-scala_2.12-java17", "default");
  d["spec"]["template"]["spec"]["containers"][0]["resources"] = {
      {"requests", {{"cpu", "1"}, {"memory", "1600Mi"}}},
      {"limits", {{"cpu", "1"}, {"memory", "1600Mi"}}}};
  return d;
}

json ConfigMap(const std::string& ns, const std::string& cid) {
  std::string conf =
      "execution.target: kubernetes-application\n"
      "kubernetes.cluster-id: " +
      cid +
      "\n"
      "pipeline.jars: [local:///opt/flink/usrlib/job.jar]\n"
      "parallelism.default: 1\n"
      "taskmanager.numberOfTaskSlots: 1\n"
      "jobmanager.memory.process.size: 1600m\n"
      "taskmanager.memory.process.size: 1728m\n"
      "execution.checkpointing.interval: 60s\n"
      "state.checkpoints.dir: s3://bucket/checkpoints\n"
      "state.savepoints.dir: s3://bucket/savepoints\n";
  return sluice::sim::testing::FlinkConfigMap(ns, cid, conf);
}

}  // namespace

int main(int argc, char** argv) {
  int clusters = 10000, namespaces = 100, threads = 8, idle = 30;
  std::string sim_bin = SLUICE_SIM_BIN, out_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--clusters")
      clusters = std::atoi(argv[i + 1]);
    else if (a == "--namespaces")
      namespaces = std::atoi(argv[i + 1]);
    else if (a == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (a == "--idle")
      idle = std::atoi(argv[i + 1]);
    else if (a == "--sim")
      sim_bin = argv[i + 1];
    else if (a == "--out")
      out_file = argv[i + 1];
  }
  auto sim = sluice::bench::SimProcess::Start("sim_scale_bench", sim_bin,
                                              {"--history", "20000", "--bookmark-interval", "60s"},
                                              std::chrono::seconds(10));
  if (!sim) return 1;
  Target t{sim->config().server, sim->config().auth.token, sim->config().tls.ca_pem};
  pid_t pid = sim->pid();
  sluice::bench::ProcessUsage start = sluice::bench::SampleUsage(pid);

  // TaskManagers are created by the JobManagers' service accounts: grant them edit.
  Call(t, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
       sluice::bench::AllServiceAccountsEditBinding());
  for (int n = 0; n < namespaces; ++n)
    Call(t, "POST", "/api/v1/namespaces", {{"metadata", {{"name", "ns-" + std::to_string(n)}}}});

  // Watches stay open for the whole run: pods everywhere, deployments everywhere and one
  // pod watch per namespace, as controllers would keep them.
  std::atomic<bool> stop{false};
  std::atomic<long> events{0};
  std::vector<std::thread> watchers;
  std::vector<std::string> watch_paths = {
      "/api/v1/pods?watch=true&allowWatchBookmarks=true",
      "/apis/apps/v1/deployments?watch=true&allowWatchBookmarks=true",
      "/api/v1/configmaps?watch=true"};
  for (int n = 0; n < namespaces; ++n)
    watch_paths.push_back("/api/v1/namespaces/ns-" + std::to_string(n) +
                          "/pods?watch=true&labelSelector=component%3Dtaskmanager");
  for (const auto& p : watch_paths) {
    watchers.emplace_back([&, p] {
      sluice::http::ClientRequest req;
      req.url = t.url + p;
      req.headers["Authorization"] = "Bearer " + t.token;
      req.tls.ca_pem = t.ca;
      req.timeout = std::chrono::milliseconds(0);
      req.on_data = [&](std::string_view chunk) {
        for (char c : chunk) {
          if (c == '\n') ++events;
        }
        return !stop.load();
      };
      auto r = sluice::http::Send(req);
      (void)r;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  auto created_at = Clock::now();
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&] {
      for (int i; (i = next++) < clusters;) {
        std::string ns = "ns-" + std::to_string(i % namespaces);
        std::string cid = "cluster-" + std::to_string(i);
        if (Call(t, "POST", "/apis/apps/v1/namespaces/" + ns + "/deployments",
                 Deployment(ns, cid)) != 201)
          ++failures;
        if (Call(t, "POST", "/api/v1/namespaces/" + ns + "/configmaps", ConfigMap(ns, cid)) != 201)
          ++failures;
        if (Call(t, "POST", "/api/v1/namespaces/" + ns + "/services",
                 sluice::sim::testing::FlinkRestService(ns, cid)) != 201)
          ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  double create_s = std::chrono::duration<double>(Clock::now() - created_at).count();
  sluice::bench::ProcessUsage after_create = sluice::bench::SampleUsage(pid);

  json info;
  size_t running = 0;
  auto wait_start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - wait_start).count() < 600) {
    Call(t, "GET", "/sim/v1/info", nullptr, &info);
    running = info.value("flinkJobsRunning", 0);
    if (static_cast<int>(running) >= clusters) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  double all_running_s = std::chrono::duration<double>(Clock::now() - created_at).count();
  sluice::bench::ProcessUsage settled = sluice::bench::SampleUsage(pid);
  std::this_thread::sleep_for(std::chrono::seconds(idle));
  sluice::bench::ProcessUsage after_idle = sluice::bench::SampleUsage(pid);
  Call(t, "GET", "/sim/v1/info", nullptr, &info);

  // One JobManager REST call through the service proxy, as Sluice makes them.
  auto rest_start = Clock::now();
  json overview;
  int rest_status =
      Call(t, "GET", "/api/v1/namespaces/ns-7/services/cluster-7-rest:rest/proxy/jobs/overview",
           nullptr, &overview);
  double rest_ms = std::chrono::duration<double, std::milli>(Clock::now() - rest_start).count();

  json report = {{"clusters", clusters},
                 {"namespaces", namespaces},
                 {"watches", watch_paths.size()},
                 {"createFailures", failures.load()},
                 {"jobsRunning", running},
                 {"objects", info.value("objects", 0)},
                 {"openWatches", info.value("watches", 0)},
                 {"watchEventsReceived", events.load()},
                 {"createSeconds", create_s},
                 {"allRunningSeconds", all_running_s},
                 {"rssMiBStart", start.rss_mib},
                 {"rssMiBAfterCreate", after_create.rss_mib},
                 {"rssMiBSettled", settled.rss_mib},
                 {"rssMiBAfterIdle", after_idle.rss_mib},
                 {"cpuSecondsStart", start.cpu_s},
                 {"cpuSecondsToAllRunning", settled.cpu_s - start.cpu_s},
                 {"cpuSecondsIdle", after_idle.cpu_s - settled.cpu_s},
                 {"idleSeconds", idle},
                 {"simThreads", after_idle.threads},
                 {"proxyRestStatus", rest_status},
                 {"proxyRestMs", rest_ms}};
  std::cout << report.dump(2) << std::endl;
  if (!out_file.empty()) std::ofstream(out_file) << report.dump(2) << "\n";
  stop = true;
  sim.reset();
  for (auto& w : watchers)
    w.join();
  return failures.load() == 0 && static_cast<int>(running) >= clusters ? 0 : 1;
}
