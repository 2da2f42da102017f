#include "k8s/watcher.h"

#include <thread>

#include "common/log.h"

namespace sluice::k8s {
namespace {

std::string KeyOf(const json& obj) {
  const json meta = obj.value("metadata", json::object());
  return meta.value("namespace", "") + "/" + meta.value("name", "");
}

std::string VersionOf(const json& obj) {
  return obj.value("metadata", json::object()).value("resourceVersion", "");
}

bool Permanent(const Error& e) {
  return e.code == ErrorCode::kUnauthenticated || e.code == ErrorCode::kPermissionDenied ||
         e.code == ErrorCode::kNotFound || e.code == ErrorCode::kInvalidArgument;
}

json Remembered(const json& obj, bool metadata_only) {
  if (!metadata_only) return obj;
  const json meta = obj.value("metadata", json::object());
  json m = json::object();
  for (const char* k : {"namespace", "name", "labels", "resourceVersion", "uid"}) {
    if (meta.contains(k)) m[k] = meta[k];
  }
  json out = {{"metadata", std::move(m)}};
  if (obj.contains("apiVersion")) out["apiVersion"] = obj["apiVersion"];
  if (obj.contains("kind")) out["kind"] = obj["kind"];
  return out;
}

}  // namespace

Watcher::Watcher(std::shared_ptr<Client> client, ResourceType type, std::string ns,
                 WatcherOptions options)
    : client_(std::move(client)), type_(std::move(type)), ns_(std::move(ns)), options_(options) {}

std::string Watcher::resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

bool Watcher::Deliver(const WatchEvent& raw,
                      const std::function<bool(const WatchEvent&)>& on_event) {
  if (stop_) return false;
  std::string rv = VersionOf(raw.object);
  if (raw.type == "BOOKMARK") {
    {
      std::lock_guard lock(mu_);
      if (!rv.empty()) rv_ = rv;
    }
    if (options_.on_bookmark) options_.on_bookmark();
    return !stop_;  // only moves the version on
  }
  WatchEvent ev{raw.type, options_.transform ? options_.transform(raw.object) : raw.object};
  {
    std::lock_guard lock(mu_);
    if (!rv.empty()) rv_ = rv;
    if (ev.type == "DELETED") {
      known_.erase(KeyOf(ev.object));
    } else {
      known_[KeyOf(ev.object)] = Remembered(ev.object, options_.remember_metadata_only);
    }
  }
  return on_event(ev) && !stop_;
}

Status Watcher::Relist(const std::function<bool(const WatchEvent&)>& on_event, bool emit) {
  ++lists_;
  std::string rv;
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  lo.limit = 500;
  SLUICE_ASSIGN_OR_RETURN(std::vector<json> items, client_->ListAll(type_, ns_, lo, &rv));
  std::map<std::string, json> previous;
  {
    std::lock_guard lock(mu_);
    previous.swap(known_);
    rv_ = rv;
  }
  std::map<std::string, bool> seen;
  for (auto& item : items) {
    // Lists omit apiVersion/kind on items; events carry them.
    item["apiVersion"] = type_.ApiVersion();
    item["kind"] = type_.kind;
    if (options_.transform) item = options_.transform(std::move(item));
    std::string key = KeyOf(item);
    seen[key] = true;
    auto it = previous.find(key);
    std::string type = it == previous.end()                       ? "ADDED"
                       : VersionOf(it->second) != VersionOf(item) ? "MODIFIED"
                                                                  : "";
    {
      std::lock_guard lock(mu_);
      known_[key] = Remembered(item, options_.remember_metadata_only);
    }
    if (emit && !type.empty() && !on_event({type, item})) {
      stop_ = true;
      return Status::Ok();
    }
  }
  for (auto& [key, obj] : previous) {
    if (seen.count(key)) continue;
    if (emit && !on_event({"DELETED", obj})) {
      stop_ = true;
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status Watcher::Run(const std::function<bool(const WatchEvent&)>& on_event) {
  int failures = 0;
  bool listed = false;
  auto backoff = [&] {
    auto wait = std::min<int64_t>(options_.initial_backoff.count() << std::min(failures, 10),
                                  options_.max_backoff.count());
    ++failures;
    for (int64_t waited = 0; waited < wait && !stop_; waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  };
  while (!stop_) {
    if (!listed) {
      Status st = Relist(on_event, options_.send_initial_list || lists_ > 0);
      if (!st.ok()) {
        if (Permanent(st.error())) return st;
        log::Warn("k8s watch: list failed, retrying").With(st.error());
        if (options_.on_failure) options_.on_failure(st.error());
        backoff();
        continue;
      }
      listed = true;
      failures = 0;
      if (options_.on_listed) options_.on_listed();
      if (stop_) break;
    }
    WatchOptions wo;
    wo.label_selector = options_.label_selector;
    wo.field_selector = options_.field_selector;
    wo.resource_version = resource_version();
    wo.timeout_seconds = options_.timeout_seconds;
    wo.keep_going = [this] { return !stop_; };
    ++streams_;
    auto end = client_->WatchOnce(type_, ns_, wo,
                                  [&](const WatchEvent& ev) { return Deliver(ev, on_event); });
    if (!end.ok()) {
      if (Permanent(end.error())) return std::move(end).error();
      log::Debug("k8s watch: stream failed, resuming").With(end.error());
      if (options_.on_failure) options_.on_failure(end.error());
      backoff();
      continue;
    }
    if (end->stopped) break;
    if (end->expired) {
      log::Debug("k8s watch: resourceVersion expired, listing again")
          .With("resource", type_.Qualified());
      listed = false;
      continue;
    }
    // The server closed the stream (timeout or restart): resume from the last version.
    if (end->events == 0)
      backoff();
    else
      failures = 0;
  }
  return Status::Ok();
}

}  // namespace sluice::k8s
