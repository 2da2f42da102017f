// `sluice serve` end to end on the simulator: a Kubernetes cluster registered and a job
// created, deployed, suspended and resumed over the REST API, with the reconciler inside
// the server doing the work (no pass is called by the test).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>

#include "cli/serve_reconcile.h"
#include "deploy/preflight.h"
#include "deploy/request.h"
#include "reconcile/cluster_targets.h"
#include "spec/parse.h"
#include "spec/render.h"
#include "support.h"

namespace sluice::reconcile::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class ServeEndToEndTest : public SimTest {
 protected:
  void StartServer() {
    server_ = std::make_unique<ServeProcess>(dir_.path() / "var", kPassword);
    ASSERT_TRUE(server_->Ready(30s, "e2e")) << server_->proc().err();
  }

  json Call(const std::string& method, const std::string& path, const json& body = nullptr,
            int want = 0) {
    int status = -1;
    json answer = server_->Call(method, path, body, &status);
    EXPECT_NE(status, -1) << method << " " << path;
    if (status == -1) return nullptr;
    if (want) {
      EXPECT_EQ(status, want) << method << " " << path << ": " << answer.dump();
    }
    return answer;
  }

  // Waits until the job's status.state is `state`; returns the job.
  json UntilApiState(const std::string& name, const std::string& state) {
    json job;
    auto end = std::chrono::steady_clock::now() + 90s;
    while (std::chrono::steady_clock::now() < end) {
      job = Call("GET", "/api/v1/jobs/" + name);
      if (job.is_object() && job["status"].value("state", "") == state) return job;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << "wanted " << state << ", the job is " << job.dump();
    return job;
  }

  static constexpr const char* kPassword = "end-to-end-password-1";
  std::unique_ptr<ServeProcess> server_;
};

TEST_F(ServeEndToEndTest, ApiToRunningSuspendResume) {
  StartServer();
  Call("POST", "/api/v1/clusters",
       {{"name", "sim"},
        {"kind", "kubernetes"},
        {"config", {{"context", "sluice-sim"}}},
        {"secrets", {{"kubeconfig", sim_->Kubeconfig()}}}},
       201);

  const std::string text = SpecText(
      "jar", "e2e-orders", {{"  namespace: lifecycle", "  namespace: e2e\n  cluster: sim"}});
  auto spec = spec::LoadJobSpec(text, "e2e");
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  auto request = deploy::MakeRequest(*spec);
  ASSERT_TRUE(request.ok());
  // The namespace and service account, as `sluice preflight --setup` makes them.
  ASSERT_TRUE(deploy::Preflight(*client_, *request, *spec->spec.target, {.setup = true}).ok());

  Call("POST", "/api/v1/jobs", json::parse(spec::RenderJson(*spec)), 201);
  Call("POST", "/api/v1/jobs/e2e-orders/actions/deploy", nullptr, 202);
  json running = UntilApiState("e2e-orders", "RUNNING");
  EXPECT_FALSE(running["status"].value("webUrl", "").empty()) << running.dump();
  EXPECT_EQ(Deployments("e2e", request->cluster_id), 1);

  Call("POST", "/api/v1/jobs/e2e-orders/actions/suspend", nullptr, 202);
  UntilApiState("e2e-orders", "SUSPENDED");
  json savepoints = Call("GET", "/api/v1/jobs/e2e-orders/savepoints");
  std::string path;
  for (const auto& s : savepoints["savepoints"]) {
    if (s.value("state", "") == "COMPLETED") path = s.value("path", "");
  }
  ASSERT_FALSE(path.empty()) << savepoints.dump();

  Call("POST", "/api/v1/jobs/e2e-orders/actions/resume", nullptr, 202);
  UntilApiState("e2e-orders", "RUNNING");
  EXPECT_EQ(RestoredFrom("e2e", request->cluster_id), path);
  EXPECT_EQ(Deployments("e2e", request->cluster_id), 1);

  json events = Call("GET", "/api/v1/jobs/e2e-orders/events");
  EXPECT_GE(events["events"].size(), 4u) << events.dump();
  server_->proc().Signal(SIGTERM);
  EXPECT_EQ(server_->proc().Wait(30s), 0) << server_->proc().err();
}

// Many passes asking for the deployers of jobs on one new Kubernetes cluster at once (the
// first passes after `sluice serve` starts with many jobs) start exactly one watch cache
// and all return: a second cache had to be stopped while the first's events waited for
// the same lock, and every worker hung.
TEST_F(ServeEndToEndTest, ConcurrentPassesStartOneWatchCache) {
  store::Cluster cluster;
  cluster.name = "sim";
  cluster.kind = "kubernetes";
  cluster.config_json = R"({"context":"sluice-sim"})";
  ASSERT_TRUE(store_->CreateCluster(cluster).ok());
  const std::string kubeconfig = sim_->Kubeconfig();
  ClusterTargets targets(*store_,
                         [&](const store::Cluster&) -> Result<json> {
                           return json{{"kubeconfig", kubeconfig}};
                         },
                         {.work_dir = dir_.path() / "work"});
  cli::ServeReconciler serve(*store_, targets);
  std::atomic<int> woken{0};
  serve.SetWaker([&](int64_t) { ++woken; });

  constexpr int kPasses = 8;
  std::vector<std::string> texts;
  for (int i = 0; i < kPasses; ++i) {
    texts.push_back(SpecText("jar", "many-" + std::to_string(i),
                             {{"  namespace: lifecycle", "  namespace: many\n  cluster: sim"}}));
  }
  std::atomic<int> ready{0}, ok{0};
  std::vector<std::thread> passes;
  for (int i = 0; i < kPasses; ++i) {
    passes.emplace_back([&, i] {
      auto spec = spec::LoadJobSpec(texts[i], "many");
      if (!spec.ok()) return;
      store::Job job;
      job.id = i + 1;
      job.name = spec->metadata.name;
      job.cluster = "sim";
      ++ready;
      while (ready.load() < kPasses)
        std::this_thread::yield();
      if (serve.DeployerFor(job, *spec).ok()) ++ok;
    });
  }
  for (auto& t : passes)
    t.join();
  EXPECT_EQ(ok.load(), kPasses);
  EXPECT_EQ(serve.watch_caches_started(), 1);
}

bool PollUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

// The reconciler of `sluice serve` in this process (ServeReconciler + Controller) on the
// simulator, with a steady requeue of ten minutes: whatever reaches the store sooner was
// found by a watch or by the JobManager poller.
class PollingServeTest : public ServeEndToEndTest {
 protected:
  void StartReconciler() {
    store::Cluster cluster;
    cluster.name = "sim";
    cluster.kind = "kubernetes";
    cluster.config_json = R"({"context":"sluice-sim"})";
    ASSERT_TRUE(store_->CreateCluster(cluster).ok());
    kubeconfig_ = sim_->Kubeconfig();
    targets_ = std::make_unique<ClusterTargets>(
        *store_,
        [this](const store::Cluster&) -> Result<json> {
          return json{{"kubeconfig", kubeconfig_}};
        },
        ClusterTargetOptions{.work_dir = dir_.path() / "work"});
    ReconcilerOptions o = Options();
    o.requeue_steady = std::chrono::minutes(10);
    serve_ = std::make_unique<cli::ServeReconciler>(
        *store_, *targets_, o, observe::JobManagerPollerOptions{.period = 200ms, .threads = 2});
    ControllerOptions co;
    co.workers = 2;
    co.resync_interval = std::chrono::minutes(10);
    controller_ = std::make_unique<Controller>(
        *store_,
        [this, fn = serve_->Fn()](int64_t id) {
          ++passes_;
          return fn(id);
        },
        co);
    serve_->SetWaker([c = controller_.get()](int64_t id) { c->Enqueue(id); });
    ASSERT_TRUE(controller_->Start().ok());
  }
  void TearDown() override {
    if (serve_) serve_->StopPolling();
    controller_.reset();
    serve_.reset();
  }

  bool UntilStore(int64_t id, const std::function<bool(const store::Job&)>& pred) {
    auto end = std::chrono::steady_clock::now() + 90s;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(Job(id))) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string kubeconfig_;
  std::unique_ptr<ClusterTargets> targets_;
  std::unique_ptr<cli::ServeReconciler> serve_;
  std::unique_ptr<Controller> controller_;
  std::atomic<int> passes_{0};
};

// The job fails inside Flink (no pod or Deployment changes; restart-strategy none, the
// cluster stays): the poller sees it and the pass writes it, long before the ten-minute
// steady pass.
TEST_F(PollingServeTest, JobFailingInsideTheJobManagerReachesTheStoreThroughThePoller) {
  StartReconciler();
  int64_t id = Create(SpecText("jar", "poll-fail",
                               {{"  namespace: lifecycle", "  namespace: poll\n  cluster: sim"}}));
  controller_->Enqueue(id);
  ASSERT_TRUE(UntilStore(id, [](const store::Job& j) { return j.state == "RUNNING"; }))
      << Job(id).status_json;
  ASSERT_TRUE(PollUntil([&] { return serve_->poller_stats().jobs == 1; }, 60s));
  int64_t wakes = serve_->poller_stats().wakes;

  auto cluster = sim_->flink().Find("poll", "poll-fail");
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE(cluster->FailJob("", "java.lang.IllegalStateException: boom"));
  // FAILED, or already restarted by Sluice's policy (a restart time recorded).
  ASSERT_TRUE(UntilStore(id, [](const store::Job& j) {
    json s = json::parse(j.status_json);
    return j.state == "FAILED" || !s.value("restartTimes", json::array()).empty();
  })) << Job(id).status_json;
  EXPECT_GT(serve_->poller_stats().wakes, wakes);
  EXPECT_TRUE(HasEvent(id, "state")) << "the transition is an event";
}

// A JobManager that stops answering is polled on, but its job is not passed over and
// over: failed polls wake it at most once per grace period (30 s here), so none in this
// window.
TEST_F(PollingServeTest, SilentJobManagerCausesNoStormOfPasses) {
  StartReconciler();
  int64_t id = Create(SpecText("jar", "poll-silent",
                               {{"  namespace: lifecycle", "  namespace: poll\n  cluster: sim"}}));
  controller_->Enqueue(id);
  ASSERT_TRUE(UntilStore(id, [](const store::Job& j) { return j.state == "RUNNING"; }))
      << Job(id).status_json;
  ASSERT_TRUE(PollUntil([&] { return serve_->poller_stats().jobs == 1; }, 60s));
  // Let the start's last passes end (watch events of pods becoming ready).
  int settled = -1;
  ASSERT_TRUE(PollUntil(
      [&] {
        int now = passes_.load();
        bool same = now == settled;
        settled = now;
        std::this_thread::sleep_for(500ms);
        return same;
      },
      60s));

  sim::FaultRule rule;
  rule.path_pattern = "services/poll-silent-rest.*proxy";
  rule.remaining = -1;
  rule.status = 503;
  rule.message = "connection refused";
  sim_->faults().Add(rule);
  int64_t failures = serve_->poller_stats().failures;
  int passes = passes_.load();
  ASSERT_TRUE(PollUntil([&] { return serve_->poller_stats().failures >= failures + 20; }, 60s));
  EXPECT_LE(passes_.load(), passes + 1) << "20 failed polls, no storm of passes";
  EXPECT_EQ(Job(id).state, "RUNNING");
  sim_->faults().Clear();
}

}  // namespace
}  // namespace sluice::reconcile::testing
