#include "flink/transport.h"

namespace sluice::flink {

Transport UrlTransport(std::string base_url, UrlTransportOptions options) {
  while (!base_url.empty() && base_url.back() == '/')
    base_url.pop_back();
  return [base_url, options](const RestRequest& r) -> Result<http::ClientResponse> {
    http::ClientRequest req;
    req.method = r.method;
    req.url = base_url + r.path;
    req.headers = options.headers;
    req.headers["Accept"] = "application/json";
    if (!r.content_type.empty()) req.headers["Content-Type"] = r.content_type;
    req.body = r.body;
    req.multipart = r.multipart;
    req.timeout = r.timeout.count() < 0 ? options.timeout : r.timeout;
    req.tls = options.tls;
    if (!r.idempotent) return http::Send(req);
    return http::SendWithRetry(req, options.retry);
  };
}

}  // namespace sluice::flink
