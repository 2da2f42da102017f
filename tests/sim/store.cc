#include "sim/store.h"

#include <chrono>
#include <ctime>

#include "common/ids.h"

namespace sluice::sim {

using nlohmann::json;

std::string NowRfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string NewUid() {
  std::string h = RandomHex(16);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::vector<OwnerRef> OwnersOf(const json& object) {
  std::vector<OwnerRef> out;
  if (!object.contains("metadata")) return out;
  for (const auto& r : object["metadata"].value("ownerReferences", json::array())) {
    OwnerRef o;
    o.uid = r.value("uid", "");
    o.kind = r.value("kind", "");
    o.name = r.value("name", "");
    o.api_version = r.value("apiVersion", "");
    o.controller = r.value("controller", false);
    o.block_owner_deletion = r.value("blockOwnerDeletion", false);
    out.push_back(o);
  }
  return out;
}

Object Store::Describe(const std::string& type_key, const json& object,
                       std::shared_ptr<const std::string> body) {
  Object o;
  o.type_key = type_key;
  const json& md = object["metadata"];
  o.ns = md.value("namespace", "");
  o.name = md.value("name", "");
  o.uid = md.value("uid", "");
  o.rv = std::stoull(md.value("resourceVersion", "0"));
  o.labels = LabelsOf(object);
  o.owners = OwnersOf(object);
  o.deleting = md.contains("deletionTimestamp");
  for (const auto& f : md.value("finalizers", json::array()))
    o.finalizers.push_back(f.get<std::string>());
  o.body = std::move(body);
  return o;
}

uint64_t Store::current_rv() const {
  std::lock_guard lock(mu_);
  return rv_;
}

uint64_t Store::oldest_rv() const {
  std::lock_guard lock(mu_);
  return oldest_;
}

size_t Store::size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [_, m] : objects_)
    n += m.size();
  return n;
}

std::optional<Object> Store::Get(const std::string& type_key, const std::string& ns,
                                 const std::string& name) const {
  std::lock_guard lock(mu_);
  auto t = objects_.find(type_key);
  if (t == objects_.end()) return std::nullopt;
  auto it = t->second.find({ns, name});
  if (it == t->second.end()) return std::nullopt;
  return it->second;
}

std::optional<Object> Store::GetByUid(const std::string& uid) const {
  std::lock_guard lock(mu_);
  auto u = by_uid_.find(uid);
  if (u == by_uid_.end()) return std::nullopt;
  auto t = objects_.find(u->second.first);
  if (t == objects_.end()) return std::nullopt;
  auto it = t->second.find(u->second.second);
  if (it == t->second.end()) return std::nullopt;
  return it->second;
}

std::vector<Object> Store::List(const std::string& type_key, const std::string& ns,
                                const LabelSelector* labels) const {
  std::lock_guard lock(mu_);
  std::vector<Object> out;
  auto t = objects_.find(type_key);
  if (t == objects_.end()) return out;
  auto begin = ns.empty() ? t->second.begin() : t->second.lower_bound({ns, ""});
  for (auto it = begin; it != t->second.end(); ++it) {
    if (!ns.empty() && it->first.first != ns) break;
    if (labels && !labels->Matches(it->second.labels)) continue;
    out.push_back(it->second);
  }
  return out;
}

std::vector<Object> Store::Dependents(const std::string& owner_uid) const {
  std::lock_guard lock(mu_);
  std::vector<Object> out;
  auto d = dependents_.find(owner_uid);
  if (d == dependents_.end()) return out;
  for (const auto& [type_key, key] : d->second) {
    auto t = objects_.find(type_key);
    if (t == objects_.end()) continue;
    auto it = t->second.find(key);
    if (it != t->second.end()) out.push_back(it->second);
  }
  return out;
}

void Store::IndexOwners(const Object& o, bool add) {
  for (const auto& r : o.owners) {
    auto& set = dependents_[r.uid];
    if (add) {
      set.insert({o.type_key, {o.ns, o.name}});
    } else {
      set.erase({o.type_key, {o.ns, o.name}});
      if (set.empty()) dependents_.erase(r.uid);
    }
  }
}

std::optional<Object> Store::Create(const std::string& type_key, json object) {
  std::lock_guard lock(mu_);
  auto& bucket = objects_[type_key];
  Key key{object["metadata"].value("namespace", ""), object["metadata"].value("name", "")};
  if (bucket.count(key)) return std::nullopt;
  uint64_t rv = ++rv_;
  object["metadata"]["resourceVersion"] = std::to_string(rv);
  auto body = std::make_shared<const std::string>(object.dump());
  Object o = Describe(type_key, object, body);
  bucket.emplace(key, o);
  if (!o.uid.empty()) by_uid_[o.uid] = {type_key, key};
  IndexOwners(o, true);
  Emit({rv,
        "ADDED",
        type_key,
        o.ns,
        o.name,
        o.labels,
        {},
        body,
        nullptr,
        o.uid,
        o.owners,
        o.deleting,
        o.finalizers});
  return o;
}

Store::ReplaceOutcome Store::Replace(const std::string& type_key, json object,
                                     std::optional<uint64_t> expected_rv, Object* stored) {
  std::lock_guard lock(mu_);
  auto& bucket = objects_[type_key];
  Key key{object["metadata"].value("namespace", ""), object["metadata"].value("name", "")};
  auto it = bucket.find(key);
  if (it == bucket.end()) return ReplaceOutcome::kNotFound;
  if (expected_rv && *expected_rv != it->second.rv) return ReplaceOutcome::kConflict;
  uint64_t rv = ++rv_;
  object["metadata"]["resourceVersion"] = std::to_string(rv);
  auto body = std::make_shared<const std::string>(object.dump());
  Object o = Describe(type_key, object, body);
  Object old = it->second;
  IndexOwners(old, false);
  it->second = o;
  IndexOwners(o, true);
  if (stored) *stored = o;
  Emit({rv, "MODIFIED", type_key, o.ns, o.name, o.labels, old.labels, body, old.body, o.uid,
        o.owners, o.deleting, o.finalizers});
  return ReplaceOutcome::kOk;
}

std::optional<Object> Store::Remove(const std::string& type_key, const std::string& ns,
                                    const std::string& name) {
  std::lock_guard lock(mu_);
  auto t = objects_.find(type_key);
  if (t == objects_.end()) return std::nullopt;
  auto it = t->second.find({ns, name});
  if (it == t->second.end()) return std::nullopt;
  Object old = it->second;
  t->second.erase(it);
  IndexOwners(old, false);
  by_uid_.erase(old.uid);
  uint64_t rv = ++rv_;
  // The DELETED event carries the last state with the deletion's resourceVersion.
  json last = json::parse(*old.body);
  last["metadata"]["resourceVersion"] = std::to_string(rv);
  auto body = std::make_shared<const std::string>(last.dump());
  old.body = body;
  old.rv = rv;
  Emit({rv, "DELETED", type_key, old.ns, old.name, old.labels, old.labels, body, nullptr, old.uid,
        old.owners, old.deleting, old.finalizers});
  return old;
}

void Store::Emit(Event ev) {
  for (auto& l : listeners_)
    l(ev);
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    if (!Deliver(it->second, ev)) {
      it = watchers_.erase(it);
    } else {
      ++it;
    }
  }
  history_.push_back(std::move(ev));
  while (history_.size() > history_limit_) {
    oldest_ = history_.front().rv;
    history_.pop_front();
  }
}

bool Store::Deliver(Watcher& w, const Event& ev) {
  const WatchSpec& s = w.spec;
  if (s.type_key != ev.type_key) return true;
  if (!s.ns.empty() && s.ns != ev.ns) return true;
  bool now_match = s.labels.Matches(ev.labels);
  bool was_match = ev.type == "MODIFIED" ? s.labels.Matches(ev.old_labels) : now_match;
  if (s.fields && !s.fields->empty()) {
    now_match = now_match && s.fields->Matches(json::parse(*ev.body));
    if (ev.type == "MODIFIED") {
      was_match = was_match && s.fields->Matches(json::parse(*ev.old_body));
    } else {
      was_match = now_match;
    }
  }
  std::string type = ev.type;
  if (ev.type == "MODIFIED") {
    if (now_match && !was_match)
      type = "ADDED";
    else if (!now_match && was_match)
      type = "DELETED";
    else if (!now_match)
      return true;
  } else if (!now_match) {
    return true;
  }
  return s.send(type, *ev.body);
}

std::variant<uint64_t, TooOld> Store::Watch(WatchSpec spec, uint64_t since_rv, bool since_set) {
  std::lock_guard lock(mu_);
  uint64_t id = ++next_watch_;
  Watcher w{std::move(spec)};
  if (!since_set || since_rv == 0) {
    // Start with the current state, as synthetic ADDED events.
    auto t = objects_.find(w.spec.type_key);
    if (t != objects_.end()) {
      for (const auto& [key, o] : t->second) {
        Event ev{o.rv,   "ADDED", o.type_key, o.ns, o.name, o.labels, {},
                 o.body, nullptr, o.uid,      {},   false,  {}};
        if (!Deliver(w, ev)) return id;
      }
    }
  } else {
    // Events up to oldest_ have left the history: a start before it would miss some.
    if (since_rv < oldest_ && !history_.empty() && history_.front().rv > since_rv + 1) {
      return TooOld{since_rv, oldest_};
    }
    for (const auto& ev : history_) {
      if (ev.rv <= since_rv) continue;
      if (!Deliver(w, ev)) return id;
    }
  }
  watchers_.emplace(id, std::move(w));
  return id;
}

void Store::Unwatch(uint64_t id) {
  std::lock_guard lock(mu_);
  watchers_.erase(id);
}

void Store::DropWatches() {
  std::map<uint64_t, Watcher> dropped;
  {
    std::lock_guard lock(mu_);
    dropped.swap(watchers_);
  }
  for (auto& [id, w] : dropped) {
    if (w.spec.close) w.spec.close();
  }
}

void Store::SendBookmarks() {
  std::lock_guard lock(mu_);
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    const WatchSpec& s = it->second.spec;
    bool alive = true;
    if (s.bookmarks) {
      json bm = {{"kind", s.kind},
                 {"apiVersion", s.api_version},
                 {"metadata", {{"resourceVersion", std::to_string(rv_)}}}};
      alive = s.send("BOOKMARK", bm.dump());
    }
    it = alive ? std::next(it) : watchers_.erase(it);
  }
}

size_t Store::watch_count() const {
  std::lock_guard lock(mu_);
  return watchers_.size();
}

void Store::AddListener(std::function<void(const Event&)> listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

void Store::SetHistoryLimit(size_t limit) {
  std::lock_guard lock(mu_);
  history_limit_ = std::max<size_t>(1, limit);
  while (history_.size() > history_limit_) {
    oldest_ = history_.front().rv;
    history_.pop_front();
  }
}

}  // namespace sluice::sim
