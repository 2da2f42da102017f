// /api/v1/audit: the audit log, newest first. Global administrators see everything; team
// administrators (audit:read in a team) see the entries of their teams.
#include <ctime>

#include "api/responses.h"
#include "api/routes.h"
#include "api/views.h"
#include "common/strings.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

// RFC 3339 (already checked by the schema) to Unix milliseconds.
int64_t ParseTime(const std::string& s) {
  std::tm tm{};
  int millis = 0;
  std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    int digits = 0;
    for (++pos; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos) {
      if (digits++ < 3) millis = millis * 10 + (s[pos] - '0');
    }
    for (; digits < 3; ++digits)
      millis *= 10;
  }
  int64_t offset = 0;
  if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int h = 0, m = 0;
    std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &h, &m);
    offset = (s[pos] == '+' ? 1 : -1) * (h * 3600 + m * 60);
  }
  return (static_cast<int64_t>(timegm(&tm)) - offset) * 1000 + millis;
}

}  // namespace

void AddAuditRoutes(ApiRoutes& routes, ApiServices& s) {
  json name = {{"type", "string"}, {"maxLength", 200}};
  json time = {{"type", "string"}, {"format", "date-time"}};
  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/audit",
       .access = Access::Anywhere(Permission::kAuditRead),
       .summary = "The audit log, newest first, with filters and a cursor",
       .tags = {"audit"},
       .response = {{"type", "object"},
                    {"properties",
                     {{"entries", {{"type", "array"}, {"items", {{"type", "object"}}}}},
                      {"nextCursor",
                       {{"type", "integer"},
                        {"nullable", true},
                        {"description", "pass as cursor for the next page"}}}}}},
       .query_params = {{"actor", name},
                        {"action",
                         {{"type", "string"},
                          {"maxLength", 200},
                          {"description", "exact, or a prefix ending in '*' (cluster.*)"}}},
                        {"targetKind", name},
                        {"targetName", name},
                        {"team", name},
                        {"result",
                         {{"type", "string"}, {"enum", {"success", "denied", "failure"}}}},
                        {"since", time},
                        {"until", time},
                        {"cursor", {{"type", "integer"}, {"minimum", 1}}},
                        {"limit", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}}}}},
      [&s](RequestContext& ctx) {
        store::AuditFilter f;
        f.actor = ctx.Query("actor").value_or("");
        std::string action = ctx.Query("action").value_or("");
        if (action.ends_with("*")) {
          f.action_prefix = action.substr(0, action.size() - 1);
        } else {
          f.action = action;
        }
        f.target_kind = ctx.Query("targetKind").value_or("");
        f.target_name = ctx.Query("targetName").value_or("");
        f.team = ctx.Query("team").value_or("");
        f.result = ctx.Query("result").value_or("");
        if (auto v = ctx.Query("since")) f.since = ParseTime(*v);
        if (auto v = ctx.Query("until")) f.until = ParseTime(*v);
        f.before_id = ctx.QueryInt("cursor", 0);
        f.limit = static_cast<int>(ctx.QueryInt("limit", 50));
        if (!ctx.principal.CanGlobally(Permission::kAuditRead)) {
          f.teams_only = ctx.principal.TeamsWith(Permission::kAuditRead);
          if (!f.team.empty()) {
            Status st = ctx.RequireInTeam(Permission::kAuditRead, f.team);
            if (!st.ok()) return ErrorResponse(st.error());
          }
        }
        auto page = s.store.ListAudit(f);
        if (!page.ok()) return ErrorResponse(page.error());
        json entries = json::array();
        for (const auto& e : page->entries)
          entries.push_back(AuditJson(e));
        return http::Response::Json(
            200, {{"entries", entries},
                  {"nextCursor", page->next_cursor ? json(page->next_cursor) : json(nullptr)}});
      });
}

}  // namespace sluice::api
