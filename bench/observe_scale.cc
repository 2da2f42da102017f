// observe::WatchCache at scale: starts sluice-sim, creates N simulated Flink application
// clusters (JobManager Deployment, ConfigMap, REST Service each; the simulator then runs
// their JobManager and TaskManager pods), starts one WatchCache on one k8s::Client, and
// measures in this process:
//   - the time to the first complete list of every watched type (sync);
//   - for M changes (an annotation patched on a random cluster's Deployment, at a fixed
//     rate) the time from sending the change to the cache's notification (p50, p99, max);
//   - one Observe pass's reads for all N clusters from the cache (a Deployment Get and a
//     JobManager pod list each, as the native deployer makes them);
//   - this process's resident memory and CPU seconds (sync, changes, idle).
//
//   observe_scale [--clusters 10000] [--namespaces 100] [--changes 1000] [--rate 50]
//                 [--idle 20] [--sim PATH] [--out FILE]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "k8s/client.h"
#include "k8s/kubeconfig.h"
#include "observe/watch_cache.h"
#include "sim/test_support.h"
#include "sim_process.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace types = sluice::k8s::types;

json Deployment(const std::string& ns, const std::string& cid) {
  return sluice::sim::testing::FlinkDeployment(ns, cid, "flink:1.20", "default");
}

json ConfigMap(const std::string& ns, const std::string& cid) {
  return sluice::sim::testing::FlinkConfigMap(
      ns, cid,
      "execution.target: kubernetes-application\nkubernetes.cluster-id: " + cid +
          "\npipeline.jars: [local:///opt/flink/usrlib/job.jar]\n"
          "parallelism.default: 1\ntaskmanager.numberOfTaskSlots: 1\n");
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int clusters = 10000, namespaces = 100, changes = 1000, rate = 50, idle = 20;
  std::string sim_bin = SLUICE_SIM_BIN, out_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--clusters")
      clusters = std::atoi(argv[i + 1]);
    else if (a == "--namespaces")
      namespaces = std::atoi(argv[i + 1]);
    else if (a == "--changes")
      changes = std::atoi(argv[i + 1]);
    else if (a == "--rate")
      rate = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--idle")
      idle = std::atoi(argv[i + 1]);
    else if (a == "--sim")
      sim_bin = argv[i + 1];
    else if (a == "--out")
      out_file = argv[i + 1];
  }
  auto sim = sluice::bench::SimProcess::Start("observe_scale", sim_bin,
                                              {"--history", "50000", "--bookmark-interval", "5s"},
                                              std::chrono::seconds(20));
  if (!sim) return 1;
  auto client = sluice::k8s::Client::Create(sim->config());
  if (!client.ok()) {
    std::cerr << "observe_scale: " << client.error().ToString() << "\n";
    return 1;
  }
  std::shared_ptr<sluice::k8s::Client> c = *client;

  // The JobManagers' service accounts create TaskManagers: grant them edit.
  (void)c->Create(*sluice::k8s::BuiltinType("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
                  "", sluice::bench::AllServiceAccountsEditBinding());
  auto ns_of = [&](int i) { return "ns-" + std::to_string(i % namespaces); };
  auto cid_of = [&](int i) { return "cluster-" + std::to_string(i); };
  for (int n = 0; n < namespaces; ++n) {
    (void)c->Create(types::Namespace(), "",
                    {{"apiVersion", "v1"},
                     {"kind", "Namespace"},
                     {"metadata", {{"name", "ns-" + std::to_string(n)}}}});
  }
  auto created_at = Clock::now();
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      for (int i; (i = next++) < clusters;) {
        std::string ns = ns_of(i), cid = cid_of(i);
        if (!c->Create(types::Deployment(), ns, Deployment(ns, cid)).ok()) ++failures;
        if (!c->Create(types::ConfigMap(), ns, ConfigMap(ns, cid)).ok()) ++failures;
        if (!c->Create(types::Service(), ns, sluice::sim::testing::FlinkRestService(ns, cid)).ok())
          ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  double create_s = std::chrono::duration<double>(Clock::now() - created_at).count();
  // Let the simulator start the pods before the cache lists them.
  std::this_thread::sleep_for(std::chrono::seconds(10));

  pid_t self = getpid();
  sluice::bench::ProcessUsage before = sluice::bench::SampleUsage(self);
  std::mutex mu;
  std::map<std::string, Clock::time_point> pending;
  std::vector<double> latencies_ms;
  std::atomic<long> notifications{0};
  auto sync_start = Clock::now();
  auto cache = sluice::observe::WatchCache::Start(c, {.cluster_name = "bench"});
  cache->Subscribe([&](const std::string& ns, const std::string& cid) {
    ++notifications;
    auto now = Clock::now();
    std::lock_guard lock(mu);
    auto it = pending.find(ns + "/" + cid);
    if (it == pending.end()) return;
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
    pending.erase(it);
  });
  bool synced = cache->WaitForSync(std::chrono::minutes(10));
  double sync_s = std::chrono::duration<double>(Clock::now() - sync_start).count();
  c->SetReadCache(cache);
  sluice::bench::ProcessUsage after_sync = sluice::bench::SampleUsage(self);
  size_t objects = 0;
  for (const auto& s : cache->State())
    objects += s.objects;

  // One Observe pass's Kubernetes reads for every cluster, from memory.
  auto pass_start = Clock::now();
  int pass_misses = 0;
  for (int i = 0; i < clusters; ++i) {
    std::string ns = ns_of(i), cid = cid_of(i);
    auto d = c->Get(types::Deployment(), ns, cid, {.allow_cached = true});
    auto pods = c->ListAll(
        types::Pod(), ns,
        {.label_selector = "type=flink-native-kubernetes,app=" + cid + ",component=jobmanager",
         .allow_cached = true});
    if (!d.ok() || !pods.ok()) ++pass_misses;
  }
  double pass_ms = std::chrono::duration<double, std::milli>(Clock::now() - pass_start).count();
  sluice::bench::ProcessUsage after_pass = sluice::bench::SampleUsage(self);

  // Changes at a fixed rate; the notification of each is timed.
  std::mt19937 rng(42);
  auto change_start = Clock::now();
  int sent = 0, change_failures = 0;
  for (int k = 0; k < changes; ++k) {
    auto due = change_start + std::chrono::microseconds(1'000'000LL * k / rate);
    std::this_thread::sleep_until(due);
    int i = static_cast<int>(rng() % static_cast<unsigned>(clusters));
    std::string ns = ns_of(i), cid = cid_of(i);
    {
      std::lock_guard lock(mu);
      if (pending.count(ns + "/" + cid)) continue;
      pending[ns + "/" + cid] = Clock::now();
    }
    auto r = c->Patch(types::Deployment(), ns, cid, sluice::k8s::PatchType::kJsonMerge,
                      {{"metadata", {{"annotations", {{"sluice.dev/bench", std::to_string(k)}}}}}});
    if (!r.ok()) ++change_failures;
    ++sent;
  }
  for (int w = 0; w < 300; ++w) {
    {
      std::lock_guard lock(mu);
      if (pending.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double change_s = std::chrono::duration<double>(Clock::now() - change_start).count();
  sluice::bench::ProcessUsage after_changes = sluice::bench::SampleUsage(self);
  std::this_thread::sleep_for(std::chrono::seconds(idle));
  sluice::bench::ProcessUsage after_idle = sluice::bench::SampleUsage(self);

  std::vector<double> lat;
  size_t missed;
  {
    std::lock_guard lock(mu);
    lat = latencies_ms;
    missed = pending.size();
  }
  json report = {{"clusters", clusters},
                 {"namespaces", namespaces},
                 {"createSeconds", create_s},
                 {"createFailures", failures.load()},
                 {"synced", synced},
                 {"syncSeconds", sync_s},
                 {"objectsCached", objects},
                 {"observePassMs", pass_ms},
                 {"observePassMisses", pass_misses},
                 {"changesSent", sent},
                 {"changeFailures", change_failures},
                 {"changeRatePerSecond", rate},
                 {"notificationsMissed", missed},
                 {"notifyMsP50", Percentile(lat, 0.50)},
                 {"notifyMsP99", Percentile(lat, 0.99)},
                 {"notifyMsMax", Percentile(lat, 1.0)},
                 {"notificationsTotal", notifications.load()},
                 {"rssMiBBeforeCache", before.rss_mib},
                 {"rssMiBAfterSync", after_sync.rss_mib},
                 {"rssMiBAfterChanges", after_changes.rss_mib},
                 {"rssMiBAfterIdle", after_idle.rss_mib},
                 {"cpuSecondsSync", after_sync.cpu_s - before.cpu_s},
                 {"cpuSecondsObservePass", after_pass.cpu_s - after_sync.cpu_s},
                 {"cpuSecondsChanges", after_changes.cpu_s - after_pass.cpu_s},
                 {"changeSeconds", change_s},
                 {"cpuCoresDuringChanges", (after_changes.cpu_s - after_pass.cpu_s) / change_s},
                 {"cpuCoresIdle", (after_idle.cpu_s - after_changes.cpu_s) / std::max(1, idle)},
                 {"idleSeconds", idle}};
  std::cout << report.dump(2) << std::endl;
  if (!out_file.empty()) std::ofstream(out_file) << report.dump(2) << "\n";
  cache->Stop();
  sim.reset();
  return missed == 0 && synced ? 0 : 1;
}
