#include "k8s/sim_process.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

#include "common/fs.h"
#include "common/ids.h"

namespace sluice::testing {
namespace {

std::string SimBinary() {
  const char* bin = std::getenv("SLUICE_SIM_BIN");
  return bin ? bin : (BinaryDir() / "bin" / "sluice-sim").string();
}

}  // namespace

std::unique_ptr<SimProcess> SimProcess::Start(SimProcessOptions options) {
  std::unique_ptr<SimProcess> sim(new SimProcess());
  sim->token_ = RandomHex(16);
  std::string ready = (sim->dir_.path() / "ready").string();
  std::vector<std::string> argv = {SimBinary(),
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--kubeconfig-out",
                                   sim->kubeconfig_path(),
                                   "--ready-file",
                                   ready,
                                   "--token",
                                   sim->token_,
                                   "--startup-delay",
                                   options.startup_delay,
                                   "--savepoint-duration",
                                   options.savepoint_duration,
                                   "--slot-timeout",
                                   options.slot_timeout,
                                   "--restart-delay",
                                   "100ms",
                                   "--threads",
                                   "8"};
  if (options.operator_crds) {
    for (const char* crd :
         {"flinkdeployments.flink.apache.org-v1.yml", "flinksessionjobs.flink.apache.org-v1.yml",
          "flinkstatesnapshots.flink.apache.org-v1.yml"}) {
      argv.push_back("--crd");
      argv.push_back((ReferenceDir() / "flink-operator" / crd).string());
    }
  }
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  sim->process_ = std::make_unique<BackgroundProcess>(argv);
  bool up = WaitUntil([&] { return std::filesystem::exists(ready); }, std::chrono::seconds(20));
  if (!up) {
    ADD_FAILURE() << "sluice-sim did not start: " << sim->process_->err();
    return nullptr;
  }
  auto url = ReadFile(ready);
  sim->url_ = std::string(url.ok() ? *url : "");
  while (!sim->url_.empty() && (sim->url_.back() == '\n' || sim->url_.back() == '\r'))
    sim->url_.pop_back();
  return sim;
}

SimProcess::~SimProcess() {
  if (process_) {
    process_->Signal(SIGTERM);
    if (process_->Wait(std::chrono::seconds(5)) != 0) process_->Signal(SIGKILL);
  }
}

SimProcess* SimProcessSuite::sim_ = nullptr;

void SimProcessSuite::StartSuiteSim(SimProcessOptions options) {
  sim_ = SimProcess::Start(std::move(options)).release();
}

void SimProcessSuite::TearDownTestSuite() {
  delete sim_;
  sim_ = nullptr;
}

std::string SimProcess::kubeconfig_text() const {
  auto text = ReadFile(kubeconfig_path());
  return text.ok() ? *text : "";
}

k8s::RestConfig SimProcess::Config(const std::string& context) const {
  auto c = k8s::LoadRestConfig({.path = kubeconfig_path(), .context = context});
  EXPECT_TRUE(c.ok()) << c.error().ToString();
  return c.ok() ? *c : k8s::RestConfig{};
}

std::shared_ptr<k8s::Client> SimProcess::NewClient(const std::string& context,
                                                   k8s::ClientOptions options) const {
  options.initial_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(200);
  auto c = k8s::Client::Create(Config(context), options);
  EXPECT_TRUE(c.ok());
  return c.ok() ? *c : nullptr;
}

nlohmann::json SimProcess::Admin(const std::string& method, const std::string& path,
                                 const nlohmann::json& body, int* status) const {
  http::ClientRequest req;
  req.method = method;
  req.url = url_ + path;
  req.headers["Authorization"] = "Bearer " + token_;
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  req.tls = Config().tls;
  auto r = http::Send(req);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().ToString());
  if (!r.ok()) return nullptr;
  if (status) *status = r->status;
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  return j.is_discarded() ? nlohmann::json(r->body) : j;
}

std::string SimProcess::FailNext(const std::string& method, const std::string& path_regex,
                                 int count, int status, const std::string& message) const {
  auto r = Admin("POST", "/sim/v1/faults",
                 {{"method", method},
                  {"path", path_regex},
                  {"count", count},
                  {"action", "error"},
                  {"status", status},
                  {"message", message}});
  return r.is_object() ? r.value("id", "") : "";
}

std::string SimProcess::HangNext(const std::string& method, const std::string& path_regex,
                                 int count, std::chrono::milliseconds hang) const {
  Settings({{"hangTimeoutMs", hang.count()}});
  auto r = Admin("POST", "/sim/v1/faults",
                 {{"method", method}, {"path", path_regex}, {"count", count}, {"action", "hang"}});
  return r.is_object() ? r.value("id", "") : "";
}

void SimProcess::ClearFaults() const {
  Admin("DELETE", "/sim/v1/faults");
}
void SimProcess::DropWatches() const {
  Admin("POST", "/sim/v1/watches/drop", nlohmann::json::object());
}
void SimProcess::Settings(const nlohmann::json& fields) const {
  Admin("PUT", "/sim/v1/settings", fields);
}

bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace sluice::testing
