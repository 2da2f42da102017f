#include "http/session_impl.h"

namespace sluice::http::internal {

std::shared_ptr<SessionBase> NewTlsSession(std::shared_ptr<Shared> shared, tcp::socket socket,
                                           ssl::context& tls, std::string remote) {
  return NewSession(std::move(shared), beast::ssl_stream<beast::tcp_stream>(std::move(socket), tls),
                    std::move(remote));
}

}  // namespace sluice::http::internal
