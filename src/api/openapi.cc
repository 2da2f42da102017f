#include "api/openapi.h"

#include "common/build_info.h"
#include "common/strings.h"
#include "http/message.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

std::vector<std::string> PathParams(const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& seg : Split(pattern, '/')) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      out.push_back(seg.substr(1, seg.size() - 2));
    }
  }
  return out;
}

std::string OperationId(const RouteSpec& spec) {
  std::string id = ToLower(spec.method);
  for (const auto& seg : Split(spec.pattern, '/')) {
    if (seg.empty() || seg == "api" || seg == "v1") continue;
    std::string word = seg.front() == '{' ? "by_" + seg.substr(1, seg.size() - 2) : seg;
    for (char& c : word) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    id += "_" + word;
  }
  return id;
}

std::string StatusText(int status) {
  if (status == 415) return "Unsupported Media Type";
  std::string text = http::ReasonPhrase(status);
  return text.empty() ? "HTTP " + std::to_string(status) : text;
}

json ErrorRef(const std::string& description) {
  return {
      {"description", description},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

json ErrorSchema() {
  return {{"type", "object"},
          {"required", {"error"}},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"required", {"code", "message"}},
              {"properties",
               {{"code", {{"type", "string"}, {"example", "invalid_argument"}}},
                {"message", {{"type", "string"}}},
                {"details",
                 {{"type", "object"},
                  {"description",
                   "where (a field path), hint, errors (every problem: path and message), "
                   "currentRevision (409), retryAfterSeconds (429)"}}}}}}}}}};
}

}  // namespace

json BuildOpenApi(const ApiRoutes& routes) {
  json schemas = routes.schemas();
  schemas["Error"] = ErrorSchema();
  json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Sluice API"},
        {"version", kVersion},
        {"description",
         "The REST API of Sluice, a control plane for Apache Flink. Authenticate with "
         "Authorization: Bearer <token> (POST /api/v1/auth/tokens) or a session cookie "
         "(POST /api/v1/auth/login) plus X-CSRF-Token on changes. Every operation states "
         "the permission it needs in x-permission."}}},
      {"servers", {{{"url", "/"}}}},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearerToken", {{"type", "http"}, {"scheme", "bearer"}}},
          {"sessionCookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "sluice_session"}}},
          {"basicAuth", {{"type", "http"}, {"scheme", "basic"}}}}}}},
      {"paths", json::object()},
  };
  for (const RouteSpec* spec : routes.specs()) {
    json op = {{"operationId", OperationId(*spec)},
               {"summary", spec->summary},
               {"x-permission", spec->access.Describe()}};
    if (!spec->tags.empty()) op["tags"] = spec->tags;
    if (!spec->action.empty()) op["x-audit-action"] = spec->action;

    if (spec->access.kind == Access::Kind::kPublic) {
      op["security"] = json::array();
    } else {
      op["security"] = {{{"bearerToken", json::array()}}, {{"sessionCookie", json::array()}}};
      if (spec->access.basic_auth) op["security"].push_back({{"basicAuth", json::array()}});
    }

    json params = json::array();
    for (const auto& name : PathParams(spec->pattern)) {
      json schema = spec->path_params.contains(name) ? spec->path_params[name]
                    : name == "id"                   ? json{{"type", "integer"}, {"minimum", 1}}
                    : name == "user" ? json{{"type", "string"}, {"format", "user-name"}}
                                     : json{{"type", "string"}, {"format", "name"}};
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
    }
    for (const auto& [name, schema] : spec->query_params.items()) {
      json p = {{"name", name}, {"in", "query"}, {"required", false}, {"schema", schema}};
      if (schema.contains("description")) p["description"] = schema["description"];
      params.push_back(p);
    }
    if (!params.empty()) op["parameters"] = params;

    if (!spec->request.is_null()) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", spec->request}}}}}};
    }

    json responses = json::object();
    json ok = {{"description", StatusText(spec->success_status)}};
    if (spec->event_stream) {
      ok["content"] = {{"text/event-stream", {{"schema", {{"type", "string"}}}}}};
    } else if (!spec->response.is_null()) {
      std::string type = spec->media_type.empty() ? "application/json" : spec->media_type;
      ok["content"] = {{type, {{"schema", spec->response}}}};
    }
    responses[std::to_string(spec->success_status)] = ok;
    std::vector<int> errors = spec->error_statuses;
    bool has_params = !params.empty();
    if (has_params || !spec->request.is_null()) errors.push_back(400);
    if (spec->access.kind != Access::Kind::kPublic) errors.push_back(401);
    if (spec->access.kind == Access::Kind::kPermission) errors.push_back(403);
    if (!PathParams(spec->pattern).empty()) errors.push_back(404);
    if (!spec->request.is_null()) {
      errors.push_back(413);
      errors.push_back(415);
    }
    std::sort(errors.begin(), errors.end());
    errors.erase(std::unique(errors.begin(), errors.end()), errors.end());
    for (int status : errors)
      responses[std::to_string(status)] = ErrorRef(StatusText(status));
    op["responses"] = responses;

    doc["paths"][spec->pattern][ToLower(spec->method)] = op;
  }
  return doc;
}

}  // namespace sluice::api
