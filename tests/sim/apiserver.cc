#include "sim/apiserver.h"

#include <ctime>

#include "common/log.h"
#include "common/strings.h"
#include "sim/protobuf.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/')
      ++i;
    if (i >= path.size()) break;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(http::PercentDecode(path.substr(i, j - i)));
    i = j;
  }
  return out;
}

int64_t ParseTime(const std::string& ts) {
  std::tm tm{};
  if (!strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return 0;
  return timegm(&tm);
}

bool WantsTable(const http::Request& req) {
  return req.Header("Accept").find("as=Table") != std::string::npos;
}

std::string Verbs(const ResourceType& t) {
  std::string s;
  for (const auto& v : t.verbs)
    s += v;
  return s;
}

}  // namespace

http::Response JsonResponse(int code, const json& body) {
  http::Response r;
  r.status = code;
  r.headers["Content-Type"] = "application/json";
  r.headers["Cache-Control"] = "no-cache, private";
  r.body = body.dump();
  return r;
}

http::Response StatusResponse(const KStatus& status) {
  return JsonResponse(status.code, status.ToJson());
}

std::string HumanAge(int64_t s) {
  if (s < 0) s = 0;
  if (s < 120) return std::to_string(s) + "s";
  int64_t m = s / 60;
  if (m < 10) return std::to_string(m) + "m" + (s % 60 ? std::to_string(s % 60) + "s" : "");
  if (m < 180) return std::to_string(m) + "m";
  int64_t h = m / 60;
  if (h < 8) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
  if (h < 48) return std::to_string(h) + "h";
  int64_t d = h / 24;
  if (d < 8) return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
  return std::to_string(d) + "d";
}

json TableColumns(const ResourceType& t) {
  auto col = [](const std::string& name, const std::string& type, int priority = 0,
                const std::string& format = "") {
    return json{{"name", name},
                {"type", type},
                {"format", format},
                {"description", name},
                {"priority", priority}};
  };
  json cols = json::array({col("Name", "string", 0, "name")});
  if (t.builtin && t.plural == "pods") {
    cols.push_back(col("Ready", "string"));
    cols.push_back(col("Status", "string"));
    cols.push_back(col("Restarts", "string"));
    cols.push_back(col("Age", "string"));
    cols.push_back(col("IP", "string", 1));
    cols.push_back(col("Node", "string", 1));
  } else if (t.builtin && t.plural == "deployments") {
    cols.push_back(col("Ready", "string"));
    cols.push_back(col("Up-to-date", "string"));
    cols.push_back(col("Available", "string"));
    cols.push_back(col("Age", "string"));
    cols.push_back(col("Containers", "string", 1));
    cols.push_back(col("Images", "string", 1));
  } else if (t.builtin && t.plural == "replicasets") {
    cols.push_back(col("Desired", "integer"));
    cols.push_back(col("Current", "integer"));
    cols.push_back(col("Ready", "integer"));
    cols.push_back(col("Age", "string"));
  } else if (t.builtin && t.plural == "services") {
    cols.push_back(col("Type", "string"));
    cols.push_back(col("Cluster-IP", "string"));
    cols.push_back(col("External-IP", "string"));
    cols.push_back(col("Port(s)", "string"));
    cols.push_back(col("Age", "string"));
  } else if (t.builtin && t.plural == "namespaces") {
    cols.push_back(col("Status", "string"));
    cols.push_back(col("Age", "string"));
  } else if (t.builtin && t.plural == "configmaps") {
    cols.push_back(col("Data", "integer"));
    cols.push_back(col("Age", "string"));
  } else if (!t.builtin) {
    for (const auto& c : t.printer_columns) {
      cols.push_back(col(c.value("name", ""), c.value("type", "string"), c.value("priority", 0)));
    }
    cols.push_back(col("Age", "date"));
  } else {
    cols.push_back(col("Age", "string"));
  }
  return cols;
}

namespace {

json JsonPathValue(const json& obj, const std::string& path) {
  // Simple ".a.b.c" paths, as printer columns use.
  const json* cur = &obj;
  size_t i = path.empty() || path[0] != '.' ? 0 : 1;
  while (i < path.size()) {
    size_t j = path.find('.', i);
    std::string part = path.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (!cur->is_object() || !cur->contains(part)) return nullptr;
    cur = &(*cur)[part];
    if (j == std::string::npos) break;
    i = j + 1;
  }
  return *cur;
}

std::string PodStatus(const json& pod) {
  if (pod["metadata"].contains("deletionTimestamp")) return "Terminating";
  const json& st = pod.value("status", json::object());
  for (const auto& cs : st.value("containerStatuses", json::array())) {
    const json& state = cs.value("state", json::object());
    if (state.contains("waiting") && state["waiting"].contains("reason"))
      return state["waiting"]["reason"];
    if (state.contains("terminated")) return state["terminated"].value("reason", "Completed");
  }
  if (st.value("phase", "") == "Pending" && st.contains("conditions")) {
    for (const auto& c : st["conditions"]) {
      if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "True")
        return "ContainerCreating";
    }
  }
  return st.value("phase", "Pending");
}

}  // namespace

json TableRow(const ResourceType& t, const json& obj, bool include_object) {
  const json& md = obj["metadata"];
  std::string age = HumanAge(std::time(nullptr) - ParseTime(md.value("creationTimestamp", "")));
  json cells = json::array({md.value("name", "")});
  const json& spec = obj.value("spec", json::object());
  const json& st = obj.value("status", json::object());
  if (t.builtin && t.plural == "pods") {
    int total = static_cast<int>(spec.value("containers", json::array()).size());
    int ready = 0, restarts = 0;
    for (const auto& cs : st.value("containerStatuses", json::array())) {
      if (cs.value("ready", false)) ++ready;
      restarts += cs.value("restartCount", 0);
    }
    cells.push_back(std::to_string(ready) + "/" + std::to_string(total));
    cells.push_back(PodStatus(obj));
    cells.push_back(std::to_string(restarts));
    cells.push_back(age);
    cells.push_back(st.value("podIP", "<none>"));
    cells.push_back(spec.value("nodeName", "<none>"));
  } else if (t.builtin && t.plural == "deployments") {
    cells.push_back(std::to_string(st.value("readyReplicas", 0)) + "/" +
                    std::to_string(spec.value("replicas", 1)));
    cells.push_back(st.value("updatedReplicas", 0));
    cells.push_back(st.value("availableReplicas", 0));
    cells.push_back(age);
    std::string names, images;
    for (const auto& c : spec.value("template", json::object())
                             .value("spec", json::object())
                             .value("containers", json::array())) {
      names += (names.empty() ? "" : ",") + c.value("name", "");
      images += (images.empty() ? "" : ",") + c.value("image", "");
    }
    cells.push_back(names);
    cells.push_back(images);
  } else if (t.builtin && t.plural == "replicasets") {
    cells.push_back(spec.value("replicas", 0));
    cells.push_back(st.value("replicas", 0));
    cells.push_back(st.value("readyReplicas", 0));
    cells.push_back(age);
  } else if (t.builtin && t.plural == "services") {
    cells.push_back(spec.value("type", "ClusterIP"));
    cells.push_back(spec.value("clusterIP", "<none>"));
    cells.push_back("<none>");
    std::string ports;
    for (const auto& p : spec.value("ports", json::array())) {
      ports += (ports.empty() ? "" : ",") + std::to_string(p.value("port", 0)) +
               (p.contains("nodePort") ? ":" + std::to_string(p.value("nodePort", 0)) : "") + "/" +
               p.value("protocol", "TCP");
    }
    cells.push_back(ports.empty() ? "<none>" : ports);
    cells.push_back(age);
  } else if (t.builtin && t.plural == "namespaces") {
    cells.push_back(st.value("phase", "Active"));
    cells.push_back(age);
  } else if (t.builtin && t.plural == "configmaps") {
    cells.push_back(obj.value("data", json::object()).size() +
                    obj.value("binaryData", json::object()).size());
    cells.push_back(age);
  } else if (!t.builtin) {
    for (const auto& c : t.printer_columns) {
      json v = JsonPathValue(obj, c.value("jsonPath", ""));
      cells.push_back(v);
    }
    cells.push_back(md.value("creationTimestamp", ""));
  } else {
    cells.push_back(age);
  }
  json row = {{"cells", cells}};
  if (include_object) {
    row["object"] = obj;
  } else {
    row["object"] = {
        {"kind", "PartialObjectMetadata"}, {"apiVersion", "meta.k8s.io/v1"}, {"metadata", md}};
  }
  return row;
}

ApiServer::ApiServer(Api& api, Scheduler& scheduler, ApiServerOptions options)
    : api_(api),
      scheduler_(scheduler),
      options_(std::move(options)),
      alive_(std::make_shared<bool>(true)) {
  std::weak_ptr<bool> alive = alive_;
  tick_ = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_tick = tick_;
  *tick_ = [this, alive, weak_tick]() {
    if (!alive.lock()) return;
    api_.store().SendBookmarks();
    if (auto t = weak_tick.lock())
      bookmark_timer_ = scheduler_.After(options_.bookmark_interval, *t);
  };
  bookmark_timer_ = scheduler_.After(options_.bookmark_interval, *tick_);
}

ApiServer::~ApiServer() {
  StopBookmarks();
}

void ApiServer::StopBookmarks() {
  alive_.reset();
  scheduler_.Cancel(bookmark_timer_);
}

std::optional<Caller> ApiServer::Authenticate(const http::Request& req) const {
  std::string auth = req.Header("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) {
    if (!options_.token.empty() && auth.substr(7) == options_.token) {
      return Caller{"sluice-sim-admin",
                    {"system:masters", "system:authenticated"},
                    false,
                    req.Header("User-Agent")};
    }
    return std::nullopt;
  }
  if (!req.client_cert_subject.empty()) {
    Caller c{req.client_cert_subject, {"system:authenticated"}, false, req.Header("User-Agent")};
    if (req.client_cert_subject == options_.admin_cert_cn) c.groups.push_back("system:masters");
    return c;
  }
  return std::nullopt;
}

http::Response ApiServer::Handle(http::Request& req) {
  auto parts = SplitPath(req.path);
  if (req.path == "/healthz" || req.path == "/livez" || req.path == "/readyz") {
    return http::Response::Text(200, "ok");
  }
  auto caller = Authenticate(req);
  if (!caller) {
    return StatusResponse(MakeStatus(401, "Unauthorized", "Unauthorized"));
  }
  if (!parts.empty() && parts[0] == "sim") {
    if (admin_) return admin_(req);
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  }
  if (intercept_) {
    if (auto r = intercept_(req)) return *r;
  }
  if (parts.empty() || parts[0] == "version" || parts[0] == "openapi" ||
      (parts[0] == "api" && parts.size() <= 2) || (parts[0] == "apis" && parts.size() <= 3)) {
    if (!parts.empty() && parts[0] == "openapi") return OpenApi(req);
    return Discovery(req);
  }
  std::string group, version;
  std::vector<std::string> rest;
  if (parts[0] == "api") {
    version = parts[1];
    rest.assign(parts.begin() + 2, parts.end());
  } else if (parts[0] == "apis") {
    group = parts[1];
    version = parts[2];
    rest.assign(parts.begin() + 3, parts.end());
  } else {
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  }
  return Resource(req, *caller, rest, group, version);
}

http::Response ApiServer::Discovery(const http::Request& req) {
  auto parts = SplitPath(req.path);
  if (parts.empty()) {
    json paths = {"/api",    "/api/v1",  "/apis",       "/healthz",   "/livez",
                  "/readyz", "/version", "/openapi/v2", "/openapi/v3"};
    return JsonResponse(200, {{"paths", paths}});
  }
  if (parts[0] == "version") {
    return JsonResponse(200, {{"major", "1"},
                              {"minor", "32"},
                              {"gitVersion", options_.git_version},
                              {"gitCommit", "0000000000000000000000000000000000000000"},
                              {"gitTreeState", "clean"},
                              {"buildDate", "2026-01-01T00:00:00Z"},
                              {"goVersion", "go1.23.0"},
                              {"compiler", "gc"},
                              {"platform", "linux/amd64"}});
  }
  auto types = api_.Types();
  if (parts[0] == "api" && parts.size() == 1) {
    return JsonResponse(200, {{"kind", "APIVersions"},
                              {"versions", {"v1"}},
                              {"serverAddressByClientCIDRs",
                               {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", "127.0.0.1"}}}}});
  }
  if (parts[0] == "apis" && parts.size() == 1) {
    std::map<std::string, std::set<std::string>> groups;
    for (const auto& t : types) {
      if (!t.group.empty()) groups[t.group].insert(t.version);
    }
    json list = json::array();
    for (const auto& [g, versions] : groups) {
      json vs = json::array();
      for (auto it = versions.rbegin(); it != versions.rend(); ++it)
        vs.push_back({{"groupVersion", g + "/" + *it}, {"version", *it}});
      list.push_back({{"name", g}, {"versions", vs}, {"preferredVersion", vs[0]}});
    }
    return JsonResponse(200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", list}});
  }
  if (parts[0] == "apis" && parts.size() == 2) {
    json vs = json::array();
    for (const auto& t : types) {
      if (t.group != parts[1]) continue;
      json v = {{"groupVersion", t.group + "/" + t.version}, {"version", t.version}};
      if (std::find(vs.begin(), vs.end(), v) == vs.end()) vs.push_back(v);
    }
    if (vs.empty())
      return StatusResponse(
          MakeStatus(404, "NotFound", "the server could not find the requested resource"));
    return JsonResponse(200, {{"kind", "APIGroup"},
                              {"apiVersion", "v1"},
                              {"name", parts[1]},
                              {"versions", vs},
                              {"preferredVersion", vs[0]}});
  }
  std::string group = parts[0] == "api" ? "" : parts[1];
  std::string version = parts[0] == "api" ? parts[1] : parts[2];
  json resources = json::array();
  for (const auto& t : types) {
    if (t.group != group || t.version != version) continue;
    json r = {{"name", t.plural},           {"singularName", t.singular},
              {"namespaced", t.namespaced}, {"kind", t.kind},
              {"verbs", t.verbs},           {"storageVersionHash", Verbs(t).substr(0, 0) + "sim"}};
    if (!t.short_names.empty()) r["shortNames"] = t.short_names;
    if (!t.categories.empty()) r["categories"] = t.categories;
    resources.push_back(r);
    if (t.status_subresource) {
      resources.push_back({{"name", t.plural + "/status"},
                           {"singularName", ""},
                           {"namespaced", t.namespaced},
                           {"kind", t.kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (t.scale_subresource) {
      resources.push_back({{"name", t.plural + "/scale"},
                           {"singularName", ""},
                           {"namespaced", t.namespaced},
                           {"group", "autoscaling"},
                           {"version", "v1"},
                           {"kind", "Scale"},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (t.log_subresource) {
      resources.push_back({{"name", t.plural + "/log"},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", "Pod"},
                           {"verbs", {"get"}}});
    }
    if (t.builtin && (t.plural == "services" || t.plural == "pods")) {
      resources.push_back({{"name", t.plural + "/proxy"},
                           {"singularName", ""},
                           {"namespaced", true},
                           {"kind", t.plural == "pods" ? "PodProxyOptions" : "ServiceProxyOptions"},
                           {"verbs", {"create", "delete", "get", "patch", "update"}}});
    }
  }
  if (resources.empty())
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  return JsonResponse(200, {{"kind", "APIResourceList"},
                            {"apiVersion", "v1"},
                            {"groupVersion", group.empty() ? version : group + "/" + version},
                            {"resources", resources}});
}

http::Response ApiServer::OpenApi(const http::Request& req) {
  auto parts = SplitPath(req.path);
  if (parts.size() >= 2 && parts[1] == "v3") {
    auto types = api_.Types();
    if (parts.size() == 2) {
      json paths = json::object();
      std::set<std::string> gvs;
      for (const auto& t : types)
        gvs.insert(t.group.empty() ? "api/" + t.version : "apis/" + t.group + "/" + t.version);
      for (const auto& gv : gvs) {
        paths[gv] = {{"serverRelativeURL",
                      "/openapi/v3/" + gv + "?hash=" + std::to_string(api_.store().current_rv())}};
      }
      return JsonResponse(200, {{"paths", paths}});
    }
    // One group-version: the PATCH operations with their fieldValidation parameter
    // (kubectl checks for it before it relies on server-side field validation).
    std::string group = parts[2] == "api" ? "" : (parts.size() > 3 ? parts[3] : "");
    std::string version =
        parts[2] == "api" ? (parts.size() > 3 ? parts[3] : "") : (parts.size() > 4 ? parts[4] : "");
    json paths = json::object();
    json schemas = json::object();
    json params = json::array({{{"name", "fieldValidation"},
                                {"in", "query"},
                                {"schema", {{"type", "string"}}},
                                {"uniqueItems", true}},
                               {{"name", "fieldManager"},
                                {"in", "query"},
                                {"schema", {{"type", "string"}}},
                                {"uniqueItems", true}},
                               {{"name", "dryRun"},
                                {"in", "query"},
                                {"schema", {{"type", "string"}}},
                                {"uniqueItems", true}}});
    for (const auto& t : types) {
      if (t.group != group || t.version != version) continue;
      std::string base = (group.empty() ? "/api/" + version : "/apis/" + group + "/" + version) +
                         (t.namespaced ? "/namespaces/{namespace}/" : "/") + t.plural;
      json gvk = json::array({{{"group", t.group}, {"version", t.version}, {"kind", t.kind}}});
      json op = {{"x-kubernetes-group-version-kind", gvk[0]},
                 {"x-kubernetes-action", "patch"},
                 {"responses", {{"200", {{"description", "OK"}}}}},
                 {"parameters", params}};
      json post = op;
      post["x-kubernetes-action"] = "post";
      paths[base + "/{name}"] = {{"patch", op}, {"put", op}, {"parameters", params}};
      paths[base] = {{"post", post}, {"parameters", params}};
      std::string id =
          (t.group.empty() ? "io.k8s.api.core." : t.group + ".") + t.version + "." + t.kind;
      json schema = t.schema
                        ? *t.schema
                        : json{{"type", "object"}, {"x-kubernetes-preserve-unknown-fields", true}};
      schema["x-kubernetes-group-version-kind"] = gvk;
      schemas[id] = schema;
    }
    if (paths.empty())
      return StatusResponse(
          MakeStatus(404, "NotFound", "the server could not find the requested resource"));
    return JsonResponse(200,
                        {{"openapi", "3.0.0"},
                         {"info", {{"title", "Kubernetes"}, {"version", options_.git_version}}},
                         {"paths", paths},
                         {"components", {{"schemas", schemas}}}});
  }
  if (parts.size() == 2 && parts[1] == "v2") {
    // kubectl asks for the protobuf form (gnostic openapi_v2.Document). A document with
    // no definitions makes client-side validation skip every kind, as for an
    // unpublished schema; strategic merge keys then come from kubectl's own types.
    auto field = [](int num, const std::string& bytes) {
      std::string out(1, static_cast<char>((num << 3) | 2));
      size_t n = bytes.size();
      while (n >= 0x80) {
        out += static_cast<char>((n & 0x7F) | 0x80);
        n >>= 7;
      }
      out += static_cast<char>(n);
      return out + bytes;
    };
    std::string info = field(1, "Kubernetes") + field(2, options_.git_version);
    std::string doc = field(1, "2.0") + field(2, info) + field(8, "");
    if (req.Header("Accept").find("protobuf") != std::string::npos) {
      http::Response r;
      r.status = 200;
      r.headers["Content-Type"] = "application/octet-stream";
      r.body = doc;
      return r;
    }
    return JsonResponse(200,
                        {{"swagger", "2.0"},
                         {"info", {{"title", "Kubernetes"}, {"version", options_.git_version}}},
                         {"paths", json::object()},
                         {"definitions", json::object()}});
  }
  return StatusResponse(
      MakeStatus(404, "NotFound", "the server could not find the requested resource"));
}

http::Response ApiServer::Resource(http::Request& req, const Caller& caller,
                                   std::vector<std::string> parts, const std::string& group,
                                   const std::string& version) {
  bool watch_path = false;
  if (!parts.empty() && parts[0] == "watch") {
    watch_path = true;
    parts.erase(parts.begin());
  }
  std::string ns, plural, name, sub;
  std::vector<std::string> tail;
  if (parts.size() >= 3 && parts[0] == "namespaces" &&
      !(parts.size() == 3 && (parts[2] == "status" || parts[2] == "finalize"))) {
    ns = parts[1];
    plural = parts[2];
    if (parts.size() > 3) name = parts[3];
    if (parts.size() > 4) sub = parts[4];
    if (parts.size() > 5) tail.assign(parts.begin() + 5, parts.end());
  } else if (!parts.empty()) {
    plural = parts[0];
    if (parts.size() > 1) name = parts[1];
    if (parts.size() > 2) sub = parts[2];
    if (parts.size() > 3) tail.assign(parts.begin() + 3, parts.end());
  }
  auto type = api_.FindType(group, version, plural);
  if (!type)
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  if (!type->namespaced && !ns.empty()) {
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  }
  if (sub == "proxy" && group.empty() && (plural == "services" || plural == "pods")) {
    std::string rest;
    // Keep the raw remainder of the path (it may hold encoded characters).
    std::string marker = "/" + name + "/proxy";
    auto pos = req.path.find("/proxy");
    size_t at = req.path.find(marker);
    if (at != std::string::npos) pos = at + marker.size() - 6;
    rest = req.path.substr(pos + 6);
    return Proxy(req, caller, ns, plural, name, rest.empty() ? "/" : rest);
  }
  if (sub == "log" && plural == "pods") return Log(req, caller, ns, name);
  if (!sub.empty() && sub != "status" && sub != "scale") {
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  }
  if ((sub == "status" && !type->status_subresource) ||
      (sub == "scale" && !type->scale_subresource)) {
    return StatusResponse(
        MakeStatus(404, "NotFound", "the server could not find the requested resource"));
  }
  WriteOptions wopts;
  wopts.dry_run = req.Query("dryRun").value_or("") == "All";
  wopts.field_manager = req.Query("fieldManager").value_or("");
  wopts.force = req.Query("force").value_or("") == "true";
  wopts.strict = req.Query("fieldValidation").value_or("") == "Strict";
  bool watch = watch_path || req.Query("watch").value_or("") == "true" ||
               req.Query("watch").value_or("") == "1";
  const std::string& m = req.method;
  auto result_response = [&](KResult<json> r, int ok_code) {
    if (!r.ok()) return StatusResponse(r.status());
    if (WantsTable(req) && m == "GET" && sub.empty()) {
      json table = {{"kind", "Table"},
                    {"apiVersion", "meta.k8s.io/v1"},
                    {"columnDefinitions", TableColumns(*type)},
                    {"rows", json::array()}};
      bool include = req.Query("includeObject").value_or("") == "Object";
      if (r.value().contains("items")) {
        table["metadata"] = r.value()["metadata"];
        for (const auto& item : r.value()["items"])
          table["rows"].push_back(TableRow(*type, item, include));
      } else {
        table["metadata"] = {
            {"resourceVersion", r.value()["metadata"].value("resourceVersion", "")}};
        table["rows"].push_back(TableRow(*type, r.value(), include));
      }
      return JsonResponse(200, table);
    }
    return JsonResponse(ok_code, r.value());
  };
  auto parse_body = [&](json& out) -> std::optional<http::Response> {
    std::string ct = req.Header("Content-Type");
    if (ct.find("application/vnd.kubernetes.protobuf") != std::string::npos) {
      auto decoded = DecodeKubernetesProtobuf(req.body);
      if (!decoded.ok()) {
        return StatusResponse(MakeStatus(
            415, "UnsupportedMediaType",
            "the simulator cannot decode this protobuf body: " + decoded.error().message));
      }
      out = *decoded;
      return std::nullopt;
    }
    if (ct.find("yaml") != std::string::npos || ct.find("cbor") != std::string::npos) {
      return StatusResponse(MakeStatus(415, "UnsupportedMediaType",
                                       "the body of the request was in an unknown format - "
                                       "accepted media types include: application/json"));
    }
    out = json::parse(req.body, nullptr, false);
    if (out.is_discarded()) {
      return StatusResponse(
          MakeStatus(400, "BadRequest", "the body of the request could not be decoded as JSON"));
    }
    return std::nullopt;
  };
  if (m == "GET") {
    if (watch) return Watch(req, caller, *type, ns, name);
    if (name.empty()) {
      ListOptions lo;
      lo.label_selector = req.Query("labelSelector").value_or("");
      lo.field_selector = req.Query("fieldSelector").value_or("");
      lo.continue_token = req.Query("continue").value_or("");
      lo.resource_version = req.Query("resourceVersion");
      lo.resource_version_match = req.Query("resourceVersionMatch").value_or("");
      try {
        lo.limit = std::stoll(req.Query("limit").value_or("0"));
      } catch (const std::exception&) {
        lo.limit = 0;
      }
      return result_response(api_.List(caller, *type, ns, lo), 200);
    }
    return result_response(api_.Get(caller, *type, ns, name, sub), 200);
  }
  if (m == "POST" && name.empty()) {
    json body;
    if (auto bad = parse_body(body)) return *bad;
    return result_response(api_.Create(caller, *type, ns, body, wopts), 201);
  }
  if (m == "PUT" && !name.empty()) {
    json body;
    if (auto bad = parse_body(body)) return *bad;
    return result_response(api_.Update(caller, *type, ns, name, body, sub, wopts), 200);
  }
  if (m == "PATCH" && !name.empty()) {
    auto r = api_.Patch(caller, *type, ns, name, req.Header("Content-Type"), req.body, sub, wopts);
    bool created = r.ok() && r.value()["metadata"].value("resourceVersion", "") != "" &&
                   req.Header("Content-Type").find("apply-patch") != std::string::npos &&
                   r.value()["metadata"].value("generation", 1) == 1 &&
                   r.value()["metadata"].value("managedFields", json::array()).size() == 1 && false;
    return result_response(std::move(r), created ? 201 : 200);
  }
  if (m == "DELETE") {
    DeleteOptions dopts;
    json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (body.is_discarded()) body = json::object();
    dopts.propagation =
        req.Query("propagationPolicy").value_or(body.value("propagationPolicy", ""));
    if (body.contains("orphanDependents") && body["orphanDependents"].is_boolean()) {
      if (body["orphanDependents"].get<bool>()) dopts.propagation = "Orphan";
    }
    if (body.contains("preconditions")) {
      if (body["preconditions"].contains("uid"))
        dopts.precondition_uid = body["preconditions"]["uid"];
      if (body["preconditions"].contains("resourceVersion"))
        dopts.precondition_rv = body["preconditions"]["resourceVersion"];
    }
    dopts.dry_run = wopts.dry_run || (body.contains("dryRun") && !body["dryRun"].empty());
    if (name.empty()) {
      ListOptions lo;
      lo.label_selector = req.Query("labelSelector").value_or("");
      lo.field_selector = req.Query("fieldSelector").value_or("");
      return result_response(api_.DeleteCollection(caller, *type, ns, lo, dopts), 200);
    }
    auto r = api_.Delete(caller, *type, ns, name, dopts);
    return result_response(std::move(r), 200);
  }
  return StatusResponse(MakeStatus(
      405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
}

http::Response ApiServer::Watch(http::Request& req, const Caller& caller, const ResourceType& t,
                                const std::string& ns, const std::string& name) {
  if (!api_.Authorize(caller, "watch", t, "", ns, name))
    return StatusResponse(api_.Forbidden(caller, "watch", t, "", ns, name));
  auto labels = LabelSelector::Parse(req.Query("labelSelector").value_or(""));
  if (!labels.ok())
    return StatusResponse(
        MakeStatus(400, "BadRequest", "unable to parse requirement: " + labels.error().message));
  std::string field_text = req.Query("fieldSelector").value_or("");
  if (!name.empty())
    field_text += (field_text.empty() ? "" : ",") + std::string("metadata.name=") + name;
  std::optional<FieldSelector> fields;
  if (!field_text.empty()) {
    auto f = FieldSelector::Parse(field_text, t.kind);
    if (!f.ok()) return StatusResponse(MakeStatus(400, "BadRequest", f.error().message));
    fields = std::move(f).value();
  }
  auto rv_text = req.Query("resourceVersion");
  uint64_t since = 0;
  if (rv_text && !rv_text->empty()) {
    try {
      since = std::stoull(*rv_text);
    } catch (const std::exception&) {
      return StatusResponse(MakeStatus(400, "BadRequest", "invalid resource version: " + *rv_text));
    }
  }
  int64_t timeout = options_.max_watch_timeout.count();
  if (auto ts = req.Query("timeoutSeconds")) {
    try {
      timeout = std::min<int64_t>(std::stoll(*ts), timeout);
    } catch (const std::exception&) {
    }
  }
  bool table = WantsTable(req);
  bool include = req.Query("includeObject").value_or("") == "Object";
  bool bookmarks = req.Query("allowWatchBookmarks").value_or("") == "true";
  bool since_set = rv_text.has_value() && !rv_text->empty();
  ResourceType type = t;
  http::Response res;
  res.status = 200;
  res.headers["Content-Type"] =
      table ? "application/json;as=Table;v=v1;g=meta.k8s.io" : "application/json";
  res.headers["Cache-Control"] = "no-cache, private";
  Store* store = &api_.store();
  Scheduler* scheduler = &scheduler_;
  res.stream = [=,
                labels = std::move(labels).value()](std::shared_ptr<http::StreamWriter> w) mutable {
    auto first = std::make_shared<bool>(true);
    WatchSpec spec;
    spec.type_key = type.key();
    spec.ns = ns;
    spec.labels = labels;
    spec.fields = fields;
    spec.bookmarks = bookmarks;
    spec.kind = type.kind;
    spec.api_version = type.api_version();
    spec.send = [w, table, include, type, first](const std::string& ev_type,
                                                 const std::string& body) {
      std::string line;
      if (table && ev_type != "BOOKMARK") {
        json obj = json::parse(body);
        json tbl = {
            {"kind", "Table"},
            {"apiVersion", "meta.k8s.io/v1"},
            {"metadata", {{"resourceVersion", obj["metadata"].value("resourceVersion", "")}}},
            {"columnDefinitions", *first ? TableColumns(type) : json::array()},
            {"rows", json::array({TableRow(type, obj, include)})}};
        *first = false;
        line = json{{"type", ev_type}, {"object", tbl}}.dump();
      } else {
        line = "{\"type\":\"" + ev_type + "\",\"object\":" + body + "}";
      }
      return w->Write(line + "\n");
    };
    spec.close = [w] { w->Close(); };
    auto started = store->Watch(std::move(spec), since, since_set);
    if (auto* too_old = std::get_if<TooOld>(&started)) {
      json st = MakeStatus(410, "Expired",
                           "too old resource version: " + std::to_string(too_old->requested) +
                               " (" + std::to_string(too_old->oldest) + ")")
                    .ToJson();
      w->Write(json{{"type", "ERROR"}, {"object", st}}.dump() + "\n");
      w->Close();
      return;
    }
    uint64_t id = std::get<uint64_t>(started);
    uint64_t timer = scheduler->After(std::chrono::seconds(timeout), [w] { w->Close(); });
    w->OnClose([store, scheduler, id, timer] {
      store->Unwatch(id);
      scheduler->Cancel(timer);
    });
  };
  return res;
}

http::Response ApiServer::Log(http::Request& req, const Caller& caller, const std::string& ns,
                              const std::string& pod) {
  const ResourceType& t = api_.type("/pods");
  if (!api_.Authorize(caller, "get", t, "log", ns, pod))
    return StatusResponse(api_.Forbidden(caller, "get", t, "log", ns, pod));
  auto obj = api_.Read(t, ns, pod);
  if (!obj)
    return StatusResponse(MakeStatus(404, "NotFound", "pods \"" + pod + "\" not found",
                                     {{"name", pod}, {"kind", "pods"}}));
  std::string container = req.Query("container").value_or("");
  json containers = (*obj)["spec"].value("containers", json::array());
  if (container.empty()) {
    if (containers.size() > 1) {
      std::string names;
      for (const auto& c : containers)
        names += (names.empty() ? "" : " ") + c.value("name", "");
      return StatusResponse(MakeStatus(400, "BadRequest",
                                       "a container name must be specified for pod " + pod +
                                           ", choose one of: [" + names + "]"));
    }
    if (!containers.empty()) container = containers[0].value("name", "");
  }
  bool running = false;
  for (const auto& cs :
       (*obj).value("status", json::object()).value("containerStatuses", json::array())) {
    if (cs.value("name", "") == container && cs.value("state", json::object()).contains("running"))
      running = true;
    if (cs.value("name", "") == container &&
        cs.value("state", json::object()).contains("waiting")) {
      std::string reason = cs["state"]["waiting"].value("reason", "ContainerCreating");
      return StatusResponse(MakeStatus(
          400, "BadRequest",
          "container \"" + container + "\" in pod \"" + pod + "\" is waiting to start: " +
              (reason == "ContainerCreating" ? std::string("ContainerCreating")
                                             : "trying and failing to pull image")));
    }
  }
  std::optional<std::string> text;
  if (logs_) text = logs_(ns, pod, container);
  if (!text && !running) {
    return StatusResponse(MakeStatus(400, "BadRequest",
                                     "container \"" + container + "\" in pod \"" + pod +
                                         "\" is waiting to start: ContainerCreating"));
  }
  std::string out = text.value_or("");
  if (auto tail = req.Query("tailLines")) {
    int64_t n = 0;
    try {
      n = std::stoll(*tail);
    } catch (const std::exception&) {
    }
    std::vector<std::string> lines;
    size_t i = 0;
    while (i < out.size()) {
      size_t j = out.find('\n', i);
      if (j == std::string::npos) j = out.size() - 1;
      lines.push_back(out.substr(i, j - i + 1));
      i = j + 1;
    }
    out.clear();
    for (size_t k = lines.size() > static_cast<size_t>(n) ? lines.size() - n : 0; k < lines.size();
         ++k)
      out += lines[k];
  }
  return http::Response::Text(200, out);
}

http::Response ApiServer::Proxy(http::Request& req, const Caller& caller, const std::string& ns,
                                const std::string& kind, const std::string& target,
                                const std::string& rest) {
  const ResourceType& t = api_.type(kind == "services" ? "/services" : "/pods");
  // "name", "name:port" or "scheme:name:port".
  std::vector<std::string> bits;
  size_t i = 0;
  while (true) {
    size_t j = target.find(':', i);
    bits.push_back(target.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) break;
    i = j + 1;
  }
  if (bits.size() == 3) bits.erase(bits.begin());
  std::string name = bits[0];
  std::string port = bits.size() > 1 ? bits[1] : "";
  std::string verb = req.method == "GET" || req.method == "HEAD" ? "get"
                     : req.method == "POST"                      ? "create"
                     : req.method == "DELETE"                    ? "delete"
                     : req.method == "PATCH"                     ? "patch"
                                                                 : "update";
  if (!api_.Authorize(caller, verb, t, "proxy", ns, name))
    return StatusResponse(api_.Forbidden(caller, verb, t, "proxy", ns, name));
  auto obj = api_.Read(t, ns, name);
  if (!obj)
    return StatusResponse(MakeStatus(404, "NotFound", kind + " \"" + name + "\" not found",
                                     {{"name", name}, {"kind", kind}}));
  ProxyTarget pt;
  pt.ns = ns;
  pt.path = rest;
  auto ready = [](const json& pod) {
    for (const auto& c : pod.value("status", json::object()).value("conditions", json::array())) {
      if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
    }
    return false;
  };
  if (kind == "services") {
    pt.service = name;
    const json& spec = (*obj)["spec"];
    json chosen;
    for (const auto& p : spec.value("ports", json::array())) {
      if (port.empty() || p.value("name", "") == port ||
          std::to_string(p.value("port", 0)) == port) {
        chosen = p;
        break;
      }
    }
    if (chosen.is_null()) {
      return StatusResponse(
          MakeStatus(503, "ServiceUnavailable",
                     "no service port \"" + port + "\" found for service \"" + name + "\""));
    }
    auto sel =
        LabelSelector::FromJson(json{{"matchLabels", spec.value("selector", json::object())}});
    if (!spec.contains("selector") || !sel.ok()) {
      return StatusResponse(MakeStatus(503, "ServiceUnavailable",
                                       "no endpoints available for service \"" + name + "\""));
    }
    for (const auto& pod : api_.store().List("/pods", ns, &sel.value())) {
      json p = pod.Json();
      if (ready(p) && !pod.deleting) {
        pt.pod = pod.name;
        pt.pod_object = p;
        break;
      }
    }
    if (pt.pod.empty()) {
      return StatusResponse(MakeStatus(503, "ServiceUnavailable",
                                       "no endpoints available for service \"" + name + "\""));
    }
    json tp = chosen.value("targetPort", chosen.value("port", json(0)));
    if (tp.is_number()) {
      pt.port = tp.get<int>();
    } else {
      for (const auto& c : pt.pod_object["spec"].value("containers", json::array())) {
        for (const auto& cp : c.value("ports", json::array())) {
          if (cp.value("name", "") == tp.get<std::string>()) pt.port = cp.value("containerPort", 0);
        }
      }
    }
  } else {
    if (!ready(*obj)) {
      return StatusResponse(MakeStatus(503, "ServiceUnavailable", "pod " + name + " is not ready"));
    }
    pt.pod = name;
    pt.pod_object = *obj;
    pt.port = port.empty() ? 80 : std::atoi(port.c_str());
  }
  if (!proxy_)
    return StatusResponse(MakeStatus(
        503, "ServiceUnavailable", "error trying to reach service: dial tcp: connection refused"));
  return proxy_(pt, req);
}

}  // namespace sluice::sim
