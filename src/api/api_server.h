// The HTTP face of `sluice serve`: routes, access log, request metrics and the static web
// UI on top of http::Server. Handlers only translate HTTP to calls of the modules below.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/result.h"
#include "http/router.h"
#include "http/server.h"
#include "store/store.h"

namespace sluice::api {

struct ApiOptions {
  http::ServerOptions server;        // host, port, limits, timeouts
  std::filesystem::path web_dir;     // the built UI; empty or missing: no UI
};

class ApiServer {
 public:
  static Result<std::unique_ptr<ApiServer>> Start(ApiOptions options, store::Store& store);
  ~ApiServer();

  std::string address() const { return server_->address(); }
  uint16_t port() const { return server_->port(); }
  void Shutdown(std::chrono::milliseconds grace) { server_->Shutdown(grace); }

 private:
  ApiServer(ApiOptions options, store::Store& store);
  http::Response Handle(http::Request& req);
  void OnComplete(const http::Request& req, int status, size_t bytes, double seconds);

  ApiOptions options_;
  store::Store& store_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace sluice::api
