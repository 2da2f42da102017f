// The HTTP face of `sluice serve`: the route table (api_routes.h) with authentication,
// authorization and audit, the services behind it, live events, access log, request
// metrics and the static web UI on top of http::Server.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "api/api_routes.h"
#include "api/auth_options.h"
#include "api/event_hub.h"
#include "api/services.h"
#include "common/crypto.h"
#include "common/result.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"

namespace sluice::api {

struct ApiOptions {
  http::ServerOptions server;     // host, port, limits, timeouts
  std::filesystem::path web_dir;  // the built UI; empty or missing: no UI
  AuthOptions auth;
  EventOptions events;
  // Seals cluster secrets at rest; required.
  std::shared_ptr<const crypto::SecretBox> secret_box;
  Clock clock;  // Unix milliseconds; default: the system clock
  // Told the job id after each intent the API writes (the reconcile controller's Enqueue).
  JobService::IntentNotifier on_intent;
};

class ApiServer {
 public:
  static Result<std::unique_ptr<ApiServer>> Start(ApiOptions options, store::Store& store);
  ~ApiServer();

  std::string address() const { return server_->address(); }
  uint16_t port() const { return server_->port(); }
  // Stops serving (streams end, requests in flight finish), then the event poller.
  void Shutdown(std::chrono::milliseconds grace);

  const ApiRoutes& routes() const { return *routes_; }
  ApiServices& services() { return *services_; }
  const http::Router& router() const { return router_; }

 private:
  ApiServer(ApiOptions options, store::Store& store);
  http::Response Handle(http::Request& req);
  void OnComplete(const http::Request& req, int status, size_t bytes, double seconds);

  ApiOptions options_;
  store::Store& store_;
  http::Router router_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<AuthService> auth_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<UserService> users_;
  std::unique_ptr<ClusterService> clusters_;
  std::unique_ptr<EventHub> events_;
  std::unique_ptr<JobService> jobs_;
  JobLogs logs_;
  std::unique_ptr<ApiServices> services_;
  std::unique_ptr<ApiRoutes> routes_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace sluice::api
