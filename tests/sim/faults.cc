#include "sim/faults.h"

namespace sluice::sim {

using nlohmann::json;

std::string Faults::Add(FaultRule rule) {
  std::lock_guard lock(mu_);
  rule.id = "fault-" + std::to_string(++next_);
  std::regex re(rule.path_pattern.empty() ? ".*" : rule.path_pattern);
  rules_.emplace_back(rule, re);
  return rule.id;
}

void Faults::Clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

json Faults::List() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& [r, _] : rules_) {
    out.push_back({{"id", r.id},
                   {"method", r.method},
                   {"path", r.path_pattern},
                   {"remaining", r.remaining},
                   {"action", r.action == FaultRule::Action::kHang ? "hang" : "error"},
                   {"status", r.status}});
  }
  return out;
}

std::optional<http::Response> Faults::Check(const http::Request& req,
                                            std::chrono::milliseconds hang,
                                            bool kubernetes_status) {
  FaultRule hit;
  {
    std::lock_guard lock(mu_);
    bool found = false;
    for (auto it = rules_.begin(); it != rules_.end(); ++it) {
      auto& [rule, re] = *it;
      if (!rule.method.empty() && rule.method != req.method) continue;
      if (!std::regex_search(req.path, re)) continue;
      hit = rule;
      found = true;
      if (rule.remaining > 0 && --rule.remaining == 0) rules_.erase(it);
      break;
    }
    if (!found) return std::nullopt;
  }
  if (hit.action == FaultRule::Action::kHang) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, hang, [&] { return stopping_; });
    hit.status = 504;
    hit.message = "simulated hang: the request timed out";
  }
  http::Response r;
  r.status = hit.status;
  r.headers["Content-Type"] = "application/json";
  if (kubernetes_status) {
    std::string reason = hit.status == 504   ? "Timeout"
                         : hit.status == 503 ? "ServiceUnavailable"
                                             : "InternalError";
    r.body = json{{"kind", "Status"},    {"apiVersion", "v1"},     {"metadata", json::object()},
                  {"status", "Failure"}, {"message", hit.message}, {"reason", reason},
                  {"code", hit.status}}
                 .dump();
  } else {
    r.body = json{{"errors", {hit.message}}}.dump();
  }
  return r;
}

void Faults::Shutdown() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

}  // namespace sluice::sim
