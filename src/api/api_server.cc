#include "api/api_server.h"

#include "api/openapi.h"
#include "api/routes.h"
#include "api/static_files.h"
#include "api/system_routes.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/time.h"

namespace sluice::api {
namespace {

metrics::Family<metrics::Counter>& RequestCounter() {
  static auto& f = metrics::Registry::Default().AddCounter(
      "sluice_http_requests_total", "HTTP requests by route, method and status.",
      {"route", "method", "status"});
  return f;
}

metrics::HistogramFamily& RequestLatency() {
  static auto& f = metrics::Registry::Default().AddHistogram("sluice_http_request_duration_seconds",
                                                             "HTTP request latency by route.",
                                                             {"route", "method"});
  return f;
}

}  // namespace

ApiServer::ApiServer(ApiOptions options, store::Store& store)
    : options_(std::move(options)), store_(store) {}

ApiServer::~ApiServer() {
  Shutdown(std::chrono::seconds(5));
}

void ApiServer::Shutdown(std::chrono::milliseconds grace) {
  if (server_) server_->Shutdown(grace);
  if (events_) events_->Stop();
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(ApiOptions options, store::Store& store) {
  if (!options.secret_box) return Internal("ApiServer needs a secret box for cluster secrets");
  if (!options.clock) options.clock = [] { return NowMillis(); };
  std::unique_ptr<ApiServer> api(new ApiServer(std::move(options), store));
  ApiServer& a = *api;
  const Clock& clock = a.options_.clock;
  a.authenticator_ = std::make_unique<Authenticator>(store, a.options_.auth, clock);
  a.auth_ = std::make_unique<AuthService>(store, *a.authenticator_, a.options_.auth, clock);
  a.audit_ = std::make_unique<AuditLog>(store);
  a.users_ = std::make_unique<UserService>(store, a.options_.auth);
  a.clusters_ = std::make_unique<ClusterService>(store, a.options_.secret_box);
  a.events_ = std::make_unique<EventHub>(store, a.options_.events, clock);
  a.jobs_ = std::make_unique<JobService>(store);
  a.jobs_->SetIntentNotifier(a.options_.on_intent);
  a.services_ = std::unique_ptr<ApiServices>(
      new ApiServices{store, a.options_.auth, clock, *a.authenticator_, *a.auth_, *a.audit_,
                      *a.users_, *a.clusters_, *a.events_, *a.jobs_, a.logs_});
  a.routes_ = std::make_unique<ApiRoutes>(a.router_, *a.services_);

  ApiRoutes& routes = *a.routes_;
  AddSystemRoutes(routes, store);
  AddAuthRoutes(routes, *a.services_);
  AddUserRoutes(routes, *a.services_);
  AddTeamRoutes(routes, *a.services_);
  AddClusterRoutes(routes, *a.services_);
  AddAuditRoutes(routes, *a.services_);
  AddEventRoutes(routes, *a.services_);
  AddSqlRoutes(routes, *a.services_);
  AddJobRoutes(routes, *a.services_);
  AddJobDetailRoutes(routes, *a.services_);
  AddFlinkRoutes(routes, *a.services_);
  // Last, so that it describes every route above.
  routes.Add(
      {.method = "GET",
       .pattern = "/api/v1/openapi.json",
       .access = Access::Public(),
       .summary = "This API as an OpenAPI 3 document",
       .tags = {"system"},
       .response = {{"type", "object"}}},
      [&routes](RequestContext&) { return http::Response::Json(200, BuildOpenApi(routes)); });

  a.router_.SetFallback([root = a.options_.web_dir](http::Request& req) {
    req.route = "static";
    return ServeStatic(root, req);
  });
  SLUICE_RETURN_IF_ERROR(a.events_->Start());
  http::ServerOptions server_options = a.options_.server;
  ApiServer* self = api.get();
  server_options.on_complete = [self](const http::Request& req, int status, size_t bytes,
                                      double secs) { self->OnComplete(req, status, bytes, secs); };
  SLUICE_ASSIGN_OR_RETURN(
      a.server_, http::Server::Start(std::move(server_options),
                                     [self](http::Request& req) { return self->Handle(req); }));
  return api;
}

http::Response ApiServer::Handle(http::Request& req) {
  http::Response res = router_.Dispatch(req);
  res.headers.emplace("X-Content-Type-Options", "nosniff");
  return res;
}

void ApiServer::OnComplete(const http::Request& req, int status, size_t bytes, double seconds) {
  // Unmatched paths share one label so that scanners cannot grow the series without bound.
  std::string route = req.route.empty() ? "unmatched" : req.route;
  RequestCounter().With({route, req.method, std::to_string(status)}).Inc();
  RequestLatency().With({route, req.method}).Observe(seconds);
  log::Info("http.request")
      .With("request_id", req.request_id)
      .With("method", req.method)
      .With("path", req.path)
      .With("status", status)
      .With("bytes", bytes)
      .With("duration_ms", static_cast<int64_t>(seconds * 1e6) / 1e3)
      .With("remote", req.remote_address);
}

}  // namespace sluice::api
