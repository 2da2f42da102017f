// Internal to http/: what the server's accept loop and its connection sessions share.
// A session per connection type lives in its own translation unit (session_plain.cc,
// session_tls.cc): each instantiates Beast's whole read/write stack for its stream, the
// costliest code of the project to compile, and two files build in parallel.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/server.h"

namespace sluice::http::internal {

class SessionBase;

// State shared by the server and its sessions, so a session that outlives Server::Impl
// (while the io_context tears down) still finds what it touches.
struct Shared {
  ServerOptions options;
  Handler handler;
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::condition_variable cv;
  std::map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  uint64_t next_id = 0;
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Run() = 0;
  virtual void Stop() = 0;  // server shutting down; called on any thread
};

// Both register the session with `shared` and return it ready to Run().
std::shared_ptr<SessionBase> NewPlainSession(std::shared_ptr<Shared> shared,
                                             boost::asio::ip::tcp::socket socket,
                                             std::string remote);
std::shared_ptr<SessionBase> NewTlsSession(std::shared_ptr<Shared> shared,
                                           boost::asio::ip::tcp::socket socket,
                                           boost::asio::ssl::context& tls, std::string remote);

}  // namespace sluice::http::internal
