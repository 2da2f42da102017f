#include "api/api_server.h"

#include "api/static_files.h"
#include "api/system_routes.h"
#include "common/log.h"
#include "common/metrics.h"

namespace sluice::api {
namespace {

metrics::Family<metrics::Counter>& RequestCounter() {
  static auto& f = metrics::Registry::Default().AddCounter(
      "sluice_http_requests_total", "HTTP requests by route, method and status.",
      {"route", "method", "status"});
  return f;
}

metrics::HistogramFamily& RequestLatency() {
  static auto& f = metrics::Registry::Default().AddHistogram(
      "sluice_http_request_duration_seconds", "HTTP request latency by route.", {"route", "method"});
  return f;
}

}  // namespace

ApiServer::ApiServer(ApiOptions options, store::Store& store)
    : options_(std::move(options)), store_(store) {}

ApiServer::~ApiServer() {
  if (server_) server_->Shutdown(std::chrono::seconds(5));
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(ApiOptions options, store::Store& store) {
  std::unique_ptr<ApiServer> api(new ApiServer(std::move(options), store));
  AddSystemRoutes(api->router_, store);
  api->router_.SetFallback([root = api->options_.web_dir](http::Request& req) {
    req.route = "static";
    return ServeStatic(root, req);
  });
  http::ServerOptions server_options = api->options_.server;
  ApiServer* self = api.get();
  server_options.on_complete = [self](const http::Request& req, int status, size_t bytes, double secs) {
    self->OnComplete(req, status, bytes, secs);
  };
  SLUICE_ASSIGN_OR_RETURN(api->server_,
                          http::Server::Start(std::move(server_options),
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
