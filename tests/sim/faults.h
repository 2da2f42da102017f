// Faults on demand: the next N requests whose method and path match fail with a status
// or hang until a timeout, as an overloaded or partitioned server would.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/message.h"

namespace sluice::sim {

struct FaultRule {
  std::string id;
  std::string method;        // "" = any
  std::string path_pattern;  // ECMAScript regex searched in the path
  int remaining = 1;         // -1 = until removed
  enum class Action { kError, kHang } action = Action::kError;
  int status = 500;
  std::string message = "simulated failure";
};

class Faults {
 public:
  std::string Add(FaultRule rule);  // returns the rule's id
  void Clear();
  nlohmann::json List() const;
  // A matching rule's response; hangs (blocking this thread) for kHang.
  std::optional<http::Response> Check(const http::Request& req, std::chrono::milliseconds hang,
                                      bool kubernetes_status);
  void Shutdown();  // wakes hanging requests

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::pair<FaultRule, std::regex>> rules_;
  int next_ = 0;
};

}  // namespace sluice::sim
