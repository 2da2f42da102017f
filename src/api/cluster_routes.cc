// /api/v1/clusters: where jobs run. A cluster limited to teams is visible to and usable by
// those teams; changing it needs clusters:write in all of them (or globally). A cluster
// for every team needs clusters:write globally to change.
#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

ClusterInput InputFrom(const json& body, const std::string& name) {
  ClusterInput in;
  in.name = name;
  in.kind = body.value("kind", "");
  in.config = body.value("config", json::object());
  in.secrets = body.value("secrets", json::object());
  if (body.contains("teams")) in.teams = body["teams"].get<std::vector<std::string>>();
  return in;
}

// Which secret fields a request sets or removes; never their values.
json SecretChanges(const json& secrets) {
  json out = json::object();
  for (const auto& [k, v] : secrets.items())
    out[k] = v.is_null() ? "removed" : "set";
  return out;
}

json ClusterBodySchema(bool update) {
  json props = {{"name", {{"type", "string"}, {"format", "name"}}},
                {"kind", {{"type", "string"}, {"enum", ClusterService::Kinds()}}},
                {"config",
                 {{"type", "object"},
                  {"description",
                   "by kind: see ClusterConfigKubernetes, ClusterConfigYarn, "
                   "ClusterConfigStandalone, ClusterConfigFlinkVersion"}}},
                {"secrets",
                 {{"type", "object"},
                  {"description",
                   "secret fields by kind (kubernetes: kubeconfig, token; yarn: keytab; "
                   "standalone: password, token): a string sets one, null removes it, "
                   "fields left out keep their value. Never returned."},
                  {"additionalProperties",
                   {{"type", "string"}, {"nullable", true}, {"maxLength", 1 << 20}}}}},
                {"teams",
                 {{"type", "array"},
                  {"maxItems", 100},
                  {"items", {{"type", "string"}, {"format", "name"}}},
                  {"description", "teams that may see and use it; empty or absent: every team"}}}};
  json schema = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
  if (update) {
    schema["properties"]["revision"] = {
        {"type", "integer"},
        {"minimum", 1},
        {"description", "the revision you read; 409 if it changed since"}};
    schema["required"] = {"kind", "revision"};
  } else {
    schema["required"] = {"name", "kind"};
  }
  return schema;
}

}  // namespace

void AddClusterRoutes(ApiRoutes& routes, ApiServices& s) {
  routes.AddSchema("Cluster",
                   {{"type", "object"},
                    {"properties",
                     {{"name", {{"type", "string"}}},
                      {"kind", {{"type", "string"}}},
                      {"config", {{"type", "object"}}},
                      {"secrets",
                       {{"type", "object"},
                        {"description", "which secret fields are set (true/false); never values"},
                        {"additionalProperties", {{"type", "boolean"}}}}},
                      {"teams", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"revision", {{"type", "integer"}}},
                      {"preflight",
                       {{"$ref", "#/components/schemas/PreflightReport"},
                        {"description",
                         "the last preflight of this revision, while this server runs (kept in "
                         "memory)"}}},
                      {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
                      {"updatedAt", {{"type", "string"}, {"format", "date-time"}}}}}});
  routes.AddSchema(
      "PreflightReport",
      {{"type", "object"},
       {"properties",
        {{"ok", {{"type", "boolean"}, {"description", "no check is an error"}}},
         {"checkedAt", {{"type", "string"}, {"format", "date-time"}}},
         {"checks",
          {{"type", "array"},
           {"items",
            {{"type", "object"},
             {"properties",
              {{"name", {{"type", "string"}}},
               {"status", {{"type", "string"}, {"enum", {"ok", "warning", "error", "skipped"}}}},
               {"message", {{"type", "string"}}},
               {"hint", {{"type", "string"}, {"description", "what to fix"}}}}}}}}}}}});
  routes.AddSchema("ClusterConfigKubernetes", ClusterService::ConfigSchema("kubernetes"));
  routes.AddSchema("ClusterConfigYarn", ClusterService::ConfigSchema("yarn"));
  routes.AddSchema("ClusterConfigStandalone", ClusterService::ConfigSchema("standalone"));
  routes.AddSchema("ClusterConfigFlinkVersion", ClusterService::ConfigSchema("flink-version"));

  // Finds a cluster the principal may see; 404 for the others.
  auto visible = [&s](const RequestContext& ctx,
                      const std::string& name) -> Result<store::Cluster> {
    SLUICE_ASSIGN_OR_RETURN(store::Cluster c, s.store.FindCluster(name));
    if (!ctx.principal.CanForTeams(Permission::kClustersRead, ClusterService::TeamsOf(c), false)) {
      return NotFound("cluster " + Quote(name) + " not found");
    }
    return c;
  };

  routes.Add({.method = "GET",
              .pattern = "/api/v1/clusters",
              .access = Access::Anywhere(Permission::kClustersRead),
              .summary = "Clusters you may use",
              .tags = {"clusters"},
              .response = {{"type", "object"},
                           {"properties",
                            {{"clusters",
                              {{"type", "array"},
                               {"items", {{"$ref", "#/components/schemas/Cluster"}}}}}}}},
              .query_params = {{"kind", {{"type", "string"}, {"enum", ClusterService::Kinds()}}}}},
             [&s](RequestContext& ctx) {
               auto all = s.store.ListClusters();
               if (!all.ok()) return ErrorResponse(all.error());
               std::string kind = ctx.Query("kind").value_or("");
               json list = json::array();
               for (const auto& c : *all) {
                 if (!kind.empty() && c.kind != kind) continue;
                 if (!ctx.principal.CanForTeams(Permission::kClustersRead,
                                                ClusterService::TeamsOf(c), false)) {
                   continue;
                 }
                 list.push_back(s.clusters.ToJson(c));
               }
               return http::Response::Json(200, {{"clusters", list}});
             });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/clusters",
              .access = Access::Anywhere(Permission::kClustersWrite),
              .summary = "Register a cluster or a Flink version",
              .tags = {"clusters"},
              .action = "cluster.create",
              .target_kind = "cluster",
              .request = ClusterBodySchema(false),
              .response = {{"$ref", "#/components/schemas/Cluster"}},
              .success_status = 201,
              .error_statuses = {409, 422}},
             [&s](RequestContext& ctx) {
               ClusterInput in = InputFrom(ctx.body, ctx.body["name"]);
               ctx.audit.target_name = in.name;
               ctx.audit.team = in.teams.size() == 1 ? in.teams[0] : "";
               ctx.audit.details = {{"kind", in.kind},
                                    {"teams", in.teams},
                                    {"protectedFields", SecretChanges(in.secrets)}};
               auto errors = s.clusters.Validate(in, nullptr);
               if (!errors.empty()) return ValidationErrorResponse(errors, "the cluster");
               Status allowed = ctx.RequireForTeams(Permission::kClustersWrite, in.teams, true);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               Status refs = s.clusters.CheckReferences(in);
               if (!refs.ok()) return ErrorResponse(refs.error());
               auto created = s.clusters.Create(in);
               if (!created.ok()) return ErrorResponse(created.error());
               return http::Response::Json(201, s.clusters.ToJson(*created));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/clusters/{name}",
              .access = Access::Anywhere(Permission::kClustersRead),
              .summary = "A cluster: configuration, teams, which secrets are set",
              .tags = {"clusters"},
              .response = {{"$ref", "#/components/schemas/Cluster"}}},
             [&s, visible](RequestContext& ctx) {
               auto c = visible(ctx, ctx.Param("name"));
               if (!c.ok()) return ErrorResponse(c.error());
               return http::Response::Json(200, s.clusters.ToJson(*c));
             });

  routes.Add({.method = "PUT",
              .pattern = "/api/v1/clusters/{name}",
              .access = Access::Anywhere(Permission::kClustersWrite),
              .summary = "Replace a cluster's configuration and teams; update or remove secrets",
              .tags = {"clusters"},
              .action = "cluster.update",
              .target_kind = "cluster",
              .target_param = "name",
              .request = ClusterBodySchema(true),
              .response = {{"$ref", "#/components/schemas/Cluster"}},
              .error_statuses = {409, 422}},
             [&s, visible](RequestContext& ctx) {
               std::string name = ctx.Param("name");
               if (ctx.body.contains("name") && ctx.body["name"] != name) {
                 return ValidationErrorResponse(
                     {{"name", "differs from the name in the path; clusters cannot be renamed"}});
               }
               ClusterInput in = InputFrom(ctx.body, name);
               ctx.audit.details = {{"kind", in.kind},
                                    {"teams", in.teams},
                                    {"protectedFields", SecretChanges(in.secrets)}};
               auto current = visible(ctx, name);
               if (!current.ok()) return ErrorResponse(current.error());
               auto old_teams = ClusterService::TeamsOf(*current);
               ctx.audit.team = old_teams.size() == 1 ? old_teams[0] : "";
               Status allowed = ctx.RequireForTeams(Permission::kClustersWrite, old_teams, true);
               if (allowed.ok())
                 allowed = ctx.RequireForTeams(Permission::kClustersWrite, in.teams, true);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               auto errors = s.clusters.Validate(in, &*current);
               if (!errors.empty()) return ValidationErrorResponse(errors, "the cluster");
               Status refs = s.clusters.CheckReferences(in);
               if (!refs.ok()) return ErrorResponse(refs.error());
               auto updated = s.clusters.Update(in, *current, ctx.body["revision"].get<int64_t>());
               if (!updated.ok()) {
                 if (updated.error().code == ErrorCode::kConflict) {
                   auto now = s.store.FindCluster(name);
                   return ConflictResponse(updated.error().message, now.ok() ? now->revision : 0);
                 }
                 return ErrorResponse(updated.error());
               }
               return http::Response::Json(200, s.clusters.ToJson(*updated));
             });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/clusters/{name}/preflight",
              .access = Access::Anywhere(Permission::kClustersWrite),
              .summary = "Check that Sluice can reach and use the cluster, and say what to fix; "
                         "a cluster that does not answer is a failed check (200, ok false)",
              .tags = {"clusters"},
              .action = "cluster.preflight",
              .target_kind = "cluster",
              .target_param = "name",
              .response = {{"$ref", "#/components/schemas/PreflightReport"}},
              .error_statuses = {503}},
             [&s, visible](RequestContext& ctx) {
               auto current = visible(ctx, ctx.Param("name"));
               if (!current.ok()) return ErrorResponse(current.error());
               auto teams = ClusterService::TeamsOf(*current);
               ctx.audit.team = teams.size() == 1 ? teams[0] : "";
               Status allowed = ctx.RequireForTeams(Permission::kClustersWrite, teams, true);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               auto report = s.clusters.RunPreflight(*current, ctx.now);
               if (!report.ok()) return ErrorResponse(report.error());
               json failed = json::array();
               for (const auto& c : (*report)["checks"]) {
                 if (c.value("status", "") == "error") failed.push_back(c.value("name", ""));
               }
               ctx.audit.details = {{"kind", current->kind},
                                    {"revision", current->revision},
                                    {"ok", (*report)["ok"]},
                                    {"failed", failed}};
               return http::Response::Json(200, *report);
             });

  routes.Add({.method = "DELETE",
              .pattern = "/api/v1/clusters/{name}",
              .access = Access::Anywhere(Permission::kClustersWrite),
              .summary = "Remove a cluster no live job uses",
              .tags = {"clusters"},
              .action = "cluster.delete",
              .target_kind = "cluster",
              .target_param = "name",
              .success_status = 204,
              .error_statuses = {422}},
             [&s, visible](RequestContext& ctx) {
               std::string name = ctx.Param("name");
               auto current = visible(ctx, name);
               if (!current.ok()) return ErrorResponse(current.error());
               auto teams = ClusterService::TeamsOf(*current);
               ctx.audit.team = teams.size() == 1 ? teams[0] : "";
               ctx.audit.details = {{"kind", current->kind}, {"revision", current->revision}};
               Status allowed = ctx.RequireForTeams(Permission::kClustersWrite, teams, true);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               Status st = s.clusters.Delete(name);
               if (!st.ok()) return ErrorResponse(st.error());
               http::Response res;
               res.status = 204;
               return res;
             });
}

}  // namespace sluice::api
