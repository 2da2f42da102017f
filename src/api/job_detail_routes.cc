// GET /api/v1/jobs/{name}/exceptions|render|logs: what a job's Flink cluster reported,
// what its current version would create, and its JobManager and TaskManager logs. None of
// them changes anything. Exceptions and render need jobs:read in the job's team (viewers);
// logs need jobs:operate there (developers), since logs carry whatever user code prints,
// records included. Jobs a caller may not read answer 404, as in job_routes.cc.
#include <thread>

#include "api/job_logs.h"
#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"
#include "deploy/deployer.h"
#include "spec/flink_config.h"
#include "spec/parse.h"
#include "sql/analyzer.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

struct VisibleJob {
  store::Job job;
  std::string team;
};

// The job if the caller may read it; 404 for the others.
Result<VisibleJob> Visible(ApiServices& s, const RequestContext& ctx) {
  std::string name = ctx.Param("name");
  SLUICE_ASSIGN_OR_RETURN(store::Job job, s.store.FindJob(name));
  std::string team = s.jobs.TeamName(job.team_id);
  bool may = team.empty() ? ctx.principal.CanAnywhere(Permission::kJobsRead)
                          : ctx.principal.CanInTeam(Permission::kJobsRead, team);
  if (!may) return NotFound("job " + Quote(name) + " not found");
  return VisibleJob{std::move(job), std::move(team)};
}

Result<spec::JobSpec> SpecOf(ApiServices& s, const store::Job& job, int64_t version) {
  SLUICE_ASSIGN_OR_RETURN(store::JobVersion v, s.store.GetJobVersion(job.id, version));
  return spec::LoadJobSpec(v.spec_json, "stored");
}

// An exception as stored: objects (Flink's exception history entries: exceptionName,
// stacktrace, timestamp, taskName, location) pass as they are; a bare root-cause text becomes
// {exceptionName: its first line, stacktrace: the text, timestamp: `time` when known}.
json ExceptionEntry(const json& stored, const json& time) {
  if (!stored.is_string()) return stored;
  std::string text = stored.get<std::string>();
  json e = {{"exceptionName", text.substr(0, text.find('\n'))}, {"stacktrace", text}};
  if (!time.is_null()) e["timestamp"] = time;
  return e;
}

// status.exceptions (newest first) when the reconciler keeps a history, else the one
// status.lastException (with status.lastExceptionTime).
json ExceptionsJson(const store::Job& job) {
  json status = json::parse(job.status_json.empty() ? "{}" : job.status_json, nullptr, false);
  if (!status.is_object()) status = json::object();
  json time = status.contains("lastExceptionTime") ? status["lastExceptionTime"] : json(nullptr);
  json last = json(nullptr);
  if (status.contains("lastException") && !status["lastException"].is_null() &&
      status["lastException"] != "") {
    last = ExceptionEntry(status["lastException"], time);
  }
  json list = json::array();
  if (status.contains("exceptions") && status["exceptions"].is_array()) {
    for (const auto& e : status["exceptions"])
      list.push_back(ExceptionEntry(e, nullptr));
  } else if (!last.is_null()) {
    list.push_back(last);
  }
  return {{"job", job.name},
          {"state", job.state},
          {"lastException", last},
          {"exceptions", list},
          {"observedAt", status.contains("observedAt") ? status["observedAt"] : json(nullptr)}};
}

// A script with the values of secret options ('password' = '...') masked, the rest as it was.
std::string MaskedScript(const std::string& script) {
  sql::CheckResult result = sql::Check(script);
  std::string out = result.script();
  for (auto it = result.statements.rbegin(); it != result.statements.rend(); ++it) {
    size_t at = static_cast<size_t>(it->text.data() - result.script().data());
    if (it->text.empty() || at > out.size()) continue;
    out.replace(at, it->text.size(), sql::RedactedText(result, *it));
  }
  return out;
}

// Rendered::ToJson masks Secrets and Flink configuration; the SQL script a ConfigMap
// carries (script.sql) may hold connector passwords too.
void MaskScripts(nlohmann::ordered_json& rendered) {
  for (auto& o : rendered["objects"]) {
    if (o.value("kind", "") != "ConfigMap" || !o.contains("data")) continue;
    for (auto& [key, value] : o["data"].items()) {
      if (key.ends_with(".sql") && value.is_string()) value = MaskedScript(value);
    }
  }
}

bool IsKubernetes(spec::Target t) {
  return t == spec::Target::kKubernetesApplication || t == spec::Target::kKubernetesSession ||
         t == spec::Target::kOperator;
}

// Writes the pods' logs on a thread of its own (a follow may last hours; the server's
// threads must not wait on it), then closes the stream. Several pods: each after a header.
void StreamLogs(std::shared_ptr<JobLogSource> source, LogTarget target, LogQuery query,
                std::vector<std::string> pods, std::shared_ptr<http::StreamWriter> writer) {
  std::thread([source = std::move(source), target = std::move(target), query = std::move(query),
               pods = std::move(pods), writer = std::move(writer)] {
    for (const auto& pod : pods) {
      if (pods.size() > 1 && !writer->Write("==> pod " + pod + " <==\n")) break;
      Status st = source->Stream(target, pod, query, [&writer](std::string_view data) {
        return writer->Write(std::string(data));
      });
      if (!st.ok()) {
        writer->Write("\nsluice: the log of pod " + pod + " ended: " + st.error().message + "\n");
      }
      if (writer->closed()) break;
    }
    writer->Close();
  }).detach();
}

// What the job's `version` would create on its target (`sluice render -o json`), secrets
// and connector passwords in scripts masked: {target, objects | argv, warnings}. Shared by
// GET /jobs/{name}/render and POST /render (a draft).
Result<nlohmann::ordered_json> RenderedJson(const spec::JobSpec& job_spec, int64_t version) {
  spec::Target target = job_spec.spec.target.value_or(spec::Target::kKubernetesApplication);
  auto request = deploy::MakeRequest(job_spec, std::to_string(version));
  if (!request.ok()) return FailedPrecondition(request.error().message);
  auto rendered = deploy::RenderWithoutCluster(target, *request);
  if (!rendered.ok()) {
    Error e = rendered.error();
    e.code = ErrorCode::kFailedPrecondition;
    return e;
  }
  nlohmann::ordered_json out = rendered->ToJson(/*mask_secrets=*/true);
  MaskScripts(out);
  out["target"] = std::string(spec::TargetName(target));
  return out;
}

// POST /api/v1/render: the dry run of a draft spec, before it is saved. It needs what
// creating the job needs (jobs:write in the spec's team, a cluster that team may use), so a
// viewer cannot use it to probe clusters; it stores nothing and is audited only when denied.
void AddDraftRenderRoute(ApiRoutes& routes, ApiServices& s, const json& render_answer) {
  routes.Add(
      {.method = "POST",
       .pattern = "/api/v1/render",
       .access = Access::Anywhere(Permission::kJobsWrite),
       .summary = "Dry run of a draft job spec (the body of POST /api/v1/jobs): what it would "
                  "create, as GET /api/v1/jobs/{name}/render answers; nothing is stored",
       .tags = {"jobs"},
       .action = "job.render",
       .target_kind = "job",
       .request = JobBodySchema(false),
       .response = render_answer,
       .error_statuses = {422},
       .read_only = true},
      [&s](RequestContext& ctx) {
        std::vector<SchemaError> problems;
        auto in = JobService::Parse(ctx.body, &problems);
        if (!in.ok()) return ValidationErrorResponse(problems, "the job spec");
        ctx.audit.target_name = in->name;
        ctx.audit.team = in->team;
        Status allowed = in->team.empty() ? ctx.RequireGlobally(Permission::kJobsWrite)
                                          : ctx.RequireInTeam(Permission::kJobsWrite, in->team);
        if (!allowed.ok()) return ErrorResponse(allowed.error());
        Status refs = s.jobs.CheckReferences(*in);
        if (!refs.ok()) return ErrorResponse(refs.error());
        // The version it would become: the next of the same team's job of that name, else 1.
        int64_t version = 1;
        if (auto existing = s.store.FindJob(in->name);
            existing.ok() && s.jobs.TeamName(existing->team_id) == in->team) {
          version = existing->spec_version + 1;
        }
        auto out = RenderedJson(in->spec, version);
        if (!out.ok()) return ErrorResponse(out.error());
        return http::Response::Text(200, out->dump(), "application/json");
      });
}

}  // namespace

void AddJobDetailRoutes(ApiRoutes& routes, ApiServices& s) {
  const json render_answer = {
      {"type", "object"},
      {"properties",
       {{"version", {{"type", "integer"}, {"description", "the spec version rendered (GET only)"}}},
        {"target", {{"type", "string"}}},
        {"objects", {{"type", "array"}, {"items", {{"type", "object"}}}}},
        {"argv", {{"type", "array"}, {"items", {{"type", "string"}}}}},
        {"warnings", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/exceptions",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "The exceptions Flink reported for the job, as the reconciler last stored "
                         "them (status.exceptions, newest first, else status.lastException)",
              .tags = {"jobs"},
              .response = {{"type", "object"},
                           {"properties",
                            {{"job", {{"type", "string"}}},
                             {"state", {{"type", "string"}}},
                             {"lastException", {{"type", "object"}, {"nullable", true}}},
                             {"exceptions", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                             {"observedAt", {{"nullable", true}}}}}}},
             [&s](RequestContext& ctx) {
               auto v = Visible(s, ctx);
               if (!v.ok()) return ErrorResponse(v.error());
               return http::Response::Json(200, ExceptionsJson(v->job));
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/jobs/{name}/render",
              .access = Access::Anywhere(Permission::kJobsRead),
              .summary = "Dry run: every object (or, for CLI targets, the argv) the job's version "
                         "would create, as `sluice render -o json` prints it; secrets masked",
              .tags = {"jobs"},
              .response = render_answer,
              .query_params = {{"version",
                                {{"type", "integer"},
                                 {"minimum", 1},
                                 {"description", "a spec version; default: the current one"}}}},
              .error_statuses = {422}},
             [&s](RequestContext& ctx) {
               auto v = Visible(s, ctx);
               if (!v.ok()) return ErrorResponse(v.error());
               int64_t version = ctx.QueryInt("version", v->job.spec_version);
               auto job_spec = SpecOf(s, v->job, version);
               if (!job_spec.ok()) return ErrorResponse(job_spec.error());
               auto out = RenderedJson(*job_spec, version);
               if (!out.ok()) return ErrorResponse(out.error());
               (*out)["version"] = version;
               return http::Response::Text(200, out->dump(), "application/json");
             });

  AddDraftRenderRoute(routes, s, render_answer);

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/jobs/{name}/logs",
       .access = Access::Anywhere(Permission::kJobsOperate),
       .summary = "JobManager or TaskManager logs of a job on a Kubernetes target, streamed "
                  "as text (chunked); several pods one after another, each after a header",
       .tags = {"jobs"},
       .response = {{"type", "string"}},
       .query_params =
           {{"component", {{"type", "string"}, {"enum", {"jobmanager", "taskmanager"}}}},
            {"pod", {{"type", "string"}, {"format", "name"}}},
            {"follow",
             {{"type", "boolean"},
              {"description", "keep streaming; reads one pod (?pod=, else the first by name)"}}},
            {"tailLines", {{"type", "integer"}, {"minimum", 1}, {"maximum", 100000}}}},
       .error_statuses = {422, 503},
       .media_type = "text/plain"},
      [&s](RequestContext& ctx) {
        auto v = Visible(s, ctx);
        if (!v.ok()) return ErrorResponse(v.error());
        Status allowed = v->team.empty() ? ctx.RequireGlobally(Permission::kJobsOperate)
                                         : ctx.RequireInTeam(Permission::kJobsOperate, v->team);
        if (!allowed.ok()) return ErrorResponse(allowed.error());
        auto job_spec = SpecOf(s, v->job, v->job.spec_version);
        if (!job_spec.ok()) return ErrorResponse(job_spec.error());
        spec::Target t = job_spec->spec.target.value_or(spec::Target::kKubernetesApplication);
        if (!IsKubernetes(t)) {
          return ErrorResponse(
              FailedPrecondition("logs are read from Kubernetes; job " + Quote(v->job.name) +
                                 " runs on target " + std::string(spec::TargetName(t)))
                  .At("spec.target")
                  .Hint("read them where the target keeps them (YARN: yarn logs)"));
        }
        std::shared_ptr<JobLogSource> source = s.logs.Get();
        if (!source) {
          return http::Response::Error(503, "unavailable",
                                       "this server has no log source for Kubernetes clusters",
                                       {{"hint", "see the cluster's pods with kubectl logs"}});
        }
        LogTarget target{
            .cluster = job_spec->spec.cluster,
            .namespace_ = job_spec->spec.namespace_.empty() ? "default" : job_spec->spec.namespace_,
            .cluster_id = spec::ClusterId(*job_spec)};
        LogQuery query{.component = ctx.Query("component").value_or("jobmanager"),
                       .pod = ctx.Query("pod").value_or(""),
                       .follow = ctx.Query("follow").value_or("false") == "true"};
        if (auto n = ctx.Query("tailLines")) query.tail_lines = ParseInt(*n);
        auto pods = source->Pods(target, query);
        if (!pods.ok()) return ErrorResponse(pods.error());
        if (query.follow) pods->resize(1);
        http::Response res;
        res.headers["Content-Type"] = "text/plain; charset=utf-8";
        res.headers["X-Accel-Buffering"] = "no";
        res.stream = [source, target, query,
                      pods = std::move(pods).value()](std::shared_ptr<http::StreamWriter> w) {
          StreamLogs(source, target, query, pods, std::move(w));
        };
        return res;
      });
}

}  // namespace sluice::api
