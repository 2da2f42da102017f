#include "yarn/rm_client.h"

#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "http/message.h"

namespace sluice::yarn {
namespace {

using nlohmann::json;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

int64_t Int(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// {"RemoteException": {"exception", "message", "javaClassName"}} -> its message.
std::string RemoteMessage(const std::string& body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("RemoteException")) {
    const json& r = j["RemoteException"];
    std::string m = Str(r, "message");
    std::string e = Str(r, "exception");
    return e.empty() ? m : e + ": " + m;
  }
  return std::string(Trim(body.substr(0, 300)));
}

bool LooksStandby(const http::ClientResponse& r) {
  return (r.status >= 300 && r.status < 400) ||
         r.body.find("This is standby RM") != std::string::npos;
}

}  // namespace

bool IsApplicationId(std::string_view s) {
  // application_<digits>_<digits>
  constexpr std::string_view kPrefix = "application_";
  if (!s.starts_with(kPrefix)) return false;
  s.remove_prefix(kPrefix.size());
  size_t sep = s.find('_');
  auto digits = [](std::string_view d) {
    return !d.empty() &&
           std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return sep != std::string_view::npos && digits(s.substr(0, sep)) && digits(s.substr(sep + 1));
}

bool Application::HasTag(std::string_view tag) const {
  std::string lower = ToLower(tag);
  return std::find(tags.begin(), tags.end(), lower) != tags.end();
}

Application Application::FromJson(const json& a) {
  Application app;
  app.id = Str(a, "id");
  app.name = Str(a, "name");
  app.user = Str(a, "user");
  app.queue = Str(a, "queue");
  app.application_type = Str(a, "applicationType");
  for (const auto& t : Split(Str(a, "applicationTags"), ',')) {
    std::string_view v = Trim(t);
    if (!v.empty()) app.tags.push_back(ToLower(v));
  }
  app.state = Str(a, "state");
  app.final_status = Str(a, "finalStatus");
  app.tracking_url = Str(a, "trackingUrl");
  app.tracking_ui = Str(a, "trackingUI");
  app.am_rpc_address = Str(a, "amRPCAddress");
  app.diagnostics = Str(a, "diagnostics");
  app.started_time = Int(a, "startedTime");
  app.finished_time = Int(a, "finishedTime");
  return app;
}

ResourceManagerClient::ResourceManagerClient(ResourceManagerOptions options)
    : options_(std::move(options)) {}

Result<http::ClientResponse> ResourceManagerClient::Call(const std::string& method,
                                                         const std::string& path,
                                                         const std::string& body, bool idempotent) {
  if (options_.urls.empty()) {
    return FailedPrecondition("no YARN ResourceManager address is configured");
  }
  std::string query;
  if (!options_.user.empty()) {
    query = (path.find('?') == std::string::npos ? "?" : "&") + std::string("user.name=") +
            http::PercentEncode(options_.user);
  }
  Error last = Unavailable("no ResourceManager answered");
  for (size_t i = 0; i < options_.urls.size(); ++i) {
    size_t index = (active_ + i) % options_.urls.size();
    std::string base = options_.urls[index];
    while (!base.empty() && base.back() == '/')
      base.pop_back();
    http::ClientRequest req;
    req.method = method;
    req.url = base + path + query;
    req.body = body;
    req.tls = options_.tls;
    req.timeout = options_.timeout;
    req.headers["Accept"] = "application/json";
    if (!body.empty()) req.headers["Content-Type"] = "application/json";
    auto r = idempotent ? http::SendWithRetry(req, options_.retry) : http::Send(req);
    if (!r.ok()) {
      last = std::move(r).error();
      continue;
    }
    if (LooksStandby(*r)) {
      last = Unavailable("ResourceManager " + base + " is a standby");
      continue;
    }
    active_ = index;
    return r;
  }
  return last;
}

Result<json> ResourceManagerClient::ClusterInfo() {
  SLUICE_ASSIGN_OR_RETURN(auto r, Call("GET", "/ws/v1/cluster/info", "", true));
  if (r.status != 200) {
    return Unavailable("ResourceManager cluster info: HTTP " + std::to_string(r.status) + ": " +
                       RemoteMessage(r.body));
  }
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("clusterInfo")) {
    return Unavailable("ResourceManager cluster info: not a clusterInfo answer");
  }
  return j["clusterInfo"];
}

Result<Application> ResourceManagerClient::GetApplication(std::string_view id) {
  if (!IsApplicationId(id)) return InvalidArgument(Quote(id) + " is not a YARN application id");
  SLUICE_ASSIGN_OR_RETURN(auto r, Call("GET", "/ws/v1/cluster/apps/" + std::string(id), "", true));
  if (r.status == 404) {
    return NotFound("YARN application " + std::string(id) + ": " + RemoteMessage(r.body));
  }
  if (r.status != 200) {
    return Unavailable("YARN application " + std::string(id) + ": HTTP " +
                       std::to_string(r.status) + ": " + RemoteMessage(r.body));
  }
  json j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("app") || !j["app"].is_object()) {
    return Unavailable("YARN application " + std::string(id) + ": not an app answer");
  }
  return Application::FromJson(j["app"]);
}

Result<std::vector<Application>> ResourceManagerClient::ListApplications(const ListFilter& f) {
  std::vector<std::string> params;
  if (!f.states.empty()) params.push_back("states=" + http::PercentEncode(Join(f.states, ",")));
  if (!f.application_type.empty()) {
    params.push_back("applicationTypes=" + http::PercentEncode(f.application_type));
  }
  if (!f.tags.empty())
    params.push_back("applicationTags=" + http::PercentEncode(Join(f.tags, ",")));
  std::string path = "/ws/v1/cluster/apps";
  if (!params.empty()) path += "?" + Join(params, "&");
  SLUICE_ASSIGN_OR_RETURN(auto r, Call("GET", path, "", true));
  if (r.status != 200) {
    return Unavailable("listing YARN applications: HTTP " + std::to_string(r.status) + ": " +
                       RemoteMessage(r.body));
  }
  json j = json::parse(r.body, nullptr, false);
  std::vector<Application> out;
  if (!j.is_object()) return Unavailable("listing YARN applications: not JSON");
  const json& apps = j.value("apps", json());
  if (apps.is_object() && apps.contains("app") && apps["app"].is_array()) {
    for (const auto& a : apps["app"]) {
      Application app = Application::FromJson(a);
      if (!f.tags.empty() && std::none_of(f.tags.begin(), f.tags.end(),
                                          [&](const std::string& t) { return app.HasTag(t); })) {
        continue;
      }
      out.push_back(std::move(app));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Application& a, const Application& b) {
    return a.started_time > b.started_time;
  });
  return out;
}

Result<std::string> ResourceManagerClient::Kill(std::string_view id) {
  if (!IsApplicationId(id)) return InvalidArgument(Quote(id) + " is not a YARN application id");
  SLUICE_ASSIGN_OR_RETURN(auto r, Call("PUT", "/ws/v1/cluster/apps/" + std::string(id) + "/state",
                                       R"({"state":"KILLED"})", false));
  if (r.status == 404) {
    return NotFound("YARN application " + std::string(id) + ": " + RemoteMessage(r.body));
  }
  if (r.status != 200 && r.status != 202) {
    return Unavailable("killing YARN application " + std::string(id) + ": HTTP " +
                       std::to_string(r.status) + ": " + RemoteMessage(r.body));
  }
  json j = json::parse(r.body, nullptr, false);
  return j.is_object() ? j.value("state", std::string("KILLED")) : std::string("KILLED");
}

}  // namespace sluice::yarn
