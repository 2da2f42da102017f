// /api/v1/events: live job events as server-sent events (see event_hub.h).
#include "api/event_hub.h"
#include "api/responses.h"
#include "api/routes.h"
#include "common/strings.h"

namespace sluice::api {

void AddEventRoutes(ApiRoutes& routes, ApiServices& s) {
  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/events",
       .access = Access::Anywhere(Permission::kJobsRead),
       .summary = "Job state changes and events as server-sent events (event: job-event, id: the "
                  "event id). Resume with the Last-Event-ID header or lastEventId; comments are "
                  "heartbeats",
       .tags = {"events"},
       .query_params =
           {{"lastEventId",
             {{"type", "integer"}, {"minimum", 0}, {"description", "resume after this event id"}}}},
       .event_stream = true},
      [&s](RequestContext& ctx) {
        int64_t last = ctx.QueryInt("lastEventId", -1);
        std::string header(Trim(ctx.req.Header("Last-Event-ID")));
        if (!header.empty()) {
          auto id = ParseInt(header);
          if (!id || *id < 0) {
            return ValidationErrorResponse(
                {{"header.Last-Event-ID", "must be an event id (a whole number)"}});
          }
          last = *id;
        }
        Principal principal = ctx.principal;
        // To check the credentials again at heartbeats: only what authenticates.
        http::Request credentials;
        for (const char* h : {"Authorization", "Cookie"}) {
          if (!ctx.req.Header(h).empty()) credentials.headers[h] = ctx.req.Header(h);
        }
        http::Response res;
        res.status = 200;
        res.headers["Content-Type"] = "text/event-stream";
        res.headers["X-Accel-Buffering"] = "no";
        res.stream = [&s, principal, credentials,
                      last](std::shared_ptr<http::StreamWriter> writer) {
          EventHub::Subscriber sub;
          sub.writer = writer;
          sub.last_event_id = last;
          sub.may_read = [principal](const std::string& team) {
            return team.empty() ? principal.CanAnywhere(Permission::kJobsRead)
                                : principal.CanInTeam(Permission::kJobsRead, team);
          };
          Authenticator* auth = &s.authenticator;
          sub.still_valid = [auth, credentials] {
            auto p = auth->Authenticate(credentials);
            return p.ok() && p->authenticated();
          };
          uint64_t id = s.events.Subscribe(std::move(sub));
          if (id) {
            EventHub* hub = &s.events;
            writer->OnClose([hub, id] { hub->Unsubscribe(id); });
          }
        };
        return res;
      });
}

}  // namespace sluice::api
