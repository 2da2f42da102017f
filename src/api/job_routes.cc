// /api/v1/jobs: jobs, their spec versions, events, savepoints and lineage, and the actions
// that record what the user wants for the reconciler to carry out. A job belongs to a team
// (or none): reading it needs jobs:read there, changing it jobs:write, actions
// jobs:operate; jobs without a team are read by anyone with jobs:read and changed only by
// global administrators. Jobs a caller may not read answer 404.
#include <map>

#include "api/job_service.h"
#include "api/render_cache.h"
#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"
#include "spec/diff.h"
#include "spec/parse.h"
#include "sql/analyzer.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

}  // namespace

json JobBodySchema(bool update) {
  json props = {
      {"apiVersion", {{"type", "string"}, {"description", "sluice.dev/v1"}}},
      {"kind", {{"type", "string"}, {"description", "FlinkJob"}}},
      {"metadata",
       {{"type", "object"},
        {"description", "name, team, labels (docs/job-spec.md); checked by the spec rules"}}},
      {"spec",
       {{"type", "object"},
        {"description",
         "the job spec as in YAML (docs/job-spec.md); problems answer 400 with field paths"}}}};
  json schema = {{"type", "object"},
                 {"additionalProperties", false},
                 {"properties", props},
                 {"required", {"apiVersion", "kind", "metadata", "spec"}}};
  if (update) {
    schema["properties"]["revision"] = {
        {"type", "integer"},
        {"minimum", 1},
        {"description", "the revision you read; 409 with the current one if it changed"}};
    schema["required"].push_back("revision");
  }
  return schema;
}

namespace {

json ActionBodySchema(const std::string& action) {
  json props = json::object();
  json required = json::array();
  if (action == "stop") {
    props["withSavepoint"] = {{"type", "boolean"}, {"description", "default true"}};
    props["drain"] = {{"type", "boolean"},
                      {"description", "advance to the end of event time first; default false"}};
  }
  if (action == "deploy" || action == "resume" || action == "restart") {
    props["savepointPath"] = {
        {"type", "string"},
        {"maxLength", 4096},
        {"description", "state to start from; default: the latest savepoint or checkpoint"}};
  }
  if (action == "rollback") {
    props["version"] = {{"type", "integer"}, {"minimum", 1}};
    required.push_back("version");
  }
  json schema = {{"type", "object"}, {"additionalProperties", false}, {"properties", props}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

http::Response Refusal(const Error& e) {
  if (e.code == ErrorCode::kAborted) {
    return http::Response::Error(409, "invalid_state", e.message, {{"hint", e.hint}});
  }
  return ErrorResponse(e);
}

// A job's list entry is a function of its row and its team's name; the store bumps
// `revision` with every intent write and `status_version` with every status write, and both
// move `updated_at`, so these name one rendering.
std::string ListKey(const store::Job& j, const std::string& team) {
  return std::to_string(j.id) + '/' + std::to_string(j.revision) + '/' +
         std::to_string(j.status_version) + '/' + std::to_string(j.spec_version) + '/' +
         std::to_string(j.updated_at) + '/' + std::to_string(j.deleted_at) + '/' + j.state + '/' +
         j.desired_state + '/' + team;
}

json Array(json items, const char* key) {
  return {{key, std::move(items)}};
}

}  // namespace

void AddJobRoutes(ApiRoutes& routes, ApiServices& s) {
  JobService& jobs = s.jobs;
  routes.AddSchema(
      "Job",
      {{"type", "object"},
       {"properties",
        {{"name", {{"type", "string"}}},
         {"team", {{"type", "string"}, {"nullable", true}}},
         {"cluster", {{"type", "string"}}},
         {"target", {{"type", "string"}}},
         {"revision", {{"type", "integer"}, {"description", "send it back on PUT"}}},
         {"specVersion", {{"type", "integer"}}},
         {"intent",
          {{"type", "object"},
           {"description",
            "what the user asked for (desiredState RUNNING, SUSPENDED, CANCELED, "
            "DELETED; stop flags, restart nonce, restore path)"}}},
         {"status",
          {{"type", "object"},
           {"description", "what Sluice observed; written by the reconciler"},
           {"properties",
            {{"state", {{"type", "string"}, {"enum", JobService::States()}}},
             {"reason", {{"type", "string"}}},
             {"webUrl", {{"type", "string"}, {"nullable", true}}}}}}},
         {"statusVersion", {{"type", "integer"}}},
         {"spec", {{"type", "object"}, {"description", "the current spec version (GET only)"}}},
         {"createdAt", {{"type", "string"}, {"format", "date-time"}}},
         {"updatedAt", {{"type", "string"}, {"format", "date-time"}}}}}});
  routes.AddSchema("JobEvent", {{"type", "object"}});
  routes.AddSchema("Savepoint", {{"type", "object"}});
  routes.AddSchema("JobVersion", {{"type", "object"}});
  const json job_ref = {{"$ref", "#/components/schemas/Job"}};
  const json version_param = {{"version", {{"type", "integer"}, {"minimum", 1}}}};

  // The job if the caller may read it; 404 for the others.
  auto visible = [&s, &jobs](const RequestContext& ctx, const std::string& name,
                             std::string* team) -> Result<store::Job> {
    SLUICE_ASSIGN_OR_RETURN(store::Job job, s.store.FindJob(name));
    *team = jobs.TeamName(job.team_id);
    bool may = team->empty() ? ctx.principal.CanAnywhere(Permission::kJobsRead)
                             : ctx.principal.CanInTeam(Permission::kJobsRead, *team);
    if (!may) return NotFound("job " + Quote(name) + " not found");
    return job;
  };
  auto require = [](const RequestContext& ctx, Permission p, const std::string& team) {
    return team.empty() ? ctx.RequireGlobally(p) : ctx.RequireInTeam(p, team);
  };
  auto with_spec = [&s](const store::Job& job, const std::string& team) -> Result<json> {
    SLUICE_ASSIGN_OR_RETURN(store::JobVersion v, s.store.GetJobVersion(job.id, job.spec_version));
    json spec = json::parse(v.spec_json, nullptr, false);
    return JobService::ToJson(job, team, &spec);
  };
  auto parse = [](RequestContext& ctx, json body, JobInput* in) -> std::optional<http::Response> {
    body.erase("revision");
    std::vector<SchemaError> problems;
    auto parsed = JobService::Parse(body, &problems);
    if (!parsed.ok()) return ValidationErrorResponse(problems, "the job spec");
    *in = std::move(parsed).value();
    ctx.audit.target_name = in->name;
    ctx.audit.team = in->team;
    return std::nullopt;
  };

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/jobs",
       .access = Access::Anywhere(Permission::kJobsRead),
       .summary = "Jobs you may read, a page at a time (without their specs)",
       .tags = {"jobs"},
       .response = {{"type", "object"},
                    {"properties",
                     {{"jobs", {{"type", "array"}, {"items", job_ref}}},
                      {"nextCursor", {{"type", "integer"}, {"nullable", true}}}}}},
       .query_params = {{"team", {{"type", "string"}, {"format", "name"}}},
                        {"state", {{"type", "string"}, {"enum", JobService::States()}}},
                        {"target", {{"type", "string"}, {"enum", spec::TargetNames()}}},
                        {"text", {{"type", "string"}, {"maxLength", 200}}},
                        {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}},
                        {"cursor", {{"type", "integer"}, {"minimum", 0}}}}},
      // Pages are read far more often than jobs change: each job's JSON is rendered once
      // (building nlohmann objects was ~60% of a page's CPU) and the page is spliced.
      [&s, rendered = std::make_shared<RenderCache>(size_t{32} << 20)](RequestContext& ctx) {
        auto teams = s.store.ListTeams();
        if (!teams.ok()) return ErrorResponse(teams.error());
        std::map<int64_t, std::string> names;
        std::map<std::string, int64_t, std::less<>> ids;
        for (const auto& t : *teams) {
          names[t.id] = t.name;
          ids[t.name] = t.id;
        }
        store::JobFilter f{.state = ctx.Query("state").value_or(""),
                           .target = ctx.Query("target").value_or(""),
                           .text = ctx.Query("text").value_or(""),
                           .after_id = ctx.QueryInt("cursor", 0),
                           .limit = static_cast<int>(ctx.QueryInt("limit", 50))};
        if (auto team = ctx.Query("team")) {
          auto it = ids.find(*team);
          if (it == ids.end())
            return http::Response::Json(200, {{"jobs", json::array()}, {"nextCursor", nullptr}});
          f.team_id = it->second;
        }
        if (!ctx.principal.CanGlobally(Permission::kJobsRead)) {
          f.restricted = true;
          for (const auto& t : ctx.principal.TeamsWith(Permission::kJobsRead)) {
            if (auto it = ids.find(t); it != ids.end()) f.visible_teams.push_back(it->second);
          }
        }
        auto page = s.store.ListJobs(f);
        if (!page.ok()) return ErrorResponse(page.error());
        std::string body = R"({"jobs":[)";
        for (const auto& j : page->jobs) {
          auto it = names.find(j.team_id);
          const std::string& team = it == names.end() ? std::string() : it->second;
          std::string key = ListKey(j, team);
          auto one = rendered->Get(key);
          if (!one) {
            one = rendered->Put(key, JobService::ToJson(j, team).dump(
                                         -1, ' ', false, json::error_handler_t::replace));
          }
          if (body.back() != '[') body += ',';
          body += *one;
        }
        body += R"(],"nextCursor":)";
        body += page->next_cursor ? std::to_string(page->next_cursor) : "null";
        body += '}';
        return http::Response::Text(200, std::move(body), "application/json");
      });

  routes.Add({.method = "POST",
              .pattern = "/api/v1/jobs",
              .access = Access::Anywhere(Permission::kJobsWrite),
              .summary = "Create a job from a spec (version 1; nothing runs until deploy)",
              .tags = {"jobs"},
              .action = "job.create",
              .target_kind = "job",
              .request = JobBodySchema(false),
              .response = job_ref,
              .success_status = 201,
              .error_statuses = {409, 422}},
             [&jobs, parse, require, with_spec](RequestContext& ctx) {
               JobInput in;
               if (auto refused = parse(ctx, ctx.body, &in)) return std::move(*refused);
               Status allowed = require(ctx, Permission::kJobsWrite, in.team);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               Status refs = jobs.CheckReferences(in);
               if (!refs.ok()) return ErrorResponse(refs.error());
               auto created = jobs.Create(in, ctx.principal.name);
               if (!created.ok()) return ErrorResponse(created.error());
               ctx.audit.details = {{"version", 1}, {"target", in.target}, {"cluster", in.cluster}};
               auto out = with_spec(*created, in.team);
               if (!out.ok()) return ErrorResponse(out.error());
               return http::Response::Json(201, *out);
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "A job: its current spec, intent and status",
              .tags = {"jobs"},
              .response = job_ref},
             [visible, with_spec](RequestContext& ctx) {
               std::string team;
               auto job = visible(ctx, ctx.Param("name"), &team);
               if (!job.ok()) return ErrorResponse(job.error());
               auto out = with_spec(*job, team);
               if (!out.ok()) return ErrorResponse(out.error());
               return http::Response::Json(200, *out);
             });

  routes.Add(
      {.method = "PUT",
       .pattern = "/api/v1/jobs/{name}",
       .access = Access::Anywhere(Permission::kJobsWrite),
       .summary = "Replace a job's spec: a new version (kept for rollback) when anything changed",
       .tags = {"jobs"},
       .action = "job.update",
       .target_kind = "job",
       .target_param = "name",
       .request = JobBodySchema(true),
       .response = job_ref,
       .error_statuses = {409, 422}},
      [&s, &jobs, visible, parse, require, with_spec](RequestContext& ctx) {
        std::string name = ctx.Param("name");
        JobInput in;
        if (auto refused = parse(ctx, ctx.body, &in)) return std::move(*refused);
        if (in.name != name) {
          return ValidationErrorResponse(
              {{"metadata.name", "differs from the name in the path; jobs cannot be renamed"}},
              "the job spec");
        }
        std::string old_team;
        auto current = visible(ctx, name, &old_team);
        if (!current.ok()) return ErrorResponse(current.error());
        Status allowed = require(ctx, Permission::kJobsWrite, old_team);
        if (allowed.ok() && in.team != old_team)
          allowed = require(ctx, Permission::kJobsWrite, in.team);
        if (!allowed.ok()) return ErrorResponse(allowed.error());
        if (current->desired_state == "DELETED") {
          return Refusal(Error{.code = ErrorCode::kAborted,
                               .message = "job " + Quote(name) + " is being deleted",
                               .hint = "create it again once it is gone"});
        }
        Status refs = jobs.CheckReferences(in);
        if (!refs.ok()) return ErrorResponse(refs.error());
        bool unchanged = false;
        int64_t revision = ctx.body["revision"].get<int64_t>();
        auto updated = jobs.Update(*current, in, revision, ctx.principal.name, &unchanged);
        if (!updated.ok()) {
          if (updated.error().code == ErrorCode::kConflict) {
            auto now = s.store.FindJob(name);
            return ConflictResponse(updated.error().message, now.ok() ? now->revision : 0);
          }
          return ErrorResponse(updated.error());
        }
        ctx.audit.details = {
            {"revision", revision}, {"unchanged", unchanged}, {"version", updated->spec_version}};
        auto out = with_spec(*updated, in.team);
        if (!out.ok()) return ErrorResponse(out.error());
        return http::Response::Json(200, *out);
      });

  routes.Add({.method = "DELETE",
              .pattern = "/api/v1/jobs/{name}",
              .access = Access::Anywhere(Permission::kJobsWrite),
              .summary = "Delete a job: 204 when it never ran, else 202 and the reconciler "
                         "stops it and removes what it created",
              .tags = {"jobs"},
              .action = "job.delete",
              .target_kind = "job",
              .target_param = "name",
              .response = job_ref,
              .success_status = 202,
              .query_params = {{"revision", {{"type", "integer"}, {"minimum", 1}}}},
              .error_statuses = {409}},
             [&s, &jobs, visible, require](RequestContext& ctx) {
               std::string name = ctx.Param("name");
               std::string team;
               auto current = visible(ctx, name, &team);
               if (!current.ok()) return ErrorResponse(current.error());
               ctx.audit.team = team;
               Status allowed = require(ctx, Permission::kJobsWrite, team);
               if (!allowed.ok()) return ErrorResponse(allowed.error());
               if (current->desired_state == "DELETED") {
                 return Refusal(Error{.code = ErrorCode::kAborted,
                                      .message = "job " + Quote(name) + " is already being deleted",
                                      .hint = "it disappears once the reconciler has stopped it"});
               }
               bool gone = false;
               int64_t revision = ctx.QueryInt("revision", current->revision);
               auto deleted = jobs.Delete(*current, revision, ctx.principal.name, &gone);
               if (!deleted.ok()) {
                 if (deleted.error().code == ErrorCode::kConflict) {
                   auto now = s.store.FindJob(name);
                   return ConflictResponse(deleted.error().message, now.ok() ? now->revision : 0);
                 }
                 return ErrorResponse(deleted.error());
               }
               ctx.audit.details = {{"immediately", gone}, {"revision", revision}};
               if (gone) {
                 http::Response res;
                 res.status = 204;
                 return res;
               }
               return http::Response::Json(202, JobService::ToJson(*deleted, team));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/versions",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "A job's spec versions, oldest first",
              .tags = {"jobs"},
              .response = {{"type", "object"},
                           {"properties",
                            {{"versions",
                              {{"type", "array"},
                               {"items", {{"$ref", "#/components/schemas/JobVersion"}}}}}}}}},
             [&s, visible](RequestContext& ctx) {
               std::string team;
               auto job = visible(ctx, ctx.Param("name"), &team);
               if (!job.ok()) return ErrorResponse(job.error());
               auto versions = s.store.ListJobVersions(job->id);
               if (!versions.ok()) return ErrorResponse(versions.error());
               json list = json::array();
               for (const auto& v : *versions) {
                 json item = JobService::VersionJson(v, false);
                 item["current"] = v.version == job->spec_version;
                 list.push_back(item);
               }
               return http::Response::Json(200, Array(list, "versions"));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/versions/{version}",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "One spec version of a job",
              .tags = {"jobs"},
              .response = {{"$ref", "#/components/schemas/JobVersion"}},
              .path_params = version_param},
             [&s, visible](RequestContext& ctx) {
               std::string team;
               auto job = visible(ctx, ctx.Param("name"), &team);
               if (!job.ok()) return ErrorResponse(job.error());
               auto v = s.store.GetJobVersion(job->id, ParseInt(ctx.Param("version")).value_or(0));
               if (!v.ok()) return ErrorResponse(v.error());
               return http::Response::Json(200, JobService::VersionJson(*v, true));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/diff",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "What changed between two spec versions, and what the change needs",
              .tags = {"jobs"},
              .response = {{"type", "object"}},
              .query_params = {{"from", {{"type", "integer"}, {"minimum", 1}}},
                               {"to", {{"type", "integer"}, {"minimum", 1}}}}},
             [&s, visible](RequestContext& ctx) {
               std::string team;
               auto job = visible(ctx, ctx.Param("name"), &team);
               if (!job.ok()) return ErrorResponse(job.error());
               int64_t to = ctx.QueryInt("to", job->spec_version);
               int64_t from = ctx.QueryInt("from", std::max<int64_t>(1, to - 1));
               spec::JobSpec specs[2];
               int64_t versions[2] = {from, to};
               for (int i = 0; i < 2; ++i) {
                 auto v = s.store.GetJobVersion(job->id, versions[i]);
                 if (!v.ok()) return ErrorResponse(v.error());
                 auto loaded = spec::LoadJobSpec(v->spec_json, "stored");
                 if (!loaded.ok()) return ErrorResponse(loaded.error());
                 specs[i] = std::move(loaded).value();
               }
               spec::SpecDiff diff = spec::Diff(specs[0], specs[1]);
               json changes = json::array();
               for (const auto& c : diff.changes) {
                 auto value = [](const std::string& text) {
                   json v = json::parse(text, nullptr, false);
                   return text.empty() || v.is_discarded() ? json(nullptr) : v;
                 };
                 changes.push_back({{"path", c.path},
                                    {"old", value(c.old_value)},
                                    {"new", value(c.new_value)},
                                    {"impact", spec::ImpactName(c.impact)}});
               }
               return http::Response::Json(200, {{"from", from},
                                                 {"to", to},
                                                 {"impact", spec::ImpactName(diff.impact)},
                                                 {"changes", changes}});
             });

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/jobs/{name}/events",
       .access = Access::Anywhere(Permission::kJobsRead),
       .summary = "A job's events (transitions and actions), oldest first",
       .tags = {"jobs"},
       .response = {{"type", "object"}},
       .query_params = {{"after", {{"type", "integer"}, {"minimum", 0}}},
                        {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}}},
      [&s, visible](RequestContext& ctx) {
        std::string team;
        auto job = visible(ctx, ctx.Param("name"), &team);
        if (!job.ok()) return ErrorResponse(job.error());
        int limit = static_cast<int>(ctx.QueryInt("limit", 100));
        auto events = s.store.ListJobEvents(job->id, ctx.QueryInt("after", 0), limit);
        if (!events.ok()) return ErrorResponse(events.error());
        json list = json::array();
        for (const auto& e : *events)
          list.push_back(JobService::EventJson(e));
        json out = Array(list, "events");
        out["nextAfter"] =
            static_cast<int>(events->size()) == limit ? json(events->back().id) : json(nullptr);
        return http::Response::Json(200, out);
      });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/savepoints",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "A job's savepoints, from request to disposal, oldest first",
              .tags = {"jobs"},
              .response = {{"type", "object"}}},
             [&s, visible](RequestContext& ctx) {
               std::string team;
               auto job = visible(ctx, ctx.Param("name"), &team);
               if (!job.ok()) return ErrorResponse(job.error());
               auto list = s.store.ListSavepoints(job->id);
               if (!list.ok()) return ErrorResponse(list.error());
               json out = json::array();
               for (const auto& sp : *list)
                 out.push_back(JobService::SavepointJson(sp));
               return http::Response::Json(200, Array(out, "savepoints"));
             });

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/jobs/{name}/lineage",
       .access = Access::Anywhere(Permission::kJobsRead),
       .summary = "Tables and data flow of a SQL job's current version (as sql/lineage)",
       .tags = {"jobs"},
       .response = {{"$ref", "#/components/schemas/SqlLineage"}},
       .error_statuses = {422}},
      [&s, visible](RequestContext& ctx) {
        std::string team;
        auto job = visible(ctx, ctx.Param("name"), &team);
        if (!job.ok()) return ErrorResponse(job.error());
        auto v = s.store.GetJobVersion(job->id, job->spec_version);
        if (!v.ok()) return ErrorResponse(v.error());
        auto spec = spec::LoadJobSpec(v->spec_json, "stored");
        if (!spec.ok()) return ErrorResponse(spec.error());
        if (spec->spec.sql.empty()) {
          return ErrorResponse(FailedPrecondition("job " + Quote(job->name) +
                                                  " has no inline SQL (a JAR job or spec.sqlFile)")
                                   .At("spec.sql"));
        }
        sql::Options options;
        if (auto fv = sql::ParseFlinkVersion(spec->spec.flink_version)) options.version = *fv;
        return http::Response::Json(200, sql::LineageJson(sql::Check(spec->spec.sql, options)));
      });

  for (const std::string& action : JobService::Actions()) {
    routes.Add({.method = "POST",
                .pattern = "/api/v1/jobs/{name}/actions/" + action,
                .access = Access::Anywhere(Permission::kJobsOperate),
                .summary = "Ask for " + action +
                           ": recorded as the job's intent for the reconciler; "
                           "409 when it makes no sense in the job's state",
                .tags = {"jobs"},
                .action = "job." + action,
                .target_kind = "job",
                .target_param = "name",
                .request = ActionBodySchema(action),
                .response = {{"type", "object"},
                             {"properties",
                              {{"job", job_ref},
                               {"savepoint", {{"$ref", "#/components/schemas/Savepoint"}}}}}},
                .success_status = 202,
                .error_statuses = {409, 422},
                .max_body_bytes = 64 << 10},
               [&jobs, action, visible, require](RequestContext& ctx) {
                 std::string name = ctx.Param("name");
                 std::string team;
                 auto job = visible(ctx, name, &team);
                 if (!job.ok()) return ErrorResponse(job.error());
                 ctx.audit.team = team;
                 Status allowed = require(ctx, Permission::kJobsOperate, team);
                 if (!allowed.ok()) return ErrorResponse(allowed.error());
                 ActionRequest r{.action = action,
                                 .with_savepoint = ctx.body.value("withSavepoint", true),
                                 .drain = ctx.body.value("drain", false),
                                 .savepoint_path = ctx.body.value("savepointPath", ""),
                                 .version = ctx.body.value("version", int64_t{0}),
                                 .actor = ctx.principal.name};
                 ctx.audit.details = ctx.body;
                 auto done = jobs.Act(name, r);
                 if (!done.ok()) return Refusal(done.error());
                 json out = {{"job", JobService::ToJson(done->job, team)}};
                 if (done->savepoint) {
                   out["savepoint"] = JobService::SavepointJson(*done->savepoint);
                   ctx.audit.details["triggerId"] = done->savepoint->trigger_id;
                 }
                 return http::Response::Json(202, out);
               });
  }
}

}  // namespace sluice::api
