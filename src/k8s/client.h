// A Kubernetes API client on libcurl: typed-enough CRUD, patches, server-side apply,
// delete with propagation, single watches (watcher.h reconnects), pod logs and service
// proxy requests. Thread-safe; one Client per API server and identity.
//
//   SLUICE_ASSIGN_OR_RETURN(auto config, k8s::LoadRestConfig({.path = file}));
//   SLUICE_ASSIGN_OR_RETURN(auto client, k8s::Client::Create(config));
//   auto cm = client->Get(k8s::types::ConfigMap(), "flink", "flink-config-my-app");
//
// Retries: calls that are safe to repeat (reads, apply, merge patches, delete, and
// create/update, which the API server de-duplicates by name and resourceVersion) are
// retried with exponential backoff and jitter on connection errors, timeouts, 429 and
// 5xx, honouring Retry-After. JSON patches and generateName creates are retried only on
// 429. A 401 makes the client re-read its token file or re-run its exec plugin once.
// Errors name the verb and object and quote the server's Status (errors.h).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/client.h"
#include "k8s/credentials.h"
#include "k8s/errors.h"
#include "k8s/kubeconfig.h"
#include "k8s/read_cache.h"
#include "k8s/resource.h"

namespace sluice::k8s {

using nlohmann::json;

struct ClientOptions {
  std::chrono::milliseconds timeout{30'000};  // per attempt, watches and follows excepted
  std::chrono::milliseconds connect_timeout{10'000};
  int max_attempts = 5;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5'000};
  std::string user_agent = "sluice";
};

// How a request may be repeated after a failure.
enum class RetryClass {
  kIdempotent,  // any transient failure
  kNamed,       // create with a name / update with a resourceVersion: any transient failure;
                // a 409 after an ambiguous attempt says the earlier attempt may have won
  kUnsafe,      // only 429 (the server did not act)
};

struct Request {
  std::string method = "GET";
  std::string path;  // below the server URL, with the query
  std::string body;
  std::string content_type;  // set when there is a body
  std::vector<http::MultipartPart> multipart;
  http::Headers headers;
  std::chrono::milliseconds timeout{-1};          // -1: the client's; 0: none (streams)
  std::function<bool(std::string_view)> on_data;  // streamed body; return false to stop
  std::function<bool()> keep_going;               // see http::ClientRequest
  RetryClass retry = RetryClass::kIdempotent;
  std::string verb;    // for errors: get, create, watch, ...
  std::string object;  // for errors: "Deployment flink/my-app"
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;
  std::string continue_token;
  std::string resource_version;
  // ListAll only: may be answered by the client's ReadCache (read_cache.h) when one is
  // installed and can serve it (no field selector, continue token or resourceVersion).
  bool allow_cached = false;
};

struct GetOptions {
  bool allow_cached = false;  // may be answered by the client's ReadCache
};

struct DeleteOptions {
  std::string propagation_policy;  // Background (server default), Foreground, Orphan
  std::optional<int64_t> grace_period_seconds;
  std::string precondition_uid;
  std::string precondition_resource_version;
  bool dry_run = false;
};

enum class PatchType { kJsonMerge, kStrategicMerge, kJson };

struct ApplyOptions {
  std::string field_manager = "sluice";
  bool force = false;
  bool dry_run = false;
  std::string field_validation;  // Strict, Warn, Ignore ("" = server default)
};

struct WriteOptions {
  bool dry_run = false;
  std::string field_manager;     // recorded as the manager of a create/update/patch
  std::string field_validation;  // Strict, Warn, Ignore ("" = server default)
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  json object;
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // "" = start from now (no initial events)
  bool allow_bookmarks = true;
  int timeout_seconds = 0;  // server-side end of the watch; 0 = the server's default
  // Asked about once a second while the stream is quiet; false ends the watch (stopped).
  std::function<bool()> keep_going;
};

// How a single watch stream ended.
struct WatchEnd {
  std::string resource_version;  // last seen (objects and bookmarks)
  bool stopped = false;          // the callback returned false
  bool expired = false;          // 410 Gone / Expired: the version is too old, relist
  int events = 0;
};

struct LogOptions {
  std::string container;
  bool follow = false;
  std::optional<int64_t> tail_lines;
  std::optional<int64_t> since_seconds;
  bool timestamps = false;
  bool previous = false;
};

// A request to a service through the API server's proxy (/services/NAME:PORT/proxy/...).
struct ProxyRequest {
  std::string method = "GET";
  std::string path;  // below the service, with the query: /jobs/overview
  std::string body;
  std::string content_type;
  std::vector<http::MultipartPart> multipart;
  std::chrono::milliseconds timeout{-1};
  bool idempotent = true;
};

class Client {
 public:
  static Result<std::shared_ptr<Client>> Create(RestConfig config, ClientOptions options = {});

  const RestConfig& config() const { return config_; }
  const ClientOptions& options() const { return options_; }
  Credentials& credentials() { return credentials_; }

  // Sends with credentials and retries; any HTTP status is a response.
  Result<http::ClientResponse> Send(const Request& request);
  // Send, then 2xx bodies as JSON; other statuses as errors (errors.h).
  Result<json> Call(const Request& request);

  Result<json> Get(const ResourceType& type, std::string_view ns, std::string_view name,
                   const GetOptions& options = {});
  // One page: {items, metadata{resourceVersion, continue}}.
  Result<json> List(const ResourceType& type, std::string_view ns, const ListOptions& options = {});
  // Every page, following continue tokens; items only.
  Result<std::vector<json>> ListAll(const ResourceType& type, std::string_view ns,
                                    ListOptions options = {},
                                    std::string* resource_version = nullptr);
  Result<json> Create(const ResourceType& type, std::string_view ns, const json& object,
                      const WriteOptions& options = {});
  // PUT; the object's metadata.resourceVersion makes it conditional.
  Result<json> Update(const ResourceType& type, std::string_view ns, const json& object,
                      const WriteOptions& options = {});
  Result<json> UpdateStatus(const ResourceType& type, std::string_view ns, const json& object);
  Result<json> Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                     PatchType patch_type, const json& patch, const WriteOptions& options = {},
                     std::string_view subresource = "");
  // Server-side apply: the object (apiVersion, kind, metadata.name) as the field manager's
  // intent; creates or updates.
  Result<json> Apply(const ResourceType& type, std::string_view ns, const json& object,
                     const ApplyOptions& options = {});
  // The deleted object, or a Status for objects that went at once.
  Result<json> Delete(const ResourceType& type, std::string_view ns, std::string_view name,
                      const DeleteOptions& options = {});

  // One watch stream; `on_event` returns false to stop. ERROR events with 410 end it with
  // `expired`; other ERROR events become errors.
  Result<WatchEnd> WatchOnce(const ResourceType& type, std::string_view ns,
                             const WatchOptions& options,
                             const std::function<bool(const WatchEvent&)>& on_event);

  // A pod's log; with follow, `on_data` gets it as it comes (return false to stop).
  Result<std::string> Logs(std::string_view ns, std::string_view pod, const LogOptions& options,
                           const std::function<bool(std::string_view)>& on_data = nullptr);

  // `port` is the port's name or number.
  static std::string ServiceProxyPath(std::string_view ns, std::string_view service,
                                      std::string_view port);
  Result<http::ClientResponse> ProxyService(std::string_view ns, std::string_view service,
                                            std::string_view port, const ProxyRequest& request);
  // The URL a browser or curl with the same credentials would use.
  std::string ServiceProxyUrl(std::string_view ns, std::string_view service,
                              std::string_view port) const;

  // Installs (or with nullptr removes) the cache that reads with allow_cached may be served
  // from. The client keeps only a weak reference: the cache's owner (observe::WatchCache's
  // creator) decides its lifetime, so a cache that holds this client makes no cycle.
  void SetReadCache(std::weak_ptr<ReadCache> cache);
  std::shared_ptr<ReadCache> read_cache() const;

  // The type of a kind: built-in, registered, or found through discovery (cached).
  Result<ResourceType> ResolveKind(std::string_view api_version, std::string_view kind);
  void RegisterType(const ResourceType& type);

 private:
  Client(RestConfig config, ClientOptions options)
      : config_(std::move(config)), options_(options), credentials_(config_) {}
  std::chrono::milliseconds Backoff(int attempt) const;

  RestConfig config_;
  ClientOptions options_;
  Credentials credentials_;
  mutable std::mutex cache_mu_;
  std::weak_ptr<ReadCache> read_cache_;
  std::mutex types_mu_;
  std::map<std::string, ResourceType> types_;  // "apiVersion/kind"
};

// Query string helper: "?a=1&b=x" from pairs whose value is not empty.
std::string Query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace sluice::k8s
