// The object store behind the simulated API server: objects by resource, namespace and
// name, one global resourceVersion counter, a bounded history of changes for watches to
// resume from, and the watches themselves. Thread-safe; knows nothing of HTTP.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/selector.h"

namespace sluice::sim {

struct ResourceType {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "deployments"
  std::string singular;
  std::string kind;
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs = {"create", "delete", "deletecollection", "get",
                                    "list",   "patch",  "update",           "watch"};
  bool status_subresource = false;
  bool scale_subresource = false;
  bool log_subresource = false;
  bool builtin = true;
  // Custom resources: the CRD's openAPIV3Schema for this version and its printer columns.
  std::shared_ptr<const nlohmann::json> schema;
  nlohmann::json printer_columns = nlohmann::json::array();

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  std::string key() const { return group + "/" + plural; }  // "apps/deployments", "/pods"
  std::string qualified() const { return group.empty() ? plural : plural + "." + group; }
};

struct OwnerRef {
  std::string uid, kind, name, api_version;
  bool controller = false;
  bool block_owner_deletion = false;
};

struct Object {
  std::string type_key;
  std::string ns, name, uid;
  uint64_t rv = 0;
  Labels labels;
  std::vector<OwnerRef> owners;
  bool deleting = false;
  std::vector<std::string> finalizers;
  std::shared_ptr<const std::string> body;  // compact JSON

  nlohmann::json Json() const { return nlohmann::json::parse(*body); }
};

struct Event {
  uint64_t rv = 0;
  std::string type;  // ADDED, MODIFIED, DELETED
  std::string type_key, ns, name;
  Labels labels, old_labels;
  std::shared_ptr<const std::string> body;
  std::shared_ptr<const std::string> old_body;  // MODIFIED: the object before
  std::string uid;
  std::vector<OwnerRef> owners;
  bool deleting = false;
  std::vector<std::string> finalizers;
};

struct WatchSpec {
  std::string type_key;
  std::string ns;  // "" = all namespaces
  LabelSelector labels;
  std::optional<FieldSelector> fields;
  bool bookmarks = false;
  std::string kind, api_version;  // for bookmarks
  // Sends one encoded event; false when the client is gone.
  std::function<bool(const std::string& type, const std::string& body)> send;
  std::function<void()> close;
};

// What Store::Watch says when it cannot start a watch from the given version.
struct TooOld {
  uint64_t requested = 0;
  uint64_t oldest = 0;
};

class Store {
 public:
  explicit Store(size_t history_limit = 10000) : history_limit_(history_limit) {}

  uint64_t current_rv() const;
  uint64_t oldest_rv() const;  // the oldest version a watch can start from

  std::optional<Object> Get(const std::string& type_key, const std::string& ns,
                            const std::string& name) const;
  std::optional<Object> GetByUid(const std::string& uid) const;
  // Objects of one resource (ns "" = all), ordered by namespace and name.
  std::vector<Object> List(const std::string& type_key, const std::string& ns,
                           const LabelSelector* labels = nullptr) const;
  std::vector<Object> Dependents(const std::string& owner_uid) const;
  size_t size() const;

  // Write primitives; the caller has set metadata (uid, timestamps). Each assigns the next
  // resourceVersion, writes it into metadata.resourceVersion and returns the stored object.
  // Create fails (nullopt) when the name is taken; Replace when the object is gone or,
  // with expected_rv, when it changed since.
  std::optional<Object> Create(const std::string& type_key, nlohmann::json object);
  enum class ReplaceOutcome { kOk, kNotFound, kConflict };
  ReplaceOutcome Replace(const std::string& type_key, nlohmann::json object,
                         std::optional<uint64_t> expected_rv, Object* stored);
  std::optional<Object> Remove(const std::string& type_key, const std::string& ns,
                               const std::string& name);

  // Watches. since_rv 0 = list what exists as ADDED events first.
  std::variant<uint64_t, TooOld> Watch(WatchSpec spec, uint64_t since_rv, bool since_set);
  void Unwatch(uint64_t id);
  void DropWatches();  // closes every watch, as when an API server restarts
  void SendBookmarks();
  size_t watch_count() const;

  // Called (under the store's lock: only queue work) for every change.
  void AddListener(std::function<void(const Event&)> listener);
  void SetHistoryLimit(size_t limit);

 private:
  using Key = std::pair<std::string, std::string>;  // namespace, name
  struct Watcher {
    WatchSpec spec;
  };
  void Emit(Event ev);
  bool Deliver(Watcher& w, const Event& ev);
  static Object Describe(const std::string& type_key, const nlohmann::json& object,
                         std::shared_ptr<const std::string> body);
  void IndexOwners(const Object& o, bool add);

  mutable std::mutex mu_;
  std::map<std::string, std::map<Key, Object>> objects_;  // by type key
  std::map<std::string, std::pair<std::string, Key>> by_uid_;
  std::map<std::string, std::set<std::pair<std::string, Key>>> dependents_;
  uint64_t rv_ = 1;
  std::deque<Event> history_;
  size_t history_limit_;
  uint64_t oldest_ = 1;
  std::map<uint64_t, Watcher> watchers_;
  uint64_t next_watch_ = 0;
  std::vector<std::function<void(const Event&)>> listeners_;
};

std::vector<OwnerRef> OwnersOf(const nlohmann::json& object);
std::string NowRfc3339();
std::string NewUid();

}  // namespace sluice::sim
