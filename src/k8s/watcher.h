// A watch that survives: lists, then watches from the list's resourceVersion; when the
// stream drops (server restart, timeout, network) it resumes from the last version it saw
// (bookmarks included), and when that version is too old (410 Gone) it lists again and
// reports the difference as ADDED / MODIFIED / DELETED events, so the consumer never
// misses a change and never sees one twice for the same version.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "common/result.h"
#include "k8s/client.h"

namespace sluice::k8s {

struct WatcherOptions {
  std::string label_selector;
  std::string field_selector;
  int timeout_seconds = 300;  // each stream (Stop() ends a quiet stream within about a second)
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{5'000};
  bool send_initial_list = true;  // ADDED for every object present at the start
  // Applied to every object before it is remembered or delivered (drop what the consumer
  // never reads, to save memory); must keep metadata.namespace, name, resourceVersion.
  std::function<json(json)> transform;
  // Remember only metadata (namespace, name, labels, resourceVersion) of seen objects for
  // the relist difference: DELETED events after a relist then carry only that metadata.
  bool remember_metadata_only = false;
  // Observers: after every complete list (the consumer has the whole state), and after a
  // list or stream failed (it is retried; the consumer may have fallen behind). Called on
  // the thread that runs Run().
  std::function<void()> on_listed;
  std::function<void(const Error&)> on_failure;
  std::function<void()> on_bookmark;  // a bookmark arrived: the stream is up to date
};

class Watcher {
 public:
  Watcher(std::shared_ptr<Client> client, ResourceType type, std::string ns,
          WatcherOptions options = {});

  // Delivers events until `on_event` returns false or Stop() is called. Transient failures
  // are retried with backoff; it returns an error only for permanent ones (401, 403, a
  // type the server does not serve).
  Status Run(const std::function<bool(const WatchEvent&)>& on_event);
  void Stop() { stop_ = true; }

  int lists() const { return lists_; }
  int streams() const { return streams_; }
  std::string resource_version() const;

 private:
  Status Relist(const std::function<bool(const WatchEvent&)>& on_event, bool emit);
  bool Deliver(const WatchEvent& ev, const std::function<bool(const WatchEvent&)>& on_event);

  std::shared_ptr<Client> client_;
  ResourceType type_;
  std::string ns_;
  WatcherOptions options_;
  std::atomic<bool> stop_{false};
  std::atomic<int> lists_{0}, streams_{0};
  mutable std::mutex mu_;
  std::string rv_;
  std::map<std::string, json> known_;  // namespace/name -> last object seen
};

}  // namespace sluice::k8s
