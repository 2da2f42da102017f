#include "api/api_routes.h"

#include "api/responses.h"
#include "api/services.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

std::vector<std::string> PatternParams(const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& seg : Split(pattern, '/')) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      std::string name = seg.substr(1, seg.size() - 2);
      if (name.ends_with("...")) name.resize(name.size() - 3);
      out.push_back(name);
    }
  }
  return out;
}

json DefaultParamSchema(const std::string& name) {
  if (name == "id") return {{"type", "integer"}, {"minimum", 1}};
  if (name == "user") return {{"type", "string"}, {"format", "user-name"}};
  return {{"type", "string"}, {"format", "name"}};
}

// Path and query values arrive as strings; typed schemas get typed values.
json Typed(const json& schema, const std::string& value) {
  std::string type = schema.value("type", "string");
  if (type == "integer") {
    if (auto n = ParseInt(value)) return *n;
  } else if (type == "boolean") {
    if (value == "true") return true;
    if (value == "false") return false;
  }
  return value;
}

bool IsSafeMethod(const std::string& m) {
  return m == "GET" || m == "HEAD" || m == "OPTIONS";
}

std::string ResultOf(int status) {
  if (status == 401 || status == 403 || status == 429) return "denied";
  return status < 400 ? "success" : "failure";
}

}  // namespace

// ---- Access ----

Access Access::Public() {
  return {.kind = Kind::kPublic};
}
Access Access::Authenticated() {
  return {.kind = Kind::kAuthenticated};
}
Access Access::Anywhere(Permission p) {
  return {.kind = Kind::kPermission, .permission = p, .scope = Scope::kAnyTeam};
}
Access Access::Global(Permission p) {
  return {.kind = Kind::kPermission, .permission = p, .scope = Scope::kGlobal};
}
Access Access::InTeam(Permission p, std::string team_param) {
  return {.kind = Kind::kPermission,
          .permission = p,
          .scope = Scope::kTeamParam,
          .team_param = std::move(team_param)};
}
Access Access::OrSelf(std::string user_param) const {
  Access a = *this;
  a.self_param = std::move(user_param);
  return a;
}
Access Access::WithBasicAuth() const {
  Access a = *this;
  a.basic_auth = true;
  return a;
}

bool Access::Allows(const Principal& p, const http::Request& req) const {
  if (kind == Kind::kPublic) return true;
  if (!p.authenticated()) return false;
  if (kind == Kind::kAuthenticated) return true;
  if (!self_param.empty() && !p.scopes && req.Param(self_param) == p.name) return true;
  switch (scope) {
    case Scope::kGlobal:
      return p.CanGlobally(permission);
    case Scope::kAnyTeam:
      return p.CanAnywhere(permission);
    case Scope::kTeamParam:
      return p.CanInTeam(permission, req.Param(team_param));
  }
  return false;
}

std::string Access::Describe() const {
  switch (kind) {
    case Kind::kPublic:
      return "public";
    case Kind::kAuthenticated:
      return "authenticated";
    case Kind::kPermission:
      break;
  }
  std::string out(PermissionName(permission));
  switch (scope) {
    case Scope::kGlobal:
      out += " (global)";
      break;
    case Scope::kAnyTeam:
      out += " (in a team)";
      break;
    case Scope::kTeamParam:
      out += " (in team {" + team_param + "})";
      break;
  }
  if (!self_param.empty()) out += ", or self";
  return out;
}

// ---- RequestContext ----

int64_t RequestContext::QueryInt(std::string_view name, int64_t fallback) const {
  auto v = req.Query(name);
  if (!v) return fallback;
  return ParseInt(*v).value_or(fallback);
}

Status RequestContext::RequireGlobally(Permission p) const {
  if (principal.CanGlobally(p)) return Status::Ok();
  return PermissionDenied(std::string(PermissionName(p)) +
                          " is needed globally (an administrator)");
}

Status RequestContext::RequireInTeam(Permission p, std::string_view team) const {
  if (principal.CanInTeam(p, team)) return Status::Ok();
  return PermissionDenied(std::string(PermissionName(p)) + " is needed in team " + Quote(team));
}

Status RequestContext::RequireForTeams(Permission p, const std::vector<std::string>& teams,
                                       bool write) const {
  if (principal.CanForTeams(p, teams, write)) return Status::Ok();
  if (teams.empty()) {
    return PermissionDenied(std::string(PermissionName(p)) +
                            " is needed globally for an object every team may use");
  }
  return PermissionDenied(std::string(PermissionName(p)) + " is needed in " +
                          (write ? "every one of" : "one of") + " the teams " + Join(teams, ", "));
}

// ---- ApiRoutes ----

struct ApiRoutes::Route {
  RouteSpec spec;
  ApiHandler handler;
  std::vector<std::pair<std::string, json>> params;  // path parameters and their schemas
};

ApiRoutes::ApiRoutes(http::Router& router, ApiServices& services)
    : router_(router), services_(services) {}

ApiRoutes::~ApiRoutes() = default;

void ApiRoutes::AddSchema(const std::string& name, json schema) {
  schemas_[name] = std::move(schema);
}

void ApiRoutes::Add(RouteSpec spec, ApiHandler handler) {
  auto route = std::make_unique<Route>();
  for (const auto& name : PatternParams(spec.pattern)) {
    json schema =
        spec.path_params.contains(name) ? spec.path_params[name] : DefaultParamSchema(name);
    route->params.emplace_back(name, schema);
  }
  route->spec = std::move(spec);
  route->handler = std::move(handler);
  const Route* r = route.get();
  router_.Add(r->spec.method, r->spec.pattern,
              [this, r](http::Request& req) { return Serve(*r, req); });
  routes_.push_back(std::move(route));
}

std::vector<const RouteSpec*> ApiRoutes::specs() const {
  std::vector<const RouteSpec*> out;
  for (const auto& r : routes_)
    out.push_back(&r->spec);
  return out;
}

http::Response ApiRoutes::Serve(const Route& route, http::Request& req) {
  Principal principal;
  RequestContext ctx(req, principal, services_.clock());
  std::string attempted_name;  // the user name of failed HTTP basic credentials
  std::optional<http::Response> refused = Authorize(route, req, principal, attempted_name);
  if (!refused) refused = ReadInput(route, ctx);
  http::Response res = refused ? std::move(*refused) : Handle(route, ctx);
  res.headers.emplace("Cache-Control", "no-store");
  Audit(route, ctx, attempted_name, res);
  return res;
}

std::optional<http::Response> ApiRoutes::Authorize(const Route& route, http::Request& req,
                                                   Principal& principal,
                                                   std::string& attempted_name) {
  const Access& access = route.spec.access;
  if (access.kind == Access::Kind::kPublic) return std::nullopt;
  const std::string authorization = req.Header("Authorization");
  bool basic = access.basic_auth && authorization.size() > 6 &&
               EqualsIgnoreCase(authorization.substr(0, 6), "Basic ");
  auto who = basic ? services_.auth.AuthenticateBasic(req, &attempted_name)
                   : services_.authenticator.Authenticate(req);
  if (!who.ok()) {
    const Error& e = who.error();
    if (e.code == ErrorCode::kResourceExhausted) {
      return TooManyRequests("too many failed attempts for this user or address",
                             services_.auth.LoginRetryAfter(attempted_name, req.remote_address));
    }
    if (e.code == ErrorCode::kUnauthenticated)
      return Unauthorized(e.message, e.hint, access.basic_auth);
    log::Error("auth.failed").With("request_id", req.request_id).With(e);
    return ErrorResponse(e);
  }
  principal = std::move(who).value();
  if (!principal.authenticated()) {
    return Unauthorized("authentication required",
                        "log in (sluice login) or send Authorization: Bearer <token>",
                        access.basic_auth);
  }
  // Cookies ride along on cross-site requests; a change must prove it comes from our page.
  if (principal.kind == Principal::Kind::kSession && !IsSafeMethod(req.method) &&
      !crypto::ConstantTimeEquals(req.Header(kCsrfHeader), principal.csrf_token)) {
    return http::Response::Error(
        403, "csrf_failed", "missing or wrong " + std::string(kCsrfHeader) + " header",
        {{"hint", "send the csrfToken from the login answer (or GET /api/v1/auth/me) in " +
                      std::string(kCsrfHeader)}});
  }
  if (!access.Allows(principal, req)) {
    return http::Response::Error(403, "permission_denied",
                                 "you may not do this: " + access.Describe() + " is needed",
                                 {{"permission", access.kind == Access::Kind::kPermission
                                                     ? json(PermissionName(access.permission))
                                                     : json(nullptr)}});
  }
  return std::nullopt;
}

std::optional<http::Response> ApiRoutes::ReadInput(const Route& route, RequestContext& ctx) {
  const RouteSpec& spec = route.spec;
  const http::Request& req = ctx.req;
  std::vector<SchemaError> errors;
  SchemaValidator validator(&schemas_);
  for (const auto& [name, schema] : route.params) {
    auto more = validator.Validate(schema, Typed(schema, req.Param(name)), "path." + name);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  for (const auto& [name, value] : req.query) {
    if (name.starts_with("_")) continue;  // cache busters
    if (!spec.query_params.contains(name)) {
      std::vector<std::string> known;
      for (const auto& [k, unused] : spec.query_params.items())
        known.push_back(k);
      std::string near = ClosestMatch(name, known);
      errors.push_back({"query." + name, "is not a known parameter" +
                                             (!near.empty() ? "; did you mean " + Quote(near) + "?"
                                              : known.empty() ? std::string()
                                                              : "; known: " + Join(known, ", "))});
      continue;
    }
    const json& schema = spec.query_params[name];
    auto more = validator.Validate(schema, Typed(schema, value), "query." + name);
    errors.insert(errors.end(), more.begin(), more.end());
  }
  if (!errors.empty()) return ValidationErrorResponse(errors);

  bool has_body = !Trim(req.body).empty();
  if (spec.request.is_null()) {
    if (has_body) return ValidationErrorResponse({{"body", "this route takes no request body"}});
    return std::nullopt;
  }
  if (req.body.size() > spec.max_body_bytes) {
    return http::Response::Error(413, "payload_too_large",
                                 "the request body of " + std::to_string(req.body.size()) +
                                     " bytes is over this route's limit of " +
                                     std::to_string(spec.max_body_bytes));
  }
  std::string type =
      ToLower(Trim(req.Header("Content-Type").substr(0, req.Header("Content-Type").find(';'))));
  // A browser posts forms cross-site without asking; only JSON proves a script of ours (or
  // a client with an Authorization header, which browsers never add to a form on their
  // own: curl -u user:password -d '{...}' keeps working).
  bool scripted = !req.Header("Authorization").empty();
  if (has_body && !scripted && !type.empty() && type != "application/json") {
    return http::Response::Error(415, "unsupported_media_type",
                                 "the request body must be JSON, not " + type,
                                 {{"hint", "send Content-Type: application/json"}});
  }
  if (!has_body) {
    ctx.body = json::object();
  } else {
    auto parsed = ParseJsonBody(req.body);
    if (!parsed.ok()) return ErrorResponse(parsed.error());
    ctx.body = std::move(parsed).value();
  }
  errors = validator.Validate(spec.request, ctx.body);
  if (!errors.empty()) return ValidationErrorResponse(errors, "the request body");
  return std::nullopt;
}

http::Response ApiRoutes::Handle(const Route& route, RequestContext& ctx) {
  try {
    return route.handler(ctx);
  } catch (const std::exception& e) {
    log::Error("api.handler_exception")
        .With("request_id", ctx.req.request_id)
        .With("route", route.spec.pattern)
        .With("exception", e.what());
    return http::Response::Error(500, "internal", "internal error; see the server log",
                                 {{"request_id", ctx.req.request_id}});
  }
}

// Changes and actions are recorded, and anything denied.
void ApiRoutes::Audit(const Route& route, const RequestContext& ctx,
                      const std::string& attempted_name, const http::Response& res) {
  const RouteSpec& spec = route.spec;
  const http::Request& req = ctx.req;
  const Principal& principal = ctx.principal;
  bool denied = res.status == 401 || res.status == 403 || res.status == 429;
  if ((IsSafeMethod(req.method) || spec.read_only) && !denied) return;
  store::AuditEntry entry;
  entry.time = ctx.now;
  entry.actor = !ctx.audit.actor.empty()    ? ctx.audit.actor
                : principal.authenticated() ? principal.name
                : !attempted_name.empty()   ? attempted_name
                                            : "anonymous";
  entry.actor_kind =
      !ctx.audit.actor_kind.empty() ? ctx.audit.actor_kind : std::string(principal.kind_name());
  entry.action = spec.action.empty() ? spec.method + " " + spec.pattern : spec.action;
  entry.target_kind = !ctx.audit.target_kind.empty() ? ctx.audit.target_kind : spec.target_kind;
  entry.target_name = !ctx.audit.target_name.empty() ? ctx.audit.target_name
                      : spec.target_param.empty()    ? ""
                                                     : req.Param(spec.target_param);
  if (ctx.audit.team) {
    entry.team = *ctx.audit.team;
  } else if (spec.access.scope == Access::Scope::kTeamParam) {
    entry.team = req.Param(spec.access.team_param);
  }
  entry.remote_address = AuthService::RemoteHost(req.remote_address);
  entry.request_id = req.request_id;
  entry.result = ResultOf(res.status);
  entry.http_status = res.status;
  json details = ctx.audit.details;
  if (principal.kind == Principal::Kind::kToken) details["credentialId"] = principal.token_id;
  if (res.status >= 400 && !res.stream) {
    auto body = json::parse(res.body, nullptr, false);
    if (body.is_object() && body.contains("error"))
      details["error"] = body["error"].value("message", "");
  }
  services_.audit.Record(std::move(entry), details);
}

}  // namespace sluice::api
