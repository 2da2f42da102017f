// The HTTP face of the simulated Kubernetes API server: authentication (bearer token or
// client certificate), discovery and OpenAPI documents for kubectl, the resource paths
// with watch, Table output for kubectl get, pod logs, and the service proxy.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"
#include "sim/api.h"

namespace sluice::sim {

struct ProxyTarget {
  std::string ns;
  std::string service;  // "" when proxying to a pod directly
  std::string pod;      // a ready pod behind the service
  nlohmann::json pod_object;
  int port = 0;      // the target port on the pod
  std::string path;  // what follows .../proxy, "/" at least
};

struct ApiServerOptions {
  std::string token;                               // the bearer token that is an administrator
  std::string admin_cert_cn = "sluice-sim-admin";  // a client certificate CN that is one
  std::chrono::milliseconds bookmark_interval{1000};
  std::chrono::seconds max_watch_timeout{1800};
  std::string git_version = "v1.32.0-sluice-sim";
};

class ApiServer {
 public:
  ApiServer(Api& api, Scheduler& scheduler, ApiServerOptions options);
  ~ApiServer();

  http::Response Handle(http::Request& req);

  // Requests under /sim/ (admin API), after authentication.
  void SetAdminHandler(std::function<http::Response(http::Request&)> h) { admin_ = std::move(h); }
  // Called for the service and pod proxy once the target pod is known.
  void SetProxyHandler(std::function<http::Response(const ProxyTarget&, http::Request&)> h) {
    proxy_ = std::move(h);
  }
  // Pod logs: the text of one container ("" = the first), nullopt when it has none.
  void SetLogProvider(
      std::function<std::optional<std::string>(const std::string& ns, const std::string& pod,
                                               const std::string& container)>
          p) {
    logs_ = std::move(p);
  }
  // A hook run before every request (fault injection); a response short-circuits it.
  void SetInterceptor(std::function<std::optional<http::Response>(http::Request&)> f) {
    intercept_ = std::move(f);
  }
  std::optional<Caller> Authenticate(const http::Request& req) const;
  void StopBookmarks();

 private:
  http::Response Resource(http::Request& req, const Caller& caller, std::vector<std::string> parts,
                          const std::string& group, const std::string& version);
  http::Response Watch(http::Request& req, const Caller& caller, const ResourceType& t,
                       const std::string& ns, const std::string& name);
  http::Response Proxy(http::Request& req, const Caller& caller, const std::string& ns,
                       const std::string& kind, const std::string& target, const std::string& rest);
  http::Response Discovery(const http::Request& req);
  http::Response OpenApi(const http::Request& req);
  http::Response Log(http::Request& req, const Caller& caller, const std::string& ns,
                     const std::string& pod);

  Api& api_;
  Scheduler& scheduler_;
  ApiServerOptions options_;
  std::function<http::Response(http::Request&)> admin_;
  std::function<http::Response(const ProxyTarget&, http::Request&)> proxy_;
  std::function<std::optional<std::string>(const std::string&, const std::string&,
                                           const std::string&)>
      logs_;
  std::function<std::optional<http::Response>(http::Request&)> intercept_;
  std::shared_ptr<bool> alive_;
  std::shared_ptr<std::function<void()>> tick_;
  std::atomic<uint64_t> bookmark_timer_{0};
};

http::Response StatusResponse(const KStatus& status);
http::Response JsonResponse(int code, const nlohmann::json& body);

// Table rendering (what kubectl get asks for): the columns of a resource and one row.
nlohmann::json TableColumns(const ResourceType& t);
nlohmann::json TableRow(const ResourceType& t, const nlohmann::json& obj, bool include_object);
std::string HumanAge(int64_t seconds);

}  // namespace sluice::sim
