#include "http/session_impl.h"

namespace sluice::http::internal {

std::shared_ptr<SessionBase> NewPlainSession(std::shared_ptr<Shared> shared, tcp::socket socket,
                                             std::string remote) {
  return NewSession(std::move(shared), beast::tcp_stream(std::move(socket)), std::move(remote));
}

}  // namespace sluice::http::internal
