// /api/v1/auth: logging in and out (browser sessions), who am I, API tokens.
#include "api/responses.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

std::string SessionCookie(const std::string& value, int64_t max_age_seconds, bool secure) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) c += "; Secure";
  return c;
}

json MeJson(const Principal& p, const store::User& user) {
  json teams = json::array();
  json by_team = json::object();
  for (const auto& [team, role] : p.teams) {
    teams.push_back({{"team", team}, {"role", RoleName(role)}});
    PermissionSet set = RolePermissions(role);
    if (p.scopes) set &= *p.scopes;
    by_team[team] = PermissionNames(set);
  }
  json auth = {{"kind", p.kind_name()}, {"expiresAt", TimeJson(p.expires_at)}};
  if (p.kind == Principal::Kind::kToken) {
    auth["tokenId"] = p.token_id;
    auth["scopes"] = p.scopes ? json(PermissionNames(*p.scopes)) : json::array({"*"});
  }
  json me = UserJson(user);
  me["teams"] = teams;
  me["permissions"] = {
      {"global", p.is_admin ? PermissionNames(p.Effective()) : std::vector<std::string>{}},
      {"teams", by_team}};
  me["auth"] = auth;
  if (p.kind == Principal::Kind::kSession) me["csrfToken"] = p.csrf_token;
  return me;
}

const json& ScopeList() {
  static const json schema = {{"type", "array"},
                              {"maxItems", 32},
                              {"items", {{"type", "string"}, {"format", "scope"}}},
                              {"description", "permission names, or \"*\" for all of yours"}};
  return schema;
}

}  // namespace

void AddAuthRoutes(ApiRoutes& routes, ApiServices& s) {
  routes.AddSchema(
      "Token",
      {{"type", "object"},
       {"properties",
        {{"id", {{"type", "integer"}}},
         {"name", {{"type", "string"}}},
         {"scopes", {{"type", "array"}, {"items", {{"type", "string"}}}}},
         {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
         {"expiresAt", {{"type", "string"}, {"format", "date-time"}}},
         {"lastUsedAt", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}},
         {"revokedAt", {{"type", "string"}, {"format", "date-time"}, {"nullable", true}}}}}});

  routes.Add(
      {.method = "POST",
       .pattern = "/api/v1/auth/login",
       .access = Access::Public(),
       .summary = "Log in: sets the session cookie and returns the CSRF token",
       .tags = {"auth"},
       .action = "auth.login",
       .target_kind = "user",
       .request = {{"type", "object"},
                   {"additionalProperties", false},
                   {"required", {"name", "password"}},
                   {"properties",
                    {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 63}}},
                     {"password", {{"type", "string"}, {"minLength", 1}, {"maxLength", 1024}}}}}},
       .response = {{"type", "object"},
                    {"properties",
                     {{"user", {{"$ref", "#/components/schemas/User"}}},
                      {"csrfToken", {{"type", "string"}}},
                      {"expiresAt", {{"type", "string"}, {"format", "date-time"}}}}}},
       .error_statuses = {429},
       .max_body_bytes = 4096},
      [&s](RequestContext& ctx) {
        std::string name = ctx.body["name"];
        ctx.audit.actor = name;
        ctx.audit.actor_kind = "password";
        ctx.audit.target_name = name;
        int64_t wait = s.auth.LoginRetryAfter(name, ctx.req.remote_address);
        if (wait > 0) return TooManyRequests("too many failed logins; wait and try again", wait);
        auto session = s.auth.Login(name, ctx.body["password"], ctx.req.remote_address,
                                    ctx.req.Header("User-Agent"));
        if (!session.ok()) return ErrorResponse(session.error());
        auto user = s.store.GetUser(session->principal.user_id);
        if (!user.ok()) return ErrorResponse(user.error());
        auto res = http::Response::Json(200, {{"user", UserJson(*user)},
                                              {"csrfToken", session->csrf_token},
                                              {"expiresAt", TimeJson(session->expires_at)}});
        res.headers["Set-Cookie"] =
            SessionCookie(session->id, s.auth_options.session_lifetime.count() / 1000,
                          s.auth_options.secure_cookies);
        return res;
      });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/auth/logout",
              .access = Access::Authenticated(),
              .summary = "Log out: ends the session, or revokes the token used",
              .tags = {"auth"},
              .action = "auth.logout",
              .success_status = 204},
             [&s](RequestContext& ctx) {
               ctx.audit.target_kind = "user";
               ctx.audit.target_name = ctx.principal.name;
               Status st = s.auth.Logout(ctx.principal);
               if (!st.ok()) return ErrorResponse(st.error());
               http::Response res;
               res.status = 204;
               res.headers["Set-Cookie"] = SessionCookie("", 0, s.auth_options.secure_cookies);
               return res;
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/auth/me",
              .access = Access::Authenticated(),
              .summary = "Who am I: the user, team roles, permissions, and how I authenticated",
              .tags = {"auth"},
              .response = {{"type", "object"}}},
             [&s](RequestContext& ctx) {
               auto user = s.store.GetUser(ctx.principal.user_id);
               if (!user.ok()) return ErrorResponse(user.error());
               return http::Response::Json(200, MeJson(ctx.principal, *user));
             });

  routes.Add(
      {.method = "POST",
       .pattern = "/api/v1/auth/tokens",
       .access = Access::Authenticated().WithBasicAuth(),
       .summary =
           "Create an API token (shown once). HTTP basic user:password, a session or a token",
       .tags = {"auth"},
       .action = "token.create",
       .target_kind = "token",
       .request = {{"type", "object"},
                   {"additionalProperties", false},
                   {"required", {"name"}},
                   {"properties",
                    {{"name", {{"type", "string"}, {"minLength", 1}, {"maxLength", 64}}},
                     {"scopes", ScopeList()},
                     {"ttl", {{"type", "string"}, {"format", "duration"}, {"example", "30d"}}}}}},
       .response = {{"type", "object"},
                    {"properties",
                     {{"token", {{"type", "string"}, {"description", "shown only in this answer"}}},
                      {"id", {{"type", "integer"}}},
                      {"name", {{"type", "string"}}},
                      {"scopes", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"expiresAt", {{"type", "string"}, {"format", "date-time"}}}}}},
       .success_status = 201,
       .error_statuses = {429},
       .max_body_bytes = 4096},
      [&s](RequestContext& ctx) {
        TokenRequest req{.name = ctx.body["name"]};
        if (ctx.body.contains("scopes"))
          req.scopes = ctx.body["scopes"].get<std::vector<std::string>>();
        if (ctx.body.contains("ttl")) req.ttl = ctx.body["ttl"].get<std::string>();
        ctx.audit.target_name = req.name;
        auto created = s.auth.CreateToken(ctx.principal, req);
        if (!created.ok()) return ErrorResponse(created.error());
        json view = TokenJson(created->record);
        ctx.audit.details = {
            {"id", view["id"]}, {"scopes", view["scopes"]}, {"expiresAt", view["expiresAt"]}};
        return http::Response::Json(201, {{"token", created->token},
                                          {"id", view["id"]},
                                          {"name", view["name"]},
                                          {"scopes", view["scopes"]},
                                          {"expiresAt", view["expiresAt"]}});
      });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/auth/tokens",
              .access = Access::Authenticated(),
              .summary = "Your API tokens (never the tokens themselves)",
              .tags = {"auth"},
              .response = {{"type", "object"},
                           {"properties",
                            {{"tokens",
                              {{"type", "array"},
                               {"items", {{"$ref", "#/components/schemas/Token"}}}}}}}}},
             [&s](RequestContext& ctx) {
               auto tokens = s.auth.ListTokens(ctx.principal);
               if (!tokens.ok()) return ErrorResponse(tokens.error());
               json list = json::array();
               for (const auto& t : *tokens) {
                 json v = TokenJson(t);
                 v["current"] = ctx.principal.kind == Principal::Kind::kToken &&
                                ctx.principal.token_id == t.id;
                 list.push_back(v);
               }
               return http::Response::Json(200, {{"tokens", list}});
             });

  routes.Add({.method = "DELETE",
              .pattern = "/api/v1/auth/tokens/{id}",
              .access = Access::Authenticated(),
              .summary = "Revoke one of your tokens (administrators: anyone's)",
              .tags = {"auth"},
              .action = "token.revoke",
              .target_kind = "token",
              .target_param = "id",
              .success_status = 204},
             [&s](RequestContext& ctx) {
               auto revoked = s.auth.RevokeToken(ctx.principal, *ParseInt(ctx.Param("id")));
               if (!revoked.ok()) return ErrorResponse(revoked.error());
               ctx.audit.details = {{"name", revoked->name}};
               http::Response res;
               res.status = 204;
               return res;
             });
}

}  // namespace sluice::api
