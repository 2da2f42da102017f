// The HTTP/1.1 server (Boost.Beast): keep-alive, size limits, timeouts, chunked streams,
// optional TLS, and a graceful shutdown that lets requests in flight finish.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"
#include "http/message.h"

namespace sluice::http {

struct TlsOptions {
  std::string certificate_chain_pem;
  std::string private_key_pem;
  // When set, clients may present a certificate signed by this CA; its subject CN is
  // then in Request::client_cert_subject. Clients without one are still accepted.
  std::string client_ca_pem;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int threads = 2;
  size_t max_body_bytes = 8u << 20;
  size_t max_header_bytes = 64u << 10;
  std::chrono::milliseconds read_timeout{30'000};   // one whole request, once it starts
  std::chrono::milliseconds idle_timeout{75'000};   // between keep-alive requests
  std::chrono::milliseconds write_timeout{30'000};  // one response (or one stream chunk)
  std::optional<TlsOptions> tls;
  // Called once per finished request (streams: when the stream ends), on a server thread.
  std::function<void(const Request&, int status, size_t bytes_out, double seconds)> on_complete;
};

class Server {
 public:
  // Binds and starts serving; an error names the address and the reason.
  static Result<std::unique_ptr<Server>> Start(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  uint16_t port() const;
  std::string address() const;  // host:port as bound
  size_t connections() const;

  // Stops accepting, closes idle connections and streams, lets requests in flight finish
  // (up to `grace`), then stops. Idempotent; blocks until done.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sluice::http
