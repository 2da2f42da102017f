#include "sim/api.h"

#include <algorithm>

#include "common/crypto.h"
#include "common/ids.h"
#include "common/log.h"
#include "sim/patch.h"
#include "sim/yaml_json.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

bool HasGeneration(const ResourceType& t) {
  return !t.builtin || t.plural == "deployments" || t.plural == "replicasets" ||
         t.plural == "customresourcedefinitions";
}

json SpecPart(const json& obj) {
  json s = obj;
  s.erase("metadata");
  s.erase("status");
  return s;
}

std::string ManagerName(const Caller& c, const WriteOptions& opts) {
  if (!opts.field_manager.empty()) return opts.field_manager;
  std::string ua = c.user_agent;
  auto slash = ua.find('/');
  if (slash != std::string::npos) ua = ua.substr(0, slash);
  return ua.empty() ? "unknown" : ua;
}

std::string RandomSuffix(size_t n) {
  static const char* alphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string hex = RandomHex(n);
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += alphabet[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 27];
  return out;
}

}  // namespace

json KStatus::ToJson() const {
  json j = {{"kind", "Status"},
            {"apiVersion", "v1"},
            {"metadata", json::object()},
            {"status", code < 400 ? "Success" : "Failure"},
            {"message", message},
            {"reason", reason},
            {"code", code}};
  if (!details.is_null()) j["details"] = details;
  if (reason.empty()) j.erase("reason");
  return j;
}

KStatus MakeStatus(int code, const std::string& reason, const std::string& message, json details) {
  return KStatus{code, reason, message, std::move(details)};
}

Api::Api(Store& store, Scheduler& scheduler) : store_(store), scheduler_(scheduler) {
  RegisterBuiltins();
  store_.AddListener([this](const Event& ev) { OnEvent(ev); });
}

const ResourceType& Api::type(const std::string& key) const {
  return builtin_by_key_.at(key);
}

std::optional<ResourceType> Api::FindType(const std::string& group, const std::string& version,
                                          const std::string& plural) const {
  std::lock_guard lock(types_mu_);
  auto it = types_.find(group + "/" + plural + "/" + version);
  if (it == types_.end()) return std::nullopt;
  return it->second;
}

std::optional<ResourceType> Api::FindTypeByKind(const std::string& api_version,
                                                const std::string& kind) const {
  std::lock_guard lock(types_mu_);
  for (const auto& [_, t] : types_) {
    if (t.kind == kind && t.api_version() == api_version) return t;
  }
  return std::nullopt;
}

std::vector<ResourceType> Api::Types() const {
  std::lock_guard lock(types_mu_);
  std::vector<ResourceType> out;
  for (const auto& [_, t] : types_)
    out.push_back(t);
  return out;
}

KStatus Api::NotFoundStatus(const ResourceType& t, const std::string& name) const {
  json details = {{"name", name}, {"kind", t.plural}};
  if (!t.group.empty()) details["group"] = t.group;
  return MakeStatus(404, "NotFound", t.qualified() + " \"" + name + "\" not found", details);
}

std::optional<json> Api::Read(const ResourceType& t, const std::string& ns,
                              const std::string& name) const {
  auto o = store_.Get(t.key(), ns, name);
  if (!o) return std::nullopt;
  return o->Json();
}

KResult<json> Api::Get(const Caller& c, const ResourceType& t, const std::string& ns,
                       const std::string& name, const std::string& subresource) {
  if (!Authorize(c, "get", t, subresource, ns, name))
    return Forbidden(c, "get", t, subresource, ns, name);
  auto o = store_.Get(t.key(), ns, name);
  if (!o) return NotFoundStatus(t, name);
  json obj = o->Json();
  if (subresource == "scale") {
    json sel = obj["spec"].value("selector", json::object());
    std::string selector;
    const json match = sel.value("matchLabels", json::object());
    for (auto& [k, v] : match.items()) {
      selector += (selector.empty() ? "" : ",") + k + "=" + v.get<std::string>();
    }
    return json{{"kind", "Scale"},
                {"apiVersion", "autoscaling/v1"},
                {"metadata",
                 {{"name", name},
                  {"namespace", ns},
                  {"uid", o->uid},
                  {"resourceVersion", std::to_string(o->rv)},
                  {"creationTimestamp", obj["metadata"].value("creationTimestamp", "")}}},
                {"spec", {{"replicas", obj["spec"].value("replicas", 1)}}},
                {"status",
                 {{"replicas", obj.value("status", json::object()).value("replicas", 0)},
                  {"selector", selector}}}};
  }
  return obj;
}

KResult<json> Api::List(const Caller& c, const ResourceType& t, const std::string& ns,
                        const ListOptions& opts) {
  if (!Authorize(c, "list", t, "", ns, "")) return Forbidden(c, "list", t, "", ns, "");
  auto labels = LabelSelector::Parse(opts.label_selector);
  if (!labels.ok())
    return MakeStatus(400, "BadRequest", "unable to parse requirement: " + labels.error().message);
  std::optional<FieldSelector> fields;
  if (!opts.field_selector.empty()) {
    auto f = FieldSelector::Parse(opts.field_selector, t.kind);
    if (!f.ok()) return MakeStatus(400, "BadRequest", f.error().message);
    fields = std::move(f).value();
  }
  uint64_t list_rv = store_.current_rv();
  std::string start_after;
  if (!opts.continue_token.empty()) {
    std::string raw = crypto::Base64Decode(opts.continue_token).value_or("");
    json tok = json::parse(raw, nullptr, false);
    if (!tok.is_object() || !tok.contains("rv") || !tok.contains("start")) {
      return MakeStatus(400, "BadRequest", "continue key is not valid: invalid continue token");
    }
    uint64_t tok_rv = tok["rv"].get<uint64_t>();
    if (tok_rv < store_.oldest_rv()) {
      return MakeStatus(410, "Expired",
                        "The provided continue parameter is too old to display a consistent list "
                        "result. You can start a new list without the continue parameter, or use "
                        "the continue token in this response to retrieve the remainder of the "
                        "results. Continuing with the provided token results in an inconsistent "
                        "list - objects that were created, modified, or deleted between the time "
                        "the first chunk was returned and now may show up in the list.");
    }
    list_rv = tok_rv;
    start_after = tok["start"].get<std::string>();
  } else if (opts.resource_version && !opts.resource_version->empty() &&
             *opts.resource_version != "0") {
    uint64_t want = 0;
    try {
      want = std::stoull(*opts.resource_version);
    } catch (const std::exception&) {
      return MakeStatus(400, "BadRequest", "invalid resource version: " + *opts.resource_version);
    }
    if (opts.resource_version_match == "Exact" && want != list_rv && want < store_.oldest_rv()) {
      return MakeStatus(410, "Expired",
                        "too old resource version: " + *opts.resource_version + " (" +
                            std::to_string(store_.oldest_rv()) + ")");
    }
  }
  json items = json::array();
  auto objects = store_.List(t.key(), ns, &labels.value());
  std::string next;
  int64_t remaining = 0;
  for (const auto& o : objects) {
    std::string key = o.ns + "/" + o.name;
    if (!start_after.empty() && key <= start_after) continue;
    json obj = o.Json();
    if (fields && !fields->Matches(obj)) continue;
    if (opts.limit > 0 && static_cast<int64_t>(items.size()) >= opts.limit) {
      ++remaining;
      continue;
    }
    items.push_back(std::move(obj));
    if (opts.limit > 0 && static_cast<int64_t>(items.size()) == opts.limit) next = key;
  }
  json list = {{"kind", t.kind + "List"},
               {"apiVersion", t.api_version()},
               {"metadata", {{"resourceVersion", std::to_string(list_rv)}}},
               {"items", items}};
  if (remaining > 0) {
    list["metadata"]["continue"] =
        crypto::Base64Encode(json{{"rv", list_rv}, {"start", next}}.dump());
    list["metadata"]["remainingItemCount"] = remaining;
  }
  return list;
}

KResult<json> Api::Create(const Caller& c, const ResourceType& t, const std::string& ns_in,
                          json obj, const WriteOptions& opts) {
  std::string ns = t.namespaced ? ns_in : "";
  if (!obj.is_object())
    return MakeStatus(400, "BadRequest", "the body of the request was not a JSON object");
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& md = obj["metadata"];
  if (t.namespaced) {
    std::string body_ns = md.value("namespace", "");
    if (!body_ns.empty() && body_ns != ns) {
      return MakeStatus(
          400, "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request");
    }
    md["namespace"] = ns;
  }
  std::string kind = obj.value("kind", t.kind);
  if (kind != t.kind) {
    return MakeStatus(400, "BadRequest",
                      "the API version in the data (" + obj.value("apiVersion", "") +
                          ") does not match the expected API version (" + t.api_version() + ")");
  }
  obj["kind"] = t.kind;
  obj["apiVersion"] = t.api_version();
  // Admission speaks of an object by its name or, before the name is generated (after
  // admission), by its generateName: a controller retrying a refused create gets the same
  // message every time, as from Kubernetes (admission.NewForbidden).
  std::string admitted_as = md.value("name", "");
  if (admitted_as.empty() && !md.value("generateName", "").empty()) {
    admitted_as = md["generateName"].get<std::string>();
    md["name"] = admitted_as + RandomSuffix(5);
  }
  std::string name = md.value("name", "");
  if (name.empty()) {
    json details = {{"kind", t.kind},
                    {"causes",
                     {{{"reason", "FieldValueRequired"},
                       {"message", "Required value: name or generateName is required"},
                       {"field", "metadata.name"}}}}};
    return MakeStatus(
        422, "Invalid",
        t.kind +
            " \"\" is invalid: metadata.name: Required value: name or generateName is required",
        details);
  }
  if (!Authorize(c, "create", t, "", ns, "")) return Forbidden(c, "create", t, "", ns, "");
  if (t.namespaced) {
    auto nso = store_.Get("/namespaces", "", ns);
    if (!nso) {
      return MakeStatus(404, "NotFound", "namespaces \"" + ns + "\" not found",
                        {{"name", ns}, {"kind", "namespaces"}});
    }
    if (nso->deleting) {
      return MakeStatus(403, "Forbidden",
                        t.qualified() + " \"" + admitted_as +
                            "\" is forbidden: unable to create new content in namespace " + ns +
                            " because it is being terminated",
                        {{"name", admitted_as},
                         {"kind", t.plural},
                         {"causes",
                          {{{"reason", "NamespaceTerminating"},
                            {"message", "namespace " + ns + " is being terminated"},
                            {"field", "metadata.namespace"}}}}});
    }
  }
  if (t.plural == "secrets" && obj.contains("stringData") && obj["stringData"].is_object()) {
    for (auto& [k, v] : obj["stringData"].items())
      obj["data"][k] = crypto::Base64Encode(v.is_string() ? v.get<std::string>() : v.dump());
    obj.erase("stringData");
  }
  json pruned;
  if (auto bad = Validate(t, obj, opts, &pruned)) return *bad;
  if (!pruned.is_null()) obj = pruned;
  ApplyDefaults(t, obj);
  json& m = obj["metadata"];
  m.erase("resourceVersion");
  m.erase("deletionTimestamp");
  m["uid"] = NewUid();
  m["creationTimestamp"] = NowRfc3339();
  if (HasGeneration(t)) m["generation"] = 1;
  if (t.plural == "services") {
    json& spec = obj["spec"];
    if (spec.value("type", "") != "ExternalName" && spec.value("clusterIP", "") != "None") {
      if (!spec.contains("clusterIP") || spec["clusterIP"] == "")
        spec["clusterIP"] = AllocateClusterIp();
    }
    if (spec.contains("clusterIP")) spec["clusterIPs"] = {spec["clusterIP"]};
    if (spec.value("type", "") == "NodePort" || spec.value("type", "") == "LoadBalancer") {
      std::lock_guard lock(ip_mu_);
      for (auto& p : spec["ports"]) {
        if (!p.contains("nodePort")) p["nodePort"] = next_node_port_++;
      }
    }
  }
  if (t.plural == "pods") {
    std::string sa = obj["spec"].value("serviceAccountName", "default");
    if (!store_.Get("/serviceaccounts", ns, sa)) {
      return MakeStatus(403, "Forbidden",
                        "pods \"" + admitted_as +
                            "\" is forbidden: error looking up service account " + ns + "/" + sa +
                            ": serviceaccount \"" + sa + "\" not found",
                        {{"name", admitted_as}, {"kind", "pods"}});
    }
  }
  if (hooks_.admit) {
    if (auto bad = hooks_.admit(t.key(), obj)) return *bad;
  }
  if (t.plural == "customresourcedefinitions") {
    obj["status"] = {{"acceptedNames", obj["spec"]["names"]},
                     {"conditions",
                      {{{"type", "NamesAccepted"},
                        {"status", "True"},
                        {"reason", "NoConflicts"},
                        {"message", "no conflicts found"},
                        {"lastTransitionTime", NowRfc3339()}},
                       {{"type", "Established"},
                        {"status", "True"},
                        {"reason", "InitialNamesAccepted"},
                        {"message", "the initial names have been accepted"},
                        {"lastTransitionTime", NowRfc3339()}}}},
                     {"storedVersions", json::array()}};
    for (const auto& v : obj["spec"]["versions"]) {
      if (v.value("storage", false)) obj["status"]["storedVersions"].push_back(v["name"]);
    }
  }
  if (!c.system) RecordUpdateOwnership(nullptr, obj, ManagerName(c, opts), t.kind, NowRfc3339());
  if (opts.dry_run) return obj;
  auto stored = store_.Create(t.key(), obj);
  if (!stored) {
    json details = {{"name", name}, {"kind", t.plural}};
    if (!t.group.empty()) details["group"] = t.group;
    return MakeStatus(409, "AlreadyExists", t.qualified() + " \"" + name + "\" already exists",
                      details);
  }
  if (t.plural == "customresourcedefinitions") RegisterCrd(stored->Json());
  if (t.plural == "namespaces") {
    json sa = {{"apiVersion", "v1"},
               {"kind", "ServiceAccount"},
               {"metadata",
                {{"name", "default"},
                 {"namespace", name},
                 {"uid", NewUid()},
                 {"creationTimestamp", NowRfc3339()}}}};
    store_.Create("/serviceaccounts", sa);
  }
  return stored->Json();
}

KResult<json> Api::Update(const Caller& c, const ResourceType& t, const std::string& ns,
                          const std::string& name, json obj, const std::string& subresource,
                          const WriteOptions& opts) {
  return DoUpdate(c, t, t.namespaced ? ns : "", name, std::move(obj), subresource, opts, "update");
}

KResult<json> Api::DoUpdate(const Caller& c, const ResourceType& t, const std::string& ns,
                            const std::string& name, json obj, const std::string& subresource,
                            const WriteOptions& opts, const char* verb) {
  if (!Authorize(c, verb, t, subresource, ns, name))
    return Forbidden(c, verb, t, subresource, ns, name);
  if (!obj.is_object())
    return MakeStatus(400, "BadRequest", "the body of the request was not a JSON object");
  auto existing = store_.Get(t.key(), ns, name);
  if (!existing) return NotFoundStatus(t, name);
  json old = existing->Json();
  if (!obj.contains("metadata") || !obj["metadata"].is_object()) obj["metadata"] = json::object();
  json& md = obj["metadata"];
  std::string body_name = md.value("name", name);
  if (body_name != name) {
    return MakeStatus(400, "BadRequest",
                      "the name of the object (" + body_name +
                          ") does not match the name on the URL (" + name + ")");
  }
  std::optional<uint64_t> expected;
  std::string rv = md.value("resourceVersion", "");
  if (!rv.empty()) {
    try {
      expected = std::stoull(rv);
    } catch (const std::exception&) {
      return MakeStatus(400, "BadRequest", "invalid resourceVersion: " + rv);
    }
  } else if (!t.builtin) {
    json details = {{"name", name},
                    {"kind", t.kind},
                    {"group", t.group},
                    {"causes",
                     {{{"reason", "FieldValueInvalid"},
                       {"message", "Invalid value: 0x0: must be specified for an update"},
                       {"field", "metadata.resourceVersion"}}}}};
    return MakeStatus(422, "Invalid",
                      t.kind + "." + t.group + " \"" + name +
                          "\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be "
                          "specified for an update",
                      details);
  }
  if (expected && *expected != existing->rv) {
    json details = {{"name", name}, {"kind", t.plural}};
    if (!t.group.empty()) details["group"] = t.group;
    return MakeStatus(409, "Conflict",
                      "Operation cannot be fulfilled on " + t.qualified() + " \"" + name +
                          "\": the object has been modified; please apply your changes to the "
                          "latest version and try again",
                      details);
  }
  json next;
  if (subresource == "status") {
    next = old;
    if (obj.contains("status")) next["status"] = obj["status"];
  } else if (subresource == "scale") {
    next = old;
    next["spec"]["replicas"] = obj.value("spec", json::object()).value("replicas", 0);
  } else {
    next = obj;
    next["kind"] = t.kind;
    next["apiVersion"] = t.api_version();
    if (t.status_subresource || (!t.builtin)) {
      if (old.contains("status"))
        next["status"] = old["status"];
      else
        next.erase("status");
    }
    // Kept from the stored object whatever the client sent.
    for (const char* k :
         {"uid", "creationTimestamp", "deletionTimestamp", "generation", "namespace"}) {
      if (old["metadata"].contains(k))
        next["metadata"][k] = old["metadata"][k];
      else
        next["metadata"].erase(k);
    }
    if (!next["metadata"].contains("managedFields") && old["metadata"].contains("managedFields")) {
      next["metadata"]["managedFields"] = old["metadata"]["managedFields"];
    }
    if (t.plural == "secrets" && next.contains("stringData") && next["stringData"].is_object()) {
      for (auto& [k, v] : next["stringData"].items())
        next["data"][k] = crypto::Base64Encode(v.is_string() ? v.get<std::string>() : v.dump());
      next.erase("stringData");
    }
    json pruned;
    if (auto bad = Validate(t, next, opts, &pruned)) return *bad;
    if (!pruned.is_null()) next = pruned;
    ApplyDefaults(t, next);
    if (t.plural == "namespaces") {
      next["spec"] = old["spec"];
      next["status"] = old["status"];
    }
    if ((t.plural == "deployments" || t.plural == "replicasets") &&
        old["spec"].value("selector", json()) != next["spec"].value("selector", json())) {
      json details = {
          {"name", name},
          {"kind", t.kind},
          {"group", t.group},
          {"causes",
           {{{"reason", "FieldValueInvalid"},
             {"message", "Invalid value: " + next["spec"].value("selector", json()).dump() +
                             ": field is immutable"},
             {"field", "spec.selector"}}}}};
      return MakeStatus(422, "Invalid",
                        t.kind + "." + t.group + " \"" + name +
                            "\" is invalid: spec.selector: Invalid value: " +
                            next["spec"].value("selector", json()).dump() + ": field is immutable",
                        details);
    }
    if ((t.plural == "rolebindings" || t.plural == "clusterrolebindings") &&
        old.value("roleRef", json()) != next.value("roleRef", json())) {
      return MakeStatus(422, "Invalid",
                        t.kind + ".rbac.authorization.k8s.io \"" + name +
                            "\" is invalid: roleRef: Invalid value: " +
                            next.value("roleRef", json()).dump() + ": cannot change roleRef",
                        {{"name", name}, {"kind", t.kind}, {"group", t.group}});
    }
    if (t.plural == "services") {
      std::string ip = old["spec"].value("clusterIP", "");
      if (!ip.empty()) {
        next["spec"]["clusterIP"] = ip;
        next["spec"]["clusterIPs"] = {ip};
      }
    }
    if (HasGeneration(t) && SpecPart(old) != SpecPart(next)) {
      next["metadata"]["generation"] = old["metadata"].value("generation", 1) + 1;
    }
  }
  if (t.plural == "customresourcedefinitions") next["status"] = old["status"];
  if (!c.system && subresource.empty())
    RecordUpdateOwnership(old, next, ManagerName(c, opts), t.kind, NowRfc3339());
  if (opts.dry_run) return next;
  // A deleting object whose last finalizer went away is gone now.
  bool deleting = old["metadata"].contains("deletionTimestamp");
  if (deleting && next["metadata"].value("finalizers", json::array()).empty()) {
    Object stored;
    auto outcome = store_.Replace(t.key(), next, existing->rv, &stored);
    if (outcome == Store::ReplaceOutcome::kOk) FinishDeletion(t, ns, name);
    return store_.Get(t.key(), ns, name) ? stored.Json() : next;
  }
  Object stored;
  auto outcome = store_.Replace(t.key(), next, existing->rv, &stored);
  if (outcome == Store::ReplaceOutcome::kNotFound) return NotFoundStatus(t, name);
  if (outcome == Store::ReplaceOutcome::kConflict) {
    json details = {{"name", name}, {"kind", t.plural}};
    if (!t.group.empty()) details["group"] = t.group;
    return MakeStatus(409, "Conflict",
                      "Operation cannot be fulfilled on " + t.qualified() + " \"" + name +
                          "\": the object has been modified; please apply your changes to the "
                          "latest version and try again",
                      details);
  }
  if (t.plural == "customresourcedefinitions") RegisterCrd(stored.Json());
  return stored.Json();
}

KResult<json> Api::Patch(const Caller& c, const ResourceType& t, const std::string& ns_in,
                         const std::string& name, const std::string& content_type,
                         const std::string& body, const std::string& subresource,
                         const WriteOptions& opts) {
  std::string ns = t.namespaced ? ns_in : "";
  std::string ct = content_type.substr(0, content_type.find(';'));
  if (ct == "application/apply-patch+yaml" || ct == "application/apply-patch+cbor") {
    if (opts.field_manager.empty()) {
      return MakeStatus(400, "BadRequest", "PATCH, fieldManager is required for apply requests");
    }
    auto applied = YamlToJson(body);
    if (!applied.ok() || !applied->is_object()) {
      return MakeStatus(400, "BadRequest",
                        "error decoding YAML: " + (applied.ok() ? std::string("not an object")
                                                                : applied.error().ToString()));
    }
    json a = *applied;
    if (a.value("kind", "") != t.kind) {
      return MakeStatus(
          400, "BadRequest",
          "the kind in the body (" + a.value("kind", "") + ") does not match " + t.kind);
    }
    if (!a.contains("metadata")) a["metadata"] = json::object();
    std::string body_name = a["metadata"].value("name", name);
    if (body_name != name) {
      return MakeStatus(400, "BadRequest",
                        "the name of the object (" + body_name +
                            ") does not match the name on the URL (" + name + ")");
    }
    a["metadata"]["name"] = name;
    if (t.namespaced) a["metadata"]["namespace"] = ns;
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto existing = store_.Get(t.key(), ns, name);
      if (!existing) {
        if (!Authorize(c, "patch", t, subresource, ns, name))
          return Forbidden(c, "patch", t, subresource, ns, name);
        auto r = ServerSideApply(nullptr, a, opts.field_manager, opts.force, t.kind, NowRfc3339());
        Caller sys = c;
        sys.system = true;  // ownership is already recorded
        WriteOptions w = opts;
        auto created = Create(sys, t, ns, r.object, w);
        if (!created.ok() && created.status().code == 409) continue;
        return created;
      }
      json live = existing->Json();
      auto r = ServerSideApply(live, a, opts.field_manager, opts.force, t.kind, NowRfc3339());
      if (!r.conflicts.empty()) {
        json causes = json::array();
        for (size_t i = 0; i < r.conflicts.size(); ++i) {
          std::string m = r.conflicts[i];
          causes.push_back({{"reason", "FieldManagerConflict"},
                            {"message", m.substr(0, m.rfind(": "))},
                            {"field", r.conflict_fields[i]}});
        }
        std::string msg = "Apply failed with " + std::to_string(r.conflicts.size()) + " conflict" +
                          (r.conflicts.size() == 1 ? "" : "s") + ": ";
        for (size_t i = 0; i < r.conflicts.size(); ++i)
          msg += (i ? "\n" : "") + r.conflicts[i];
        json details = {{"name", name}, {"kind", t.plural}, {"causes", causes}};
        if (!t.group.empty()) details["group"] = t.group;
        return MakeStatus(409, "Conflict", msg, details);
      }
      r.object["metadata"]["resourceVersion"] = std::to_string(existing->rv);
      Caller sys = c;
      auto updated = DoUpdate(c, t, ns, name, r.object, subresource,
                              WriteOptions{opts.dry_run, "", false, opts.strict}, "patch");
      if (!updated.ok() && updated.status().code == 409 && updated.status().reason == "Conflict")
        continue;
      // DoUpdate recorded an Update entry for the same manager: apply owns these fields.
      if (updated.ok() && !opts.dry_run) {
        Mutate(t, ns, name, [&](json& o) {
          o["metadata"]["managedFields"] = r.object["metadata"]["managedFields"];
          return true;
        });
        return *Read(t, ns, name);
      }
      return updated;
    }
    return MakeStatus(409, "Conflict",
                      "too many concurrent changes to " + t.qualified() + " \"" + name + "\"");
  }
  if (ct != "application/merge-patch+json" && ct != "application/json-patch+json" &&
      ct != "application/strategic-merge-patch+json") {
    return MakeStatus(415, "UnsupportedMediaType",
                      "the body of the request was in an unknown format - accepted media types "
                      "include: application/json-patch+json, application/merge-patch+json, "
                      "application/apply-patch+yaml, application/strategic-merge-patch+json");
  }
  json patch = json::parse(body, nullptr, false);
  if (patch.is_discarded())
    return MakeStatus(400, "BadRequest", "error decoding patch: invalid JSON");
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (!Authorize(c, "patch", t, subresource, ns, name))
      return Forbidden(c, "patch", t, subresource, ns, name);
    auto existing = store_.Get(t.key(), ns, name);
    if (!existing) return NotFoundStatus(t, name);
    json live = existing->Json();
    if (subresource == "scale") {
      json scale = Get(Caller::System(), t, ns, name, "scale").value();
      live = scale;
    }
    json next;
    if (ct == "application/merge-patch+json") {
      next = MergePatch(live, patch);
    } else if (ct == "application/json-patch+json") {
      auto r = JsonPatch(live, patch);
      if (!r.ok()) return MakeStatus(422, "Invalid", r.error().message);
      next = *r;
    } else if (ct == "application/strategic-merge-patch+json") {
      if (!t.builtin) {
        return MakeStatus(415, "UnsupportedMediaType",
                          "strategic merge patch is not supported for " + t.qualified() +
                              "; use a JSON merge patch (application/merge-patch+json)");
      }
      auto r = StrategicMergePatch(live, patch, t.kind);
      if (!r.ok()) return MakeStatus(422, "Invalid", r.error().message);
      next = *r;
    } else {
      return MakeStatus(415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types "
                        "include: application/json-patch+json, application/merge-patch+json, "
                        "application/apply-patch+yaml, application/strategic-merge-patch+json");
    }
    // A resourceVersion in the patch is a precondition; otherwise the patch applies to
    // what was read, retried when someone else wrote in between.
    bool precondition =
        next.contains("metadata") && next["metadata"].contains("resourceVersion") &&
        next["metadata"]["resourceVersion"] != live["metadata"].value("resourceVersion", json());
    if (!precondition && next.contains("metadata"))
      next["metadata"]["resourceVersion"] = std::to_string(existing->rv);
    if (subresource == "scale") {
      json obj = existing->Json();
      obj["spec"]["replicas"] = next["spec"]["replicas"];
      obj["metadata"]["resourceVersion"] = std::to_string(existing->rv);
      next = obj;
    }
    auto r =
        DoUpdate(c, t, ns, name, next, subresource == "scale" ? "" : subresource, opts, "patch");
    if (!r.ok() && r.status().code == 409 && !precondition && attempt < 4) continue;
    if (r.ok() && subresource == "scale") return Get(c, t, ns, name, "scale");
    return r;
  }
  return MakeStatus(409, "Conflict", "too many concurrent changes");
}

KResult<json> Api::Delete(const Caller& c, const ResourceType& t, const std::string& ns_in,
                          const std::string& name, const DeleteOptions& opts) {
  std::string ns = t.namespaced ? ns_in : "";
  if (!Authorize(c, "delete", t, "", ns, name)) return Forbidden(c, "delete", t, "", ns, name);
  auto existing = store_.Get(t.key(), ns, name);
  if (!existing) return NotFoundStatus(t, name);
  if (opts.precondition_uid && *opts.precondition_uid != existing->uid) {
    return MakeStatus(409, "Conflict",
                      "Operation cannot be fulfilled on " + t.qualified() + " \"" + name +
                          "\": Precondition failed: UID in precondition: " +
                          *opts.precondition_uid + ", UID in object meta: " + existing->uid,
                      {{"name", name}, {"kind", t.plural}});
  }
  if (opts.precondition_rv && *opts.precondition_rv != std::to_string(existing->rv)) {
    return MakeStatus(
        409, "Conflict",
        "Operation cannot be fulfilled on " + t.qualified() + " \"" + name +
            "\": Precondition failed: ResourceVersion in precondition: " + *opts.precondition_rv +
            ", ResourceVersion in object meta: " + std::to_string(existing->rv),
        {{"name", name}, {"kind", t.plural}});
  }
  json details = {{"name", name}, {"kind", t.plural}, {"uid", existing->uid}};
  if (!t.group.empty()) details["group"] = t.group;
  json obj = existing->Json();
  if (opts.dry_run) return obj;
  if (existing->deleting) return obj;
  std::string policy = opts.propagation.empty() ? "Background" : opts.propagation;
  if (policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return MakeStatus(
        422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"" +
            policy + "\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
  }
  json finalizers = obj["metadata"].value("finalizers", json::array());
  if (t.plural == "namespaces") {
    obj["metadata"]["deletionTimestamp"] = NowRfc3339();
    obj["status"]["phase"] = "Terminating";
    Object stored;
    store_.Replace(t.key(), obj, std::nullopt, &stored);
    scheduler_.Post([this, name] { GcProcess("/namespaces", "", name); });
    return stored.Json();
  }
  if (policy == "Foreground" || policy == "Orphan") {
    std::string f = policy == "Foreground" ? "foregroundDeletion" : "orphan";
    if (std::find(finalizers.begin(), finalizers.end(), f) == finalizers.end())
      finalizers.push_back(f);
  }
  if (!finalizers.empty()) {
    obj["metadata"]["finalizers"] = finalizers;
    obj["metadata"]["deletionTimestamp"] = NowRfc3339();
    obj["metadata"]["deletionGracePeriodSeconds"] = 0;
    Object stored;
    store_.Replace(t.key(), obj, std::nullopt, &stored);
    return stored.Json();
  }
  FinishDeletion(t, ns, name);
  if (t.plural == "customresourcedefinitions") UnregisterCrd(obj);
  return MakeStatus(200, "", "", details).ToJson();
}

void Api::FinishDeletion(const ResourceType& t, const std::string& ns, const std::string& name) {
  auto removed = store_.Remove(t.key(), ns, name);
  if (removed && t.plural == "customresourcedefinitions") UnregisterCrd(removed->Json());
}

KResult<json> Api::DeleteCollection(const Caller& c, const ResourceType& t, const std::string& ns,
                                    const ListOptions& list, const DeleteOptions& opts) {
  if (!Authorize(c, "deletecollection", t, "", ns, ""))
    return Forbidden(c, "deletecollection", t, "", ns, "");
  auto items = List(c, t, ns, list);
  if (!items.ok()) return items;
  for (const auto& item : items.value()["items"]) {
    auto r = Delete(Caller::System(), t, ns, item["metadata"].value("name", ""), opts);
    (void)r;
  }
  return items;
}

bool Api::Mutate(const ResourceType& t, const std::string& ns, const std::string& name,
                 const std::function<bool(json&)>& fn) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto existing = store_.Get(t.key(), ns, name);
    if (!existing) return false;
    json obj = existing->Json();
    if (!fn(obj)) return true;
    auto outcome = store_.Replace(t.key(), obj, existing->rv, nullptr);
    if (outcome == Store::ReplaceOutcome::kOk) {
      if (obj["metadata"].contains("deletionTimestamp") &&
          obj["metadata"].value("finalizers", json::array()).empty()) {
        FinishDeletion(t, ns, name);
      }
      return true;
    }
    if (outcome == Store::ReplaceOutcome::kNotFound) return false;
  }
  return false;
}

void Api::RecordEvent(const json& involved, const std::string& type, const std::string& reason,
                      const std::string& message, const std::string& component) {
  if (!events_enabled_) return;
  const json& md = involved["metadata"];
  std::string ns = md.value("namespace", "default");
  std::string name = md.value("name", "") + "." + RandomHex(8);
  std::string now = NowRfc3339();
  json ev = {{"apiVersion", "v1"},
             {"kind", "Event"},
             {"metadata",
              {{"name", name}, {"namespace", ns}, {"uid", NewUid()}, {"creationTimestamp", now}}},
             {"involvedObject",
              {{"kind", involved.value("kind", "")},
               {"apiVersion", involved.value("apiVersion", "")},
               {"name", md.value("name", "")},
               {"namespace", ns},
               {"uid", md.value("uid", "")},
               {"resourceVersion", md.value("resourceVersion", "")}}},
             {"reason", reason},
             {"message", message},
             {"type", type},
             {"source", {{"component", component}}},
             {"firstTimestamp", now},
             {"lastTimestamp", now},
             {"count", 1},
             {"reportingComponent", component},
             {"reportingInstance", ""}};
  store_.Create("/events", ev);
}

std::string Api::AllocateClusterIp() {
  std::lock_guard lock(ip_mu_);
  uint32_t n = next_ip_++;
  return "10.96." + std::to_string((n >> 8) & 0xFF) + "." + std::to_string(n & 0xFF);
}

// --- custom resource definitions ------------------------------------------------------

KResult<json> Api::InstallCrd(const json& crd) {
  const auto& t = builtin_by_key_.at("apiextensions.k8s.io/customresourcedefinitions");
  std::string name = crd.value("metadata", json::object()).value("name", "");
  if (auto existing = store_.Get(t.key(), "", name)) {
    json next = crd;
    next["metadata"]["resourceVersion"] = std::to_string(existing->rv);
    return Update(Caller::System(), t, "", name, next);
  }
  return Create(Caller::System(), t, "", crd);
}

void Api::RegisterCrd(const json& crd) {
  const json& spec = crd["spec"];
  std::lock_guard lock(types_mu_);
  for (auto it = types_.begin(); it != types_.end();) {
    if (!it->second.builtin && it->second.group == spec.value("group", "") &&
        it->second.plural == spec["names"].value("plural", "")) {
      it = types_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& v : spec.value("versions", json::array())) {
    if (!v.value("served", true)) continue;
    ResourceType t;
    t.group = spec.value("group", "");
    t.version = v.value("name", "");
    t.plural = spec["names"].value("plural", "");
    t.singular = spec["names"].value("singular", "");
    if (t.singular.empty()) {
      t.singular = spec["names"].value("kind", "");
      std::transform(t.singular.begin(), t.singular.end(), t.singular.begin(), ::tolower);
    }
    t.kind = spec["names"].value("kind", "");
    t.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    for (const auto& s : spec["names"].value("shortNames", json::array()))
      t.short_names.push_back(s);
    for (const auto& s : spec["names"].value("categories", json::array()))
      t.categories.push_back(s);
    t.builtin = false;
    t.status_subresource = v.contains("subresources") && v["subresources"].contains("status");
    t.scale_subresource = v.contains("subresources") && v["subresources"].contains("scale");
    if (v.contains("schema") && v["schema"].contains("openAPIV3Schema")) {
      t.schema = std::make_shared<const json>(v["schema"]["openAPIV3Schema"]);
    }
    t.printer_columns = v.value("additionalPrinterColumns", json::array());
    types_[t.key() + "/" + t.version] = t;
  }
}

void Api::UnregisterCrd(const json& crd) {
  const json& spec = crd["spec"];
  std::string key = spec.value("group", "") + "/" + spec["names"].value("plural", "");
  {
    std::lock_guard lock(types_mu_);
    for (auto it = types_.begin(); it != types_.end();) {
      if (!it->second.builtin && it->second.key() == key) {
        it = types_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const auto& o : store_.List(key, ""))
    store_.Remove(key, o.ns, o.name);
}

// --- garbage collection -----------------------------------------------------------------

void Api::OnEvent(const Event& ev) {
  // Runs under the store's lock: only queue work.
  if (ev.type == "DELETED") {
    std::string uid = ev.uid;
    scheduler_.Post([this, uid] { GcOwnerGone(uid); });
    for (const auto& o : ev.owners) {
      std::string owner = o.uid;
      scheduler_.Post([this, owner] {
        auto obj = store_.GetByUid(owner);
        if (obj && obj->deleting) GcProcess(obj->type_key, obj->ns, obj->name);
      });
    }
    return;
  }
  if (ev.deleting) {
    bool ours =
        std::find(ev.finalizers.begin(), ev.finalizers.end(), "foregroundDeletion") !=
            ev.finalizers.end() ||
        std::find(ev.finalizers.begin(), ev.finalizers.end(), "orphan") != ev.finalizers.end();
    if (ours) {
      std::string tk = ev.type_key, ns = ev.ns, name = ev.name;
      scheduler_.Post([this, tk, ns, name] { GcProcess(tk, ns, name); });
    }
  }
  if (ev.type == "ADDED" && !ev.owners.empty()) {
    std::string tk = ev.type_key, ns = ev.ns, name = ev.name;
    scheduler_.Post([this, tk, ns, name] { GcCheckDependent(tk, ns, name); });
  }
}

namespace {
const ResourceType* TypeOf(const std::map<std::string, ResourceType>& types,
                           const std::string& key) {
  for (const auto& [_, t] : types) {
    if (t.key() == key) return &t;
  }
  return nullptr;
}
}  // namespace

void Api::GcCheckDependent(const std::string& type_key, const std::string& ns,
                           const std::string& name) {
  auto o = store_.Get(type_key, ns, name);
  if (!o || o->owners.empty()) return;
  for (const auto& r : o->owners) {
    auto owner = store_.GetByUid(r.uid);
    if (owner && (owner->ns.empty() || owner->ns == ns)) return;
  }
  GcOwnerGone(o->owners.front().uid);
}

void Api::GcOwnerGone(const std::string& uid) {
  for (const auto& dep : store_.Dependents(uid)) {
    bool other_owner = false;
    for (const auto& r : dep.owners) {
      if (r.uid != uid && store_.GetByUid(r.uid)) other_owner = true;
    }
    std::optional<ResourceType> t;
    {
      std::lock_guard lock(types_mu_);
      if (auto* p = TypeOf(types_, dep.type_key)) t = *p;
    }
    if (!t) continue;
    if (other_owner) {
      Mutate(*t, dep.ns, dep.name, [&](json& obj) {
        json kept = json::array();
        for (const auto& r : obj["metadata"].value("ownerReferences", json::array())) {
          if (r.value("uid", "") != uid) kept.push_back(r);
        }
        obj["metadata"]["ownerReferences"] = kept;
        return true;
      });
      continue;
    }
    Delete(Caller::System(), *t, dep.ns, dep.name, {});
  }
}

void Api::GcProcess(const std::string& type_key, const std::string& ns, const std::string& name) {
  auto o = store_.Get(type_key, ns, name);
  if (!o || !o->deleting) return;
  std::optional<ResourceType> t;
  {
    std::lock_guard lock(types_mu_);
    if (auto* p = TypeOf(types_, type_key)) t = *p;
  }
  if (!t) return;
  if (type_key == "/namespaces") {
    bool left = false;
    for (const auto& rt : Types()) {
      if (!rt.namespaced) continue;
      for (const auto& item : store_.List(rt.key(), name)) {
        left = true;
        if (!item.deleting) Delete(Caller::System(), rt, name, item.name, {});
      }
    }
    if (!left) {
      store_.Remove(type_key, "", name);
    } else {
      scheduler_.After(std::chrono::milliseconds(50),
                       [this, name] { GcProcess("/namespaces", "", name); });
    }
    return;
  }
  auto has = [&](const char* f) {
    return std::find(o->finalizers.begin(), o->finalizers.end(), f) != o->finalizers.end();
  };
  auto drop_finalizer = [&](const char* f) {
    Mutate(*t, ns, name, [&](json& obj) {
      json kept = json::array();
      for (const auto& x : obj["metadata"].value("finalizers", json::array())) {
        if (x != f) kept.push_back(x);
      }
      obj["metadata"]["finalizers"] = kept;
      return true;
    });
  };
  if (has("orphan")) {
    for (const auto& dep : store_.Dependents(o->uid)) {
      std::optional<ResourceType> dt;
      {
        std::lock_guard lock(types_mu_);
        if (auto* p = TypeOf(types_, dep.type_key)) dt = *p;
      }
      if (!dt) continue;
      Mutate(*dt, dep.ns, dep.name, [&](json& obj) {
        json kept = json::array();
        for (const auto& r : obj["metadata"].value("ownerReferences", json::array())) {
          if (r.value("uid", "") != o->uid) kept.push_back(r);
        }
        if (kept.empty())
          obj["metadata"].erase("ownerReferences");
        else
          obj["metadata"]["ownerReferences"] = kept;
        return true;
      });
    }
    drop_finalizer("orphan");
    return;
  }
  if (has("foregroundDeletion")) {
    auto deps = store_.Dependents(o->uid);
    if (deps.empty()) {
      drop_finalizer("foregroundDeletion");
      return;
    }
    for (const auto& dep : deps) {
      if (dep.deleting) continue;
      std::optional<ResourceType> dt;
      {
        std::lock_guard lock(types_mu_);
        if (auto* p = TypeOf(types_, dep.type_key)) dt = *p;
      }
      if (dt) Delete(Caller::System(), *dt, dep.ns, dep.name, {.propagation = "Foreground"});
    }
  }
}

}  // namespace sluice::sim
