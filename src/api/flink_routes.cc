// GET /api/v1/flink/options?version=: the Flink option catalog of a version (flinkconf/),
// for the editor's completion and checks of option keys. Any signed-in user may read it. The
// catalogs are compiled in, so each answer is serialized once per catalog and served from
// memory with an ETag; If-None-Match answers 304.
#include <functional>
#include <map>
#include <mutex>

#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"
#include "flinkconf/catalog.h"
#include "sql/version.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

struct CatalogAnswer {
  std::string body;  // the JSON array
  std::string etag;  // quoted
  std::string catalog_version;
};

json OptionJson(const flinkconf::Option& o) {
  json j = {{"key", o.key},
            {"type", o.type_name},
            {"default", o.default_value.empty() ? json(nullptr) : json(o.default_value)},
            {"description", o.description}};
  if (!o.values.empty()) j["values"] = o.values;
  if (!o.deprecated_keys.empty()) j["deprecatedKeys"] = o.deprecated_keys;
  if (!o.since.empty()) j["since"] = o.since;
  if (o.pattern) j["pattern"] = true;
  return j;
}

// The serialized catalog, made on first use and kept for the life of the process.
std::shared_ptr<const CatalogAnswer> AnswerFor(const flinkconf::Catalog& catalog) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const CatalogAnswer>> answers;
  std::lock_guard lock(mu);
  auto& slot = answers[catalog.version()];
  if (!slot) {
    json list = json::array();
    for (const auto& o : catalog.options())
      list.push_back(OptionJson(o));
    auto answer = std::make_shared<CatalogAnswer>();
    answer->body = list.dump();
    char hash[17];
    snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(answer->body));
    answer->etag = "\"flink-" + catalog.version() + "-" + hash + "\"";
    answer->catalog_version = catalog.version();
    slot = std::move(answer);
  }
  return slot;
}

bool EtagMatches(const std::string& if_none_match, const std::string& etag) {
  if (Trim(if_none_match) == "*") return true;
  for (const auto& part : Split(if_none_match, ',')) {
    std::string tag(Trim(part));
    if (tag.starts_with("W/")) tag = tag.substr(2);
    if (tag == etag) return true;
  }
  return false;
}

}  // namespace

void AddFlinkRoutes(ApiRoutes& routes, ApiServices&) {
  routes.AddSchema("FlinkOption",
                   {{"type", "object"},
                    {"properties",
                     {{"key",
                       {{"type", "string"},
                        {"description", "may hold placeholders: metrics.reporter.<name>.port"}}},
                      {"type",
                       {{"type", "string"},
                        {"description",
                         "as Flink documents it: Duration, MemorySize, Enum, "
                         "List<String>, ..."}}},
                      {"default", {{"type", "string"}, {"nullable", true}}},
                      {"description", {{"type", "string"}}},
                      {"values", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"deprecatedKeys", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"since", {{"type", "string"}}},
                      {"pattern", {{"type", "boolean"}}}}}});

  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/flink/options",
       .access = Access::Authenticated(),
       .summary = "The Flink configuration options of a Flink version (its catalog; a version "
                  "without a catalog of its own gets the one that stands in for it, named in "
                  "the X-Sluice-Catalog-Version header)",
       .tags = {"flink"},
       .response = {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/FlinkOption"}}}},
       .query_params = {{"version",
                         {{"type", "string"},
                          {"maxLength", 32},
                          {"description",
                           "1.17 ... 2.4 (a patch level is ignored); default: "
                           "the newest catalog"}}}},
       .error_statuses = {404}},
      [](RequestContext& ctx) {
        std::string version = ctx.Query("version").value_or("");
        const flinkconf::Catalog* catalog = &flinkconf::NewestCatalog();
        if (!version.empty()) {
          auto choice = flinkconf::CatalogFor(version);
          if (!sql::ParseFlinkVersion(version) || !choice.ok()) {
            return http::Response::Error(
                404, "not_found", "there is no Flink version " + Quote(version),
                {{"where", "version"},
                 {"hint", "known versions: " + std::string(sql::KnownFlinkVersions())}});
          }
          catalog = choice->catalog;
        }
        auto answer = AnswerFor(*catalog);
        http::Response res;
        if (auto inm = ctx.req.Header("If-None-Match");
            !inm.empty() && EtagMatches(inm, answer->etag)) {
          res.status = 304;
        } else {
          res = http::Response::Text(200, answer->body, "application/json");
        }
        res.headers["ETag"] = answer->etag;
        res.headers["Cache-Control"] = "private, max-age=3600";
        res.headers["X-Sluice-Catalog-Version"] = answer->catalog_version;
        return res;
      });
}

}  // namespace sluice::api
