#include "http/server.h"

#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.h"
#include "http/session.h"

namespace sluice::http {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using internal::SessionBase;
using internal::Shared;

}  // namespace

struct Server::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  net::steady_timer accept_retry{ioc};
  std::vector<std::thread> threads;
  std::string host;
  uint16_t port = 0;
  std::once_flag shutdown_once;

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](boost::system::error_code ec,
                                                        tcp::socket socket) {
      if (shared->stopping || !acceptor.is_open()) return;
      if (ec) {
        log::Warn("http.accept_failed").With("error", ec.message());
        accept_retry.expires_after(std::chrono::milliseconds(50));
        accept_retry.async_wait([this](boost::system::error_code) { Accept(); });
        return;
      }
      // Responses go out in several writes (TLS records, headers, chunks): with Nagle's
      // algorithm a later write waits for the peer's delayed ACK, ~40 ms per request.
      boost::system::error_code nodelay_ec;
      socket.set_option(tcp::no_delay(true), nodelay_ec);
      boost::system::error_code ep_ec;
      auto ep = socket.remote_endpoint(ep_ec);
      std::string remote = ep_ec ? "" : ep.address().to_string() + ":" + std::to_string(ep.port());
      auto session =
          tls ? internal::NewTlsSession(shared, std::move(socket), *tls, std::move(remote))
              : internal::NewPlainSession(shared, std::move(socket), std::move(remote));
      session->Run();
      Accept();
    });
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  Shutdown(std::chrono::milliseconds(0));
}

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options, Handler handler) {
  auto impl = std::make_unique<Impl>();
  std::string where = options.host + ":" + std::to_string(options.port);
  if (options.tls) {
    try {
      impl->tls.emplace(ssl::context::tls_server);
      impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                             ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                             ssl::context::no_tlsv1_1);
      impl->tls->use_certificate_chain(net::buffer(options.tls->certificate_chain_pem));
      impl->tls->use_private_key(net::buffer(options.tls->private_key_pem),
                                 ssl::context::file_format::pem);
      if (!options.tls->client_ca_pem.empty()) {
        impl->tls->add_certificate_authority(net::buffer(options.tls->client_ca_pem));
        impl->tls->set_verify_mode(ssl::verify_peer);
        impl->tls->set_verify_callback([](bool, ssl::verify_context&) { return true; });
        // With peer verification OpenSSL refuses to resume a session without a session id
        // context ("tlsv1 alert internal error"), which is what a client such as curl does
        // on a new connection after one timed out: every later connection then fails.
        static constexpr unsigned char kSessionContext[] = "sluice-http";
        SSL_CTX_set_session_id_context(impl->tls->native_handle(), kSessionContext,
                                       sizeof(kSessionContext) - 1);
      }
    } catch (const std::exception& e) {
      return InvalidArgument(std::string("TLS certificate or key rejected: ") + e.what()).At(where);
    }
  }
  boost::system::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) {
    tcp::resolver resolver(impl->ioc);
    auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
    if (ec || results.empty()) {
      return InvalidArgument("cannot resolve listen host: " + ec.message())
          .At(where)
          .Hint("use an IP address or a resolvable host name");
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, options.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return MakeError(ErrorCode::kFailedPrecondition, "cannot listen: " + ec.message())
        .At(where)
        .Hint("choose another address with --listen, or stop what uses this one");
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->host = options.host;
  int threads = std::max(1, options.threads);
  impl->shared->options = std::move(options);
  impl->shared->handler = std::move(handler);
  impl->Accept();
  for (int i = 0; i < threads; ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] {
      for (;;) {
        try {
          ioc->run();
          return;
        } catch (const std::exception& e) {
          log::Error("http.io_exception").With("exception", e.what());
        }
      }
    });
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const {
  return impl_->port;
}

std::string Server::address() const {
  return impl_->host + ":" + std::to_string(impl_->port);
}

size_t Server::connections() const {
  std::lock_guard lock(impl_->shared->mu);
  return impl_->shared->sessions.size();
}

void Server::Shutdown(std::chrono::milliseconds grace) {
  std::call_once(impl_->shutdown_once, [&] {
    auto& shared = *impl_->shared;
    shared.stopping = true;
    net::post(impl_->ioc, [impl = impl_.get()] {
      boost::system::error_code ec;
      impl->acceptor.close(ec);
      impl->accept_retry.cancel();
    });
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard lock(shared.mu);
      for (auto& [id, weak] : shared.sessions) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live)
      s->Stop();
    live.clear();
    {
      std::unique_lock lock(shared.mu);
      shared.cv.wait_for(lock, grace, [&] { return shared.sessions.empty(); });
    }
    impl_->ioc.stop();
    for (auto& t : impl_->threads)
      t.join();
    impl_->threads.clear();
  });
}

}  // namespace sluice::http
