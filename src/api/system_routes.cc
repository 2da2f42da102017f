#include "api/system_routes.h"

#include <unistd.h>

#include <fstream>

#include "common/build_info.h"
#include "common/metrics.h"
#include "store/migrations.h"

namespace sluice::api {
namespace {

// Process figures Prometheus users expect, read at scrape time.
void UpdateProcessMetrics() {
  auto& registry = metrics::Registry::Default();
  std::ifstream stat("/proc/self/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  size_t close = content.rfind(')');
  if (close == std::string::npos) return;
  std::istringstream fields(content.substr(close + 2));
  std::vector<std::string> f((std::istream_iterator<std::string>(fields)),
                             std::istream_iterator<std::string>());
  if (f.size() < 22) return;
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  registry.AddGauge("process_cpu_seconds_total", "User and system CPU time spent, in seconds.")
      .With({})
      .Set((std::stod(f[11]) + std::stod(f[12])) / ticks);
  registry.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.")
      .With({})
      .Set(std::stod(f[21]) * page);
  registry.AddGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.")
      .With({})
      .Set(std::stod(f[20]));
}

}  // namespace

void AddSystemRoutes(ApiRoutes& routes, store::Store& store) {
  metrics::Registry::Default()
      .AddGauge("sluice_build_info", "Version and commit of this binary.", {"version", "commit"})
      .With({kVersion, kGitCommit})
      .Set(1);

  routes.Add({.method = "GET",
              .pattern = "/healthz",
              .access = Access::Public(),
              .summary = "Liveness: the process serves requests",
              .tags = {"system"},
              .response = {{"type", "object"}}},
             [](RequestContext&) {
               return http::Response::Json(200, {{"status", "ok"}});
             });

  routes.Add({.method = "GET",
              .pattern = "/readyz",
              .access = Access::Public(),
              .summary = "Readiness: the database is reachable and migrated",
              .tags = {"system"},
              .response = {{"type", "object"}},
              .error_statuses = {503}},
             [&store](RequestContext&) {
               Status ping = store.Ping();
               if (!ping.ok()) {
                 return http::Response::Error(503, "not_ready",
                                              "database unreachable: " + ping.error().message);
               }
               auto version = store.SchemaVersion();
               if (!version.ok() || *version != store::LatestSchemaVersion()) {
                 return http::Response::Error(503, "not_ready", "database schema is not migrated",
                                              {{"expected", store::LatestSchemaVersion()},
                                               {"found", version.ok() ? *version : -1}});
               }
               return http::Response::Json(200, {{"status", "ready"}, {"schemaVersion", *version}});
             });

  routes.Add({.method = "GET",
              .pattern = "/metrics",
              .access = Access::Public(),
              .summary = "Prometheus metrics (text exposition format)",
              .tags = {"system"}},
             [](RequestContext&) {
               UpdateProcessMetrics();
               return http::Response::Text(200, metrics::Registry::Default().Render(),
                                           "text/plain; version=0.0.4; charset=utf-8");
             });

  routes.Add({.method = "GET",
              .pattern = "/api/v1/version",
              .access = Access::Public(),
              .summary = "Version and commit of the server, and its schema version",
              .tags = {"system"},
              .response = {{"type", "object"},
                           {"properties",
                            {{"version", {{"type", "string"}}},
                             {"commit", {{"type", "string"}}},
                             {"schemaVersion", {{"type", "integer"}}}}}}},
             [](RequestContext&) {
               return http::Response::Json(200, {{"version", kVersion},
                                                 {"commit", kGitCommit},
                                                 {"schemaVersion", store::LatestSchemaVersion()}});
             });
}

}  // namespace sluice::api
