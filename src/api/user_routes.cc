// /api/v1/users: local users, their admin flag, passwords and team roles.
#include "api/responses.h"
#include "api/routes.h"
#include "api/views.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

const json kUserNameParam = {{"name", {{"type", "string"}, {"format", "user-name"}}}};

}  // namespace

void AddUserRoutes(ApiRoutes& routes, ApiServices& s) {
  routes.AddSchema(
      "User", {{"type", "object"},
               {"properties",
                {{"name", {{"type", "string"}}},
                 {"displayName", {{"type", "string"}}},
                 {"admin", {{"type", "boolean"}}},
                 {"disabled", {{"type", "boolean"}}},
                 {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
                 {"updatedAt", {{"type", "string"}, {"format", "date-time"}}},
                 {"teams",
                  {{"type", "array"},
                   {"items",
                    {{"type", "object"},
                     {"properties",
                      {{"team", {{"type", "string"}}}, {"role", {{"type", "string"}}}}}}}}}}}});
  json password = {{"type", "string"}, {"minLength", 1}, {"maxLength", 1024}};

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/users",
       .access = Access::Anywhere(Permission::kUsersRead),
       .summary = "All users",
       .tags = {"users"},
       .response = {{"type", "object"},
                    {"properties",
                     {{"users",
                       {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/User"}}}}}}}}},
      [&s](RequestContext&) {
        auto users = s.store.ListUsers();
        if (!users.ok()) return ErrorResponse(users.error());
        json list = json::array();
        for (const auto& u : *users)
          list.push_back(UserJson(u));
        return http::Response::Json(200, {{"users", list}});
      });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/users",
              .access = Access::Global(Permission::kUsersWrite),
              .summary = "Create a user",
              .tags = {"users"},
              .action = "user.create",
              .target_kind = "user",
              .request = {{"type", "object"},
                          {"additionalProperties", false},
                          {"required", {"name", "password"}},
                          {"properties",
                           {{"name", {{"type", "string"}, {"format", "user-name"}}},
                            {"displayName", {{"type", "string"}, {"maxLength", 200}}},
                            {"password", password},
                            {"admin", {{"type", "boolean"}}}}}},
              .response = {{"$ref", "#/components/schemas/User"}},
              .success_status = 201,
              .error_statuses = {409},
              .max_body_bytes = 8192},
             [&s](RequestContext& ctx) {
               std::string name = ctx.body["name"];
               bool admin = ctx.body.value("admin", false);
               ctx.audit.target_name = name;
               ctx.audit.details = {{"admin", admin}};
               auto user = s.users.Create(name, ctx.body.value("displayName", ""),
                                          ctx.body["password"], admin);
               if (!user.ok()) return ErrorResponse(user.error());
               return http::Response::Json(201, UserJson(*user));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/users/{name}",
              .access = Access::Anywhere(Permission::kUsersRead).OrSelf("name"),
              .summary = "A user and their team roles",
              .tags = {"users"},
              .response = {{"$ref", "#/components/schemas/User"}},
              .path_params = kUserNameParam},
             [&s](RequestContext& ctx) {
               auto user = s.store.FindUser(ctx.Param("name"));
               if (!user.ok()) return ErrorResponse(user.error());
               auto roles = s.store.TeamRolesOfUser(user->id);
               if (!roles.ok()) return ErrorResponse(roles.error());
               json v = UserJson(*user);
               v["teams"] = json::array();
               for (const auto& r : *roles)
                 v["teams"].push_back({{"team", r.team}, {"role", r.role}});
               return http::Response::Json(200, v);
             });

  routes.Add(
      {.method = "PATCH",
       .pattern = "/api/v1/users/{name}",
       .access = Access::Global(Permission::kUsersWrite).OrSelf("name"),
       .summary = "Change a user: display name, disabled, admin flag, password. Users may change "
                  "their own display name and password (with currentPassword)",
       .tags = {"users"},
       .action = "user.update",
       .target_kind = "user",
       .target_param = "name",
       .request = {{"type", "object"},
                   {"additionalProperties", false},
                   {"properties",
                    {{"displayName", {{"type", "string"}, {"maxLength", 200}}},
                     {"disabled", {{"type", "boolean"}}},
                     {"admin", {{"type", "boolean"}}},
                     {"password", password},
                     {"currentPassword", password}}}},
       .response = {{"$ref", "#/components/schemas/User"}},
       .path_params = kUserNameParam,
       .error_statuses = {422},
       .max_body_bytes = 8192},
      [&s](RequestContext& ctx) {
        UserPatch patch;
        json changed = json::array();
        if (ctx.body.contains("displayName")) patch.display_name = ctx.body["displayName"];
        if (ctx.body.contains("disabled")) patch.disabled = ctx.body["disabled"].get<bool>();
        if (ctx.body.contains("admin")) patch.admin = ctx.body["admin"].get<bool>();
        if (ctx.body.contains("password")) patch.password = ctx.body["password"];
        if (ctx.body.contains("currentPassword"))
          patch.current_password = ctx.body["currentPassword"];
        for (const char* f : {"displayName", "disabled", "admin", "password"}) {
          if (ctx.body.contains(f)) changed.push_back(f);
        }
        ctx.audit.details = {{"changed", changed}};
        if (patch.disabled) ctx.audit.details["disabled"] = *patch.disabled;
        if (patch.admin) ctx.audit.details["admin"] = *patch.admin;
        auto user = s.users.Update(ctx.principal, ctx.Param("name"), patch);
        if (!user.ok()) return ErrorResponse(user.error());
        return http::Response::Json(200, UserJson(*user));
      });
}

}  // namespace sluice::api
