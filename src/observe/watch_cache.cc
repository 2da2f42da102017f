#include "observe/watch_cache.h"

#include <set>
#include <shared_mutex>
#include <unordered_map>

#include "common/log.h"
#include "deploy/operator.h"
#include "observe/label_selector.h"
#include "observe/slim.h"

namespace sluice::observe {
namespace {

using nlohmann::json;

constexpr std::string_view kFlinkNativeSelector = "type=flink-native-kubernetes";

std::string Key(std::string_view ns, std::string_view name) {
  std::string k(ns);
  k += '/';
  k += name;
  return k;
}

}  // namespace

struct WatchCache::Informer {
  std::string qualified;  // how reads find it: pods, flinkdeployments.flink.apache.org
  std::string api_version, kind;
  bool optional = false;  // an operator type: absent CRD = skipped
  std::string ns, selector;
  std::thread thread;

  mutable std::shared_mutex mu;
  k8s::ResourceType type;  // resolved (CRDs through discovery, on the watch thread)
  std::unique_ptr<k8s::Watcher> watcher;
  bool done = false;  // listed once, or skipped: counts for WaitForSync
  bool synced = false, healthy = false;
  int64_t failures = 0;
  std::string note;
  std::unordered_map<std::string, std::shared_ptr<const json>> objects;  // ns/name
  std::unordered_map<std::string, std::set<std::string>> by_cluster;     // ns/cluster id → keys

  void Index(const std::string& key, const std::string& ns_cluster, bool add) {
    if (ns_cluster.empty()) return;
    auto& keys = by_cluster[ns_cluster];
    if (add) {
      keys.insert(key);
    } else {
      keys.erase(key);
      if (keys.empty()) by_cluster.erase(ns_cluster);
    }
  }
};

WatchCache::WatchCache(std::shared_ptr<k8s::Client> client, WatchCacheOptions options)
    : client_(std::move(client)), options_(std::move(options)) {}

std::shared_ptr<WatchCache> WatchCache::Start(std::shared_ptr<k8s::Client> client,
                                              WatchCacheOptions options) {
  std::shared_ptr<WatchCache> cache(new WatchCache(std::move(client), std::move(options)));
  cache->Launch();
  return cache;
}

WatchCache::~WatchCache() {
  Stop();
}

void WatchCache::AddInformer(const k8s::ResourceType& type, const std::string& ns,
                             const std::string& label_selector, bool optional) {
  auto inf = std::make_unique<Informer>();
  inf->qualified = type.Qualified();
  inf->api_version = type.ApiVersion();
  inf->kind = type.kind;
  inf->type = type;
  inf->optional = optional;
  inf->ns = ns;
  inf->selector = label_selector;
  informers_.push_back(std::move(inf));
}

void WatchCache::Launch() {
  std::vector<std::string> namespaces = options_.namespaces;
  if (namespaces.empty()) namespaces.push_back("");
  std::string api(deploy::kOperatorApiVersion);
  std::string group = api.substr(0, api.find('/'));
  std::string version = api.substr(api.find('/') + 1);
  for (const auto& ns : namespaces) {
    AddInformer(k8s::types::Deployment(), ns, std::string(kFlinkNativeSelector), false);
    AddInformer(k8s::types::Pod(), ns, std::string(kFlinkNativeSelector), false);
    if (options_.operator_types) {
      AddInformer({group, version, "flinkdeployments", "FlinkDeployment", true}, ns, "", true);
      AddInformer({group, version, "flinksessionjobs", "FlinkSessionJob", true}, ns, "", true);
    }
  }
  for (auto& inf : informers_) {
    Informer* p = inf.get();
    p->thread = std::thread([this, p] { Run(*p); });
  }
}

void WatchCache::Stop() {
  if (stopped_.exchange(true)) return;
  for (auto& inf : informers_) {
    std::unique_lock lock(inf->mu);
    inf->healthy = false;
    if (inf->watcher) inf->watcher->Stop();
  }
  for (auto& inf : informers_) {
    if (inf->thread.joinable()) inf->thread.join();
  }
  std::lock_guard lock(sync_mu_);
  sync_cv_.notify_all();
}

void WatchCache::Run(Informer& inf) {
  auto finish = [&](const std::string& note) {
    {
      std::unique_lock lock(inf.mu);
      inf.done = true;
      inf.healthy = false;
      inf.note = note;
    }
    std::lock_guard lock(sync_mu_);
    sync_cv_.notify_all();
  };
  std::string where = inf.qualified + (inf.ns.empty() ? "" : " in " + inf.ns);
  if (inf.optional) {
    // The operator's CRDs may be absent: then this type is skipped, with a note.
    auto backoff = options_.initial_backoff;
    for (;;) {
      if (stopped_) return;
      auto t = client_->ResolveKind(inf.api_version, inf.kind);
      if (t.ok()) {
        std::unique_lock lock(inf.mu);
        inf.type = *t;
        break;
      }
      if (k8s::IsNotFound(t.error())) {
        log::Info("observe: not watching " + inf.qualified +
                  ": the operator's CRD is not installed")
            .With("cluster", options_.cluster_name);
        finish("not served by the API server (operator CRD not installed)");
        return;
      }
      {
        std::unique_lock lock(inf.mu);
        ++inf.failures;
        inf.note = t.error().message;
      }
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stopped_;
           waited += std::chrono::milliseconds(50))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
  k8s::WatcherOptions wo;
  wo.label_selector = inf.selector;
  wo.timeout_seconds = options_.watch_timeout_seconds;
  wo.initial_backoff = options_.initial_backoff;
  wo.max_backoff = options_.max_backoff;
  wo.transform = [](json o) { return Slim(std::move(o)); };
  wo.remember_metadata_only = true;
  wo.on_listed = [this, &inf] {
    {
      std::unique_lock lock(inf.mu);
      inf.synced = inf.done = true;
      inf.healthy = !stopped_;
      inf.note.clear();
    }
    std::lock_guard lock(sync_mu_);
    sync_cv_.notify_all();
  };
  wo.on_failure = [this, &inf, where](const Error& e) {
    std::unique_lock lock(inf.mu);
    if (inf.healthy)
      log::Warn("observe: watch failed; reading from the API server until it resumes")
          .With("cluster", options_.cluster_name)
          .With("resource", where)
          .With(e);
    inf.healthy = false;
    ++inf.failures;
    inf.note = "watch failed: " + e.message;
  };
  wo.on_bookmark = [this, &inf] {
    std::unique_lock lock(inf.mu);
    if (inf.synced && !stopped_) inf.healthy = true;
  };
  k8s::Watcher* watcher = nullptr;
  {
    std::unique_lock lock(inf.mu);
    if (stopped_) return;
    inf.watcher = std::make_unique<k8s::Watcher>(client_, inf.type, inf.ns, wo);
    watcher = inf.watcher.get();
  }
  Status st = watcher->Run([this, &inf](const k8s::WatchEvent& ev) { return OnEvent(inf, ev); });
  if (!st.ok()) {
    log::Warn("observe: not watching " + where + "; reads go to the API server")
        .With("cluster", options_.cluster_name)
        .With(st.error());
    finish("watch refused: " + st.error().message);
  }
}

bool WatchCache::OnEvent(Informer& inf, const k8s::WatchEvent& ev) {
  if (stopped_) return false;
  const json meta = ev.object.value("metadata", json::object());
  std::string ns = meta.value("namespace", "");
  std::string key = Key(ns, meta.value("name", ""));
  std::string cluster = ClusterIdOf(ev.object);
  std::string ns_cluster = cluster.empty() ? "" : Key(ns, cluster);
  {
    std::unique_lock lock(inf.mu);
    auto it = inf.objects.find(key);
    if (it != inf.objects.end()) {
      std::string old = ClusterIdOf(*it->second);
      if (old != cluster) inf.Index(key, old.empty() ? "" : Key(ns, old), false);
    }
    if (ev.type == "DELETED") {
      inf.objects.erase(key);
      inf.Index(key, ns_cluster, false);
    } else {
      inf.objects[key] = std::make_shared<const json>(ev.object);
      inf.Index(key, ns_cluster, true);
    }
    if (inf.synced) inf.healthy = true;  // a resumed stream delivers again
  }
  if (!cluster.empty()) Notify(ns, cluster);
  return !stopped_;
}

int WatchCache::Subscribe(Listener listener) {
  std::lock_guard lock(listeners_mu_);
  int id = ++next_listener_;
  listeners_[id] = std::make_shared<Listener>(std::move(listener));
  return id;
}

void WatchCache::Unsubscribe(int id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

void WatchCache::Notify(const std::string& ns, const std::string& cluster_id) {
  std::vector<std::shared_ptr<Listener>> copy;
  {
    std::lock_guard lock(listeners_mu_);
    copy.reserve(listeners_.size());
    for (const auto& [id, l] : listeners_)
      copy.push_back(l);
  }
  for (const auto& l : copy)
    (*l)(ns, cluster_id);
}

bool WatchCache::WaitForSync(std::chrono::milliseconds timeout) const {
  auto all_done = [&] {
    if (stopped_) return true;
    for (const auto& inf : informers_) {
      std::shared_lock lock(inf->mu);
      if (!inf->done) return false;
    }
    return true;
  };
  std::unique_lock lock(sync_mu_);
  sync_cv_.wait_for(lock, timeout, all_done);
  return all_done() && !stopped_;
}

std::vector<WatchCache::TypeState> WatchCache::State() const {
  std::vector<TypeState> out;
  for (const auto& inf : informers_) {
    std::shared_lock lock(inf->mu);
    out.push_back({inf->qualified, inf->ns, inf->synced, inf->healthy, inf->objects.size(),
                   inf->failures, inf->note});
  }
  return out;
}

WatchCache::Informer* WatchCache::Find(const k8s::ResourceType& type, std::string_view ns) const {
  std::string q = type.Qualified();
  for (const auto& inf : informers_) {
    if (inf->qualified == q && (inf->ns.empty() || inf->ns == ns)) return inf.get();
  }
  return nullptr;
}

std::optional<Result<json>> WatchCache::Get(const k8s::ResourceType& type, std::string_view ns,
                                            std::string_view name) {
  if (stopped_) return std::nullopt;
  Informer* inf = Find(type, ns);
  if (!inf) return std::nullopt;
  std::shared_lock lock(inf->mu);
  if (!inf->healthy) return std::nullopt;
  auto it = inf->objects.find(Key(ns, name));
  if (it == inf->objects.end()) {
    // A miss is served too: an object without Flink's labels (not Sluice's) reads as absent.
    return Result<json>(NotFound("get " + type.kind + " " + std::string(ns) + "/" +
                                 std::string(name) + ": " + type.Qualified() + " \"" +
                                 std::string(name) + "\" not found"));
  }
  return Result<json>(*it->second);
}

std::optional<Result<std::vector<json>>> WatchCache::List(const k8s::ResourceType& type,
                                                          std::string_view ns,
                                                          std::string_view label_selector) {
  if (stopped_) return std::nullopt;
  Informer* inf = Find(type, ns);
  if (!inf) return std::nullopt;
  auto selector = LabelSelector::Parse(label_selector);
  if (!selector) return std::nullopt;
  // The watch sees only objects of its own selector (type=...): serve lists that ask for
  // no more than that.
  if (!inf->selector.empty() && "type=" + selector->Required("type") != inf->selector)
    return std::nullopt;
  std::vector<json> items;
  std::shared_lock lock(inf->mu);
  if (!inf->healthy) return std::nullopt;
  auto take = [&](const json& o) {
    const json& meta = o["metadata"];
    if (!ns.empty() && meta.value("namespace", "") != ns) return;
    if (selector->Matches(meta.value("labels", json::object()))) items.push_back(o);
  };
  std::string app = selector->Required("app");
  if (!app.empty() && !ns.empty()) {
    auto it = inf->by_cluster.find(Key(ns, app));
    if (it != inf->by_cluster.end()) {
      for (const auto& key : it->second) {
        auto obj = inf->objects.find(key);
        if (obj != inf->objects.end()) take(*obj->second);
      }
    }
  } else {
    for (const auto& [key, obj] : inf->objects)
      take(*obj);
  }
  return Result<std::vector<json>>(std::move(items));
}

}  // namespace sluice::observe
