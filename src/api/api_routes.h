// The API's route table. Every route is registered here with who may call it (Access),
// its request and response schemas (validated and documented: openapi.h), and how it is
// audited. The wrapper around each handler does, in order:
//
//   authenticate (bearer token, session cookie, or HTTP basic where allowed)   -> 401
//   CSRF: a state-changing request authenticated by cookie needs X-CSRF-Token   -> 403
//   the route's access rule                                                     -> 403
//   path and query parameters, body size, content type, JSON, schema            -> 400/413/415
//   the handler
//   the audit entry: every change and action, and every denied attempt
//
// A handler only translates HTTP to calls into store/ and the services, and checks
// permissions that depend on the resource (its team) through RequestContext.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/permissions.h"
#include "http/router.h"

namespace sluice::api {

struct ApiServices;

// Who may call a route.
struct Access {
  enum class Kind { kPublic, kAuthenticated, kPermission };
  enum class Scope {
    kAnyTeam,    // the permission in at least one team; the handler checks the resource
    kGlobal,     // the permission globally (global admins)
    kTeamParam,  // the permission in the team named by a path parameter
  };

  Kind kind = Kind::kAuthenticated;
  Permission permission = Permission::kJobsRead;
  Scope scope = Scope::kAnyTeam;
  std::string team_param;   // kTeamParam
  std::string self_param;   // when set, a user may also call it on themselves (that path param)
  bool basic_auth = false;  // also accepts HTTP basic user:password

  static Access Public();
  static Access Authenticated();
  static Access Anywhere(Permission p);
  static Access Global(Permission p);
  static Access InTeam(Permission p, std::string team_param = "team");
  Access OrSelf(std::string user_param) const;
  Access WithBasicAuth() const;

  bool Allows(const Principal& principal, const http::Request& req) const;
  std::string Describe() const;  // "clusters:write (global)"
};

// What a handler tells the audit log beyond what the wrapper knows.
struct AuditNote {
  std::string actor;       // overrides the principal's name (a login's user name)
  std::string actor_kind;  // overrides how the actor authenticated ("password" for logins)
  std::string target_kind, target_name;
  std::optional<std::string> team;
  nlohmann::json details = nlohmann::json::object();  // secrets are masked on write
};

class RequestContext {
 public:
  RequestContext(http::Request& req, const Principal& principal, int64_t now)
      : req(req), principal(principal), now(now) {}

  http::Request& req;
  const Principal& principal;
  int64_t now;
  nlohmann::json body;  // validated against the route's schema; {} when none was sent
  AuditNote audit;

  std::string Param(std::string_view name) const { return req.Param(name); }
  std::optional<std::string> Query(std::string_view name) const { return req.Query(name); }
  int64_t QueryInt(std::string_view name, int64_t fallback) const;

  // kPermissionDenied naming what is missing, or Ok.
  Status RequireGlobally(Permission p) const;
  Status RequireInTeam(Permission p, std::string_view team) const;
  Status RequireForTeams(Permission p, const std::vector<std::string>& teams, bool write) const;
};

using ApiHandler = std::function<http::Response(RequestContext&)>;

struct RouteSpec {
  std::string method;
  std::string pattern;
  Access access;
  std::string summary;
  std::vector<std::string> tags;
  // Audit: the action recorded for changes ("cluster.update"), and the default target: a
  // kind and the path parameter that names it. Reads are audited only when denied.
  std::string action;
  std::string target_kind;
  std::string target_param;
  // Schemas (JSON Schema as in OpenAPI 3.0; "$ref": "#/components/schemas/X" allowed).
  nlohmann::json request;   // null: the route takes no body
  nlohmann::json response;  // the success body; null: none
  int success_status = 200;
  nlohmann::json path_params;        // name -> schema, overriding the defaults (see .cc)
  nlohmann::json query_params;       // name -> schema (strings unless typed); others: 400
  std::vector<int> error_statuses;   // documented beyond the ones the wrapper derives
  size_t max_body_bytes = 1u << 20;  // larger bodies: 413
  bool event_stream = false;         // answers text/event-stream
  std::string media_type;            // the success body's type when not JSON ("text/plain")
  // A POST that changes nothing (SQL analysis): audited only when denied, like a read.
  bool read_only = false;
};

class ApiRoutes {
 public:
  ApiRoutes(http::Router& router, ApiServices& services);
  ~ApiRoutes();

  // A schema other schemas refer to as "#/components/schemas/NAME".
  void AddSchema(const std::string& name, nlohmann::json schema);
  void Add(RouteSpec spec, ApiHandler handler);

  std::vector<const RouteSpec*> specs() const;
  const nlohmann::json& schemas() const { return schemas_; }

 private:
  struct Route;
  http::Response Serve(const Route& route, http::Request& req);
  // Each step answers when it refuses the request.
  std::optional<http::Response> Authorize(const Route& route, http::Request& req,
                                          Principal& principal, std::string& attempted_name);
  std::optional<http::Response> ReadInput(const Route& route, RequestContext& ctx);
  http::Response Handle(const Route& route, RequestContext& ctx);
  void Audit(const Route& route, const RequestContext& ctx, const std::string& attempted_name,
             const http::Response& res);

  http::Router& router_;
  ApiServices& services_;
  nlohmann::json schemas_ = nlohmann::json::object();
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace sluice::api
