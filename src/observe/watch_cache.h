// One Kubernetes cluster's Flink objects kept in memory from watches: JobManager and
// TaskManager Deployments and Pods of native clusters (label type=flink-native-kubernetes)
// and, when the operator's CRDs are installed, FlinkDeployments and FlinkSessionJobs.
// It tells subscribers which deployment changed (namespace + cluster id) and serves the
// deployers' Observe reads (k8s::ReadCache) so that 10,000 jobs observed every few
// seconds cost no API server requests while the watches are healthy.
//
//   auto cache = observe::WatchCache::Start(client, {.cluster_name = "prod"});
//   client->SetReadCache(cache);  // Observe reads with allow_cached now come from memory
//   int id = cache->Subscribe([&](const std::string& ns, const std::string& cid) { ... });
//
// Freshness: a type is served only once its first list is complete and while its watch is
// healthy; after a failed list or stream it is not served (reads go to the API server, and
// fail there if the server fails) until a list completes or the resumed stream delivers
// an event or a bookmark. So the cache never answers with data it knows may be old.
// Objects are kept slim (see slim.h): metadata and status, no spec.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "k8s/client.h"
#include "k8s/read_cache.h"
#include "k8s/watcher.h"

namespace sluice::observe {

struct WatchCacheOptions {
  std::string cluster_name;  // for logs and State()
  // Namespaces to watch; empty: all namespaces with one watch per type (needs cluster-wide
  // list and watch rights on pods, deployments and the operator's resources).
  std::vector<std::string> namespaces;
  bool operator_types = true;       // FlinkDeployments, FlinkSessionJobs when the CRDs exist
  int watch_timeout_seconds = 300;  // each stream; Stop() ends quiet streams within about a second
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5'000};
};

class WatchCache : public k8s::ReadCache, public std::enable_shared_from_this<WatchCache> {
 public:
  // Starts one watch thread per type and namespace; returns at once. Types whose
  // resources the server does not serve (operator CRDs absent) are skipped with a log note.
  static std::shared_ptr<WatchCache> Start(std::shared_ptr<k8s::Client> client,
                                           WatchCacheOptions options = {});
  ~WatchCache() override;
  WatchCache(const WatchCache&) = delete;
  WatchCache& operator=(const WatchCache&) = delete;

  // Ends the watches and joins their threads (a quiet stream is cut within about a
  // second). Reads are not served afterwards.
  void Stop();

  using Listener = std::function<void(const std::string& ns, const std::string& cluster_id)>;
  // `listener` is called on a watch thread after the cache holds the change, once per
  // changed object (initial list and relist differences included), with the object's
  // namespace and cluster id (label app; the resource's name for operator resources). It
  // must return quickly (enqueue) and must not call Stop or Unsubscribe.
  int Subscribe(Listener listener);
  void Unsubscribe(int id);

  // True once every watched type has listed once (false on timeout).
  bool WaitForSync(std::chrono::milliseconds timeout) const;

  struct TypeState {
    std::string resource;  // pods, deployments.apps, flinkdeployments.flink.apache.org
    std::string ns;        // "" = all namespaces
    bool synced = false;   // listed at least once
    bool healthy = false;  // served now
    size_t objects = 0;
    int64_t failures = 0;
    std::string note;  // why it is not watched or not healthy
  };
  std::vector<TypeState> State() const;

  // k8s::ReadCache
  std::optional<Result<nlohmann::json>> Get(const k8s::ResourceType& type, std::string_view ns,
                                            std::string_view name) override;
  std::optional<Result<std::vector<nlohmann::json>>> List(const k8s::ResourceType& type,
                                                          std::string_view ns,
                                                          std::string_view label_selector) override;

 private:
  struct Informer;
  WatchCache(std::shared_ptr<k8s::Client> client, WatchCacheOptions options);
  void Launch();
  void AddInformer(const k8s::ResourceType& type, const std::string& ns,
                   const std::string& label_selector, bool optional);
  void Run(Informer& informer);
  bool OnEvent(Informer& informer, const k8s::WatchEvent& event);
  void Notify(const std::string& ns, const std::string& cluster_id);
  Informer* Find(const k8s::ResourceType& type, std::string_view ns) const;

  std::shared_ptr<k8s::Client> client_;
  WatchCacheOptions options_;
  std::vector<std::unique_ptr<Informer>> informers_;  // fixed after Launch
  std::atomic<bool> stopped_{false};

  mutable std::mutex listeners_mu_;
  std::map<int, std::shared_ptr<Listener>> listeners_;
  int next_listener_ = 0;

  mutable std::mutex sync_mu_;
  mutable std::condition_variable sync_cv_;
};

}  // namespace sluice::observe
