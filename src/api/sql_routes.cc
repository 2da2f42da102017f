// /api/v1/sql/check|lineage|format: the SQL analyzer on a script sent in the body. The
// answers are the very objects `sluice sql check --json` and `sluice sql lineage --json`
// print (sql::CheckJson, sql::LineageJson). Pure functions of the body: nothing is stored,
// nothing audited beyond denied attempts. They need sql:use in some team, which every role
// has (viewers read a job's SQL with its diagnostics); a token scoped without sql:use, or a
// user in no team, may not call them.
#include "api/render_cache.h"
#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"
#include "sql/analyzer.h"
#include "sql/check_cache.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

// A script is at most this large over the API; the editor calls these on every keystroke.
constexpr size_t kMaxSqlBody = size_t{2} << 20;

json SqlBodySchema() {
  return {{"type", "object"},
          {"additionalProperties", false},
          {"required", {"sql"}},
          {"properties",
           {{"sql", {{"type", "string"}, {"description", "the script, statements separated by ;"}}},
            {"flinkVersion",
             {{"type", "string"},
              {"description",
               "the Flink release whose grammar applies (1.17 ... 2.4; default: "
               "the newest)"}}}}}};
}

// The analyzer's options from the body; 422 for a Flink version the analyzer does not know.
Result<sql::Options> OptionsFrom(const json& body) {
  sql::Options options;
  std::string version = body.value("flinkVersion", "");
  if (version.empty()) return options;
  std::optional<sql::FlinkVersion> v = sql::ParseFlinkVersion(version);
  if (!v) {
    return FailedPrecondition("unknown Flink version " + Quote(version))
        .At("flinkVersion")
        .Hint("known versions: " + std::string(sql::KnownFlinkVersions()));
  }
  options.version = *v;
  return options;
}

http::Response Unprocessable(const Error& e) {
  json details = {{"where", e.where}};
  if (!e.hint.empty()) details["hint"] = e.hint;
  return http::Response::Error(422, "unprocessable", e.message, details);
}

// The editor sends the same script again and again (each tab, each reload, undo): answers
// are kept by route, Flink version and script, up to 16 MiB.
std::shared_ptr<RenderCache> AnswerCache() {
  return std::make_shared<RenderCache>(size_t{16} << 20);
}

// The editor sends the whole script on each keystroke, nearly all of it unchanged: the
// results of each statement are kept (up to 32 MiB), only edited ones are analyzed again.
std::shared_ptr<sql::CheckCache> StatementCache() {
  return std::make_shared<sql::CheckCache>(size_t{32} << 20);
}

const std::string& Script(const json& body) {
  return body["sql"].get_ref<const std::string&>();
}

// The cached answer for the body, or `analyze(sql, options)` (the answer's text) kept.
template <typename Fn>
http::Response Cached(RenderCache& cache, const json& body, Fn analyze) {
  std::string key = body.value("flinkVersion", "") + '\n' + Script(body);
  if (auto hit = cache.Get(key)) return http::Response::Text(200, *hit, "application/json");
  auto options = OptionsFrom(body);
  if (!options.ok()) return Unprocessable(options.error());
  Result<std::string> answer = analyze(Script(body), *options);
  if (!answer.ok()) return Unprocessable(answer.error());
  auto text = cache.Put(key, std::move(answer).value());
  return http::Response::Text(200, *text, "application/json");
}

std::string Dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

RouteSpec SqlRoute(const std::string& what, const std::string& summary, json response) {
  return {.method = "POST",
          .pattern = "/api/v1/sql/" + what,
          .access = Access::Anywhere(Permission::kSqlUse),
          .summary = summary,
          .tags = {"sql"},
          .action = "sql." + what,
          .request = SqlBodySchema(),
          .response = std::move(response),
          .error_statuses = {413, 422},
          .max_body_bytes = kMaxSqlBody,
          .read_only = true};
}

}  // namespace

void AddSqlRoutes(ApiRoutes& routes, ApiServices&) {
  routes.AddSchema("SqlCheck", {{"type", "object"},
                                {"description",
                                 "what `sluice sql check --json` prints: statements, diagnostics "
                                 "(severity, code, message, line, column), SET options, tables, "
                                 "connectors"}});
  routes.AddSchema("SqlLineage", {{"type", "object"},
                                  {"description",
                                   "what `sluice sql lineage --json` prints: tables (secret "
                                   "options masked) and the edges between them"}});

  routes.Add(SqlRoute("check", "Check a Flink SQL script as Flink's parser would",
                      {{"$ref", "#/components/schemas/SqlCheck"}}),
             [cache = AnswerCache(), statements = StatementCache()](RequestContext& ctx) {
               return Cached(*cache, ctx.body,
                             [&](const std::string& script,
                                 const sql::Options& options) -> Result<std::string> {
                               return statements->CheckJsonText(script, options);
                             });
             });

  routes.Add(SqlRoute("lineage", "Tables of a script and which statements move data",
                      {{"$ref", "#/components/schemas/SqlLineage"}}),
             [cache = AnswerCache()](RequestContext& ctx) {
               return Cached(*cache, ctx.body,
                             [](const std::string& script,
                                const sql::Options& options) -> Result<std::string> {
                               return Dump(sql::LineageJson(sql::Check(script, options)));
                             });
             });

  routes.Add(
      SqlRoute("format", "The script in one canonical layout",
               {{"type", "object"}, {"properties", {{"sql", {{"type", "string"}}}}}}),
      [cache = AnswerCache()](RequestContext& ctx) {
        return Cached(
            *cache, ctx.body,
            [](const std::string& script, const sql::Options& options) -> Result<std::string> {
              SLUICE_ASSIGN_OR_RETURN(std::string formatted, sql::Format(script, options));
              return Dump(json{{"sql", formatted}});
            });
      });
}

}  // namespace sluice::api
