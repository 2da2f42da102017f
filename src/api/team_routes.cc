// /api/v1/teams: teams and their members with roles.
#include "api/responses.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

http::Response NoContent() {
  http::Response res;
  res.status = 204;
  return res;
}

}  // namespace

void AddTeamRoutes(ApiRoutes& routes, ApiServices& s) {
  routes.AddSchema(
      "Team",
      {{"type", "object"},
       {"properties",
        {{"name", {{"type", "string"}}},
         {"description", {{"type", "string"}}},
         {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
         {"role",
          {{"type", "string"}, {"nullable", true}, {"description", "your role in the team"}}},
         {"members",
          {{"type", "array"},
           {"items",
            {{"type", "object"},
             {"properties",
              {{"user", {{"type", "string"}}}, {"role", {{"type", "string"}}}}}}}}}}}});
  json role_schema = {{"type", "string"}, {"enum", {"viewer", "developer", "admin"}}};

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/teams",
       .access = Access::Anywhere(Permission::kTeamsRead),
       .summary = "Teams you can see (administrators: all)",
       .tags = {"teams"},
       .response = {{"type", "object"},
                    {"properties",
                     {{"teams",
                       {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/Team"}}}}}}}}},
      [&s](RequestContext& ctx) {
        auto teams = s.store.ListTeams();
        if (!teams.ok()) return ErrorResponse(teams.error());
        json list = json::array();
        for (const auto& t : *teams) {
          if (!ctx.principal.CanInTeam(Permission::kTeamsRead, t.name)) continue;
          json v = TeamJson(t);
          auto role = ctx.principal.teams.find(t.name);
          v["role"] =
              role == ctx.principal.teams.end() ? json(nullptr) : json(RoleName(role->second));
          list.push_back(v);
        }
        return http::Response::Json(200, {{"teams", list}});
      });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/teams",
              .access = Access::Global(Permission::kTeamsWrite),
              .summary = "Create a team",
              .tags = {"teams"},
              .action = "team.create",
              .target_kind = "team",
              .request = {{"type", "object"},
                          {"additionalProperties", false},
                          {"required", {"name"}},
                          {"properties",
                           {{"name", {{"type", "string"}, {"format", "name"}}},
                            {"description", {{"type", "string"}, {"maxLength", 1000}}}}}},
              .response = {{"$ref", "#/components/schemas/Team"}},
              .success_status = 201,
              .error_statuses = {409},
              .max_body_bytes = 8192},
             [&s](RequestContext& ctx) {
               std::string name = ctx.body["name"];
               ctx.audit.target_name = name;
               ctx.audit.team = name;
               auto team = s.store.CreateTeam(
                   {.name = name, .description = ctx.body.value("description", "")});
               if (!team.ok()) return ErrorResponse(team.error());
               return http::Response::Json(201, TeamJson(*team));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/teams/{team}",
              .access = Access::InTeam(Permission::kTeamsRead),
              .summary = "A team and its members",
              .tags = {"teams"},
              .response = {{"$ref", "#/components/schemas/Team"}}},
             [&s](RequestContext& ctx) {
               auto team = s.store.FindTeam(ctx.Param("team"));
               if (!team.ok()) return ErrorResponse(team.error());
               auto members = s.store.ListTeamMembers(team->id);
               if (!members.ok()) return ErrorResponse(members.error());
               json v = TeamJson(*team);
               v["members"] = json::array();
               for (const auto& m : *members)
                 v["members"].push_back({{"user", m.user}, {"role", m.role}});
               return http::Response::Json(200, v);
             });

  routes.Add({.method = "PUT",
              .pattern = "/api/v1/teams/{team}/members/{user}",
              .access = Access::InTeam(Permission::kTeamsWrite),
              .summary = "Add a member to a team, or change their role",
              .tags = {"teams"},
              .action = "team.member.set",
              .target_kind = "user",
              .target_param = "user",
              .request = {{"type", "object"},
                          {"additionalProperties", false},
                          {"required", {"role"}},
                          {"properties", {{"role", role_schema}}}},
              .response = {{"type", "object"}},
              .max_body_bytes = 4096},
             [&s](RequestContext& ctx) {
               std::string role = ctx.body["role"];
               ctx.audit.details = {{"role", role}};
               auto team = s.store.FindTeam(ctx.Param("team"));
               if (!team.ok()) return ErrorResponse(team.error());
               auto user = s.store.FindUser(ctx.Param("user"));
               if (!user.ok()) return ErrorResponse(user.error());
               Status st = s.store.SetMembership({team->id, user->id, role});
               if (!st.ok()) return ErrorResponse(st.error());
               return http::Response::Json(
                   200, {{"team", team->name}, {"user", user->name}, {"role", role}});
             });

  routes.Add({.method = "DELETE",
              .pattern = "/api/v1/teams/{team}/members/{user}",
              .access = Access::InTeam(Permission::kTeamsWrite),
              .summary = "Remove a member from a team",
              .tags = {"teams"},
              .action = "team.member.remove",
              .target_kind = "user",
              .target_param = "user",
              .success_status = 204},
             [&s](RequestContext& ctx) {
               auto team = s.store.FindTeam(ctx.Param("team"));
               if (!team.ok()) return ErrorResponse(team.error());
               auto user = s.store.FindUser(ctx.Param("user"));
               if (!user.ok()) return ErrorResponse(user.error());
               Status st = s.store.RemoveMembership(team->id, user->id);
               if (!st.ok()) {
                 if (st.error().code == ErrorCode::kNotFound) {
                   return ErrorResponse(NotFound("user " + Quote(user->name) +
                                                 " is not a member of team " + Quote(team->name)));
                 }
                 return ErrorResponse(st.error());
               }
               return NoContent();
             });
}

}  // namespace sluice::api
