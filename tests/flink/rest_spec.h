// Checks what the Flink REST client sends against Flink's published OpenAPI specs
// (reference/flink-rest/<version>/rest_v1_dispatcher.yml), and a transport that records
// every request so a test can check all of them.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "flink/transport.h"

namespace sluice::flink::testing {

// Problems of a request body against the spec's requestBody schema of the route (unknown
// properties included); empty when it conforms. A route without a JSON body must get none.
std::vector<std::string> CheckRequest(const std::string& version, const std::string& method,
                                      const std::string& path, const std::string& body);

struct Recorded {
  std::string method, path, body;
};

class RecordingTransport {
 public:
  explicit RecordingTransport(Transport inner) : inner_(std::move(inner)) {}
  Transport transport();
  std::vector<Recorded> requests() const;

 private:
  Transport inner_;
  mutable std::mutex mu_;
  std::vector<Recorded> requests_;
};

}  // namespace sluice::flink::testing
