#include "k8s/client.h"

#include <random>
#include <thread>

#include "common/log.h"
#include "common/strings.h"
#include "http/message.h"

namespace sluice::k8s {
namespace {

bool Transient(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string ObjectName(const json& object) {
  if (!object.is_object() || !object.contains("metadata")) return "";
  return object["metadata"].value("name", "");
}

std::string WriteQuery(const WriteOptions& o) {
  std::vector<std::pair<std::string, std::string>> q;
  if (o.dry_run) q.emplace_back("dryRun", "All");
  q.emplace_back("fieldManager", o.field_manager);
  q.emplace_back("fieldValidation", o.field_validation);
  return Query(q);
}

std::string ListQuery(const ListOptions& o) {
  return Query({{"labelSelector", o.label_selector},
                {"fieldSelector", o.field_selector},
                {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
                {"continue", o.continue_token},
                {"resourceVersion", o.resource_version}});
}

}  // namespace

std::string Query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += q.empty() ? "?" : "&";
    q += http::PercentEncode(k) + "=" + http::PercentEncode(v);
  }
  return q;
}

Result<std::shared_ptr<Client>> Client::Create(RestConfig config, ClientOptions options) {
  if (!config.server.starts_with("https://") && !config.server.starts_with("http://")) {
    return InvalidArgument("API server URL " + Quote(config.server) +
                           " must start with https:// or http://");
  }
  return std::shared_ptr<Client>(new Client(std::move(config), options));
}

std::chrono::milliseconds Client::Backoff(int attempt) const {
  thread_local std::mt19937 rng{std::random_device{}()};
  int64_t base = options_.initial_backoff.count() << std::min(attempt, 16);
  base = std::min<int64_t>(base, options_.max_backoff.count());
  std::uniform_int_distribution<int64_t> jitter(base / 2, std::max<int64_t>(base, 1));
  return std::chrono::milliseconds(jitter(rng));
}

Result<http::ClientResponse> Client::Send(const Request& request) {
  bool reauthenticated = false;
  bool ambiguous = false;  // an earlier attempt may have reached the server and acted
  for (int attempt = 0;; ++attempt) {
    http::ClientRequest req;
    req.method = request.method;
    req.url = config_.server + request.path;
    req.headers = request.headers;
    req.headers["User-Agent"] = options_.user_agent;
    if (!req.headers.count("Accept")) req.headers["Accept"] = "application/json";
    if (!request.content_type.empty()) req.headers["Content-Type"] = request.content_type;
    req.body = request.body;
    req.multipart = request.multipart;
    req.timeout = request.timeout.count() < 0 ? options_.timeout : request.timeout;
    req.connect_timeout = options_.connect_timeout;
    req.tls = config_.tls;
    req.on_data = request.on_data;
    req.keep_going = request.keep_going;
    SLUICE_RETURN_IF_ERROR(credentials_.Apply(req));

    auto result = http::Send(req);
    bool last = attempt + 1 >= options_.max_attempts;
    std::chrono::milliseconds wait = Backoff(attempt);
    if (result.ok()) {
      int s = result->status;
      if (s == 401 && !reauthenticated && credentials_.Invalidate()) {
        reauthenticated = true;
        --attempt;  // a fresh credential is not a retry
        continue;
      }
      bool retry = Transient(s) && (request.retry != RetryClass::kUnsafe || s == 429);
      // Streams are not repeated here: their consumer has seen part of them (watcher.h
      // resumes watches itself).
      if (!retry || last || request.on_data) {
        if (ambiguous && s == 409) {
          // Said in the error by Call(); the caller decides (get and compare).
          result->headers["X-Sluice-Ambiguous-Retry"] = "true";
        }
        return result;
      }
      auto it = result->headers.find("Retry-After");
      if (it != result->headers.end()) {
        if (auto secs = ParseInt(it->second); secs && *secs >= 0) {
          wait = std::min(std::chrono::milliseconds(*secs * 1000), options_.max_backoff);
        }
      }
      if (s != 429) ambiguous = true;
      log::Debug("k8s: retrying")
          .With("verb", request.verb)
          .With("object", request.object)
          .With("status", s)
          .With("attempt", attempt + 1);
    } else {
      auto code = result.error().code;
      bool transport = code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout;
      if (!transport || last || request.retry == RetryClass::kUnsafe || request.on_data) {
        return std::move(result).error().Context(request.verb + " " + request.object);
      }
      ambiguous = true;
      log::Debug("k8s: retrying")
          .With("verb", request.verb)
          .With("object", request.object)
          .With("error", result.error().message)
          .With("attempt", attempt + 1);
    }
    std::this_thread::sleep_for(wait);
  }
}

Result<json> Client::Call(const Request& request) {
  SLUICE_ASSIGN_OR_RETURN(http::ClientResponse r, Send(request));
  if (r.status < 200 || r.status >= 300) {
    Error e = ApiError(request.verb, request.object, ParseStatus(r.status, r.body));
    if (r.headers.count("X-Sluice-Ambiguous-Retry")) {
      e.message +=
          " (an earlier attempt of this request failed in transit and may have "
          "succeeded)";
    }
    return e;
  }
  if (r.body.empty()) return json::object();
  json doc = json::parse(r.body, nullptr, false);
  if (doc.is_discarded()) {
    return Internal(request.verb + " " + request.object + ": the API server's answer is not JSON");
  }
  return doc;
}

void Client::SetReadCache(std::weak_ptr<ReadCache> cache) {
  std::lock_guard lock(cache_mu_);
  read_cache_ = std::move(cache);
}

std::shared_ptr<ReadCache> Client::read_cache() const {
  std::lock_guard lock(cache_mu_);
  return read_cache_.lock();
}

Result<json> Client::Get(const ResourceType& type, std::string_view ns, std::string_view name,
                         const GetOptions& options) {
  if (options.allow_cached) {
    if (auto cache = read_cache()) {
      // A miss is confirmed by the server: the cache may not have seen a Create yet, and
      // "absent" right after a submit would read as a cluster that vanished.
      auto served = cache->Get(type, ns, name);
      if (served && (served->ok() || !IsNotFound(served->error()))) return std::move(*served);
    }
  }
  return Call({.method = "GET",
               .path = ObjectPath(type, ns, name),
               .verb = "get",
               .object = Describe(type, ns, name)});
}

Result<json> Client::List(const ResourceType& type, std::string_view ns,
                          const ListOptions& options) {
  std::string what = type.kind + " list" + (ns.empty() ? "" : " in " + std::string(ns));
  return Call({.method = "GET",
               .path = CollectionPath(type, ns) + ListQuery(options),
               .verb = "list",
               .object = what});
}

Result<std::vector<json>> Client::ListAll(const ResourceType& type, std::string_view ns,
                                          ListOptions options, std::string* resource_version) {
  if (options.allow_cached && options.field_selector.empty() && options.continue_token.empty() &&
      options.resource_version.empty() && resource_version == nullptr) {
    if (auto cache = read_cache()) {
      if (auto served = cache->List(type, ns, options.label_selector)) return std::move(*served);
    }
  }
  std::vector<json> items;
  for (;;) {
    SLUICE_ASSIGN_OR_RETURN(json page, List(type, ns, options));
    for (auto& item : page.value("items", json::array()))
      items.push_back(std::move(item));
    const json meta = page.value("metadata", json::object());
    if (resource_version) *resource_version = meta.value("resourceVersion", "");
    options.continue_token = meta.value("continue", "");
    if (options.continue_token.empty()) break;
  }
  return items;
}

Result<json> Client::Create(const ResourceType& type, std::string_view ns, const json& object,
                            const WriteOptions& options) {
  std::string name = ObjectName(object);
  return Call({.method = "POST",
               .path = CollectionPath(type, ns) + WriteQuery(options),
               .body = object.dump(),
               .content_type = "application/json",
               .retry = name.empty() ? RetryClass::kUnsafe : RetryClass::kNamed,
               .verb = "create",
               .object = Describe(type, ns, name.empty() ? "(generated name)" : name)});
}

Result<json> Client::Update(const ResourceType& type, std::string_view ns, const json& object,
                            const WriteOptions& options) {
  std::string name = ObjectName(object);
  return Call({.method = "PUT",
               .path = ObjectPath(type, ns, name) + WriteQuery(options),
               .body = object.dump(),
               .content_type = "application/json",
               .retry = RetryClass::kNamed,
               .verb = "update",
               .object = Describe(type, ns, name)});
}

Result<json> Client::UpdateStatus(const ResourceType& type, std::string_view ns,
                                  const json& object) {
  std::string name = ObjectName(object);
  return Call({.method = "PUT",
               .path = ObjectPath(type, ns, name, "status"),
               .body = object.dump(),
               .content_type = "application/json",
               .retry = RetryClass::kNamed,
               .verb = "update status of",
               .object = Describe(type, ns, name)});
}

Result<json> Client::Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                           PatchType patch_type, const json& patch, const WriteOptions& options,
                           std::string_view subresource) {
  std::string content_type = patch_type == PatchType::kJsonMerge ? "application/merge-patch+json"
                             : patch_type == PatchType::kStrategicMerge
                                 ? "application/strategic-merge-patch+json"
                                 : "application/json-patch+json";
  // A merge patch sets values: repeating it is harmless. A JSON patch may add to lists.
  RetryClass retry = patch_type == PatchType::kJson ? RetryClass::kUnsafe : RetryClass::kIdempotent;
  return Call({.method = "PATCH",
               .path = ObjectPath(type, ns, name, subresource) + WriteQuery(options),
               .body = patch.dump(),
               .content_type = content_type,
               .retry = retry,
               .verb = "patch",
               .object = Describe(type, ns, name)});
}

Result<json> Client::Apply(const ResourceType& type, std::string_view ns, const json& object,
                           const ApplyOptions& options) {
  std::string name = ObjectName(object);
  if (name.empty()) return InvalidArgument("apply " + type.kind + ": metadata.name is required");
  if (options.field_manager.empty()) {
    return InvalidArgument("apply " + Describe(type, ns, name) + ": a field manager is required");
  }
  json body = object;
  body["apiVersion"] = type.ApiVersion();
  body["kind"] = type.kind;
  std::string q = Query({{"fieldManager", options.field_manager},
                         {"force", options.force ? "true" : ""},
                         {"dryRun", options.dry_run ? "All" : ""},
                         {"fieldValidation", options.field_validation}});
  return Call({.method = "PATCH",
               .path = ObjectPath(type, ns, name) + q,
               .body = body.dump(),  // JSON is YAML
               .content_type = "application/apply-patch+yaml",
               .retry = RetryClass::kIdempotent,
               .verb = "apply",
               .object = Describe(type, ns, name)});
}

Result<json> Client::Delete(const ResourceType& type, std::string_view ns, std::string_view name,
                            const DeleteOptions& options) {
  json body = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (options.grace_period_seconds) body["gracePeriodSeconds"] = *options.grace_period_seconds;
  if (!options.precondition_uid.empty()) body["preconditions"]["uid"] = options.precondition_uid;
  if (!options.precondition_resource_version.empty()) {
    body["preconditions"]["resourceVersion"] = options.precondition_resource_version;
  }
  if (options.dry_run) body["dryRun"] = {"All"};
  return Call({.method = "DELETE",
               .path = ObjectPath(type, ns, name),
               .body = body.dump(),
               .content_type = "application/json",
               .retry = RetryClass::kIdempotent,
               .verb = "delete",
               .object = Describe(type, ns, name)});
}

Result<WatchEnd> Client::WatchOnce(const ResourceType& type, std::string_view ns,
                                   const WatchOptions& options,
                                   const std::function<bool(const WatchEvent&)>& on_event) {
  WatchEnd end;
  end.resource_version = options.resource_version;
  std::string buffer;
  std::optional<Error> failure;
  auto on_data = [&](std::string_view chunk) {
    buffer.append(chunk);
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(buffer.data() + start, nl - start);
      if (Trim(line).empty()) continue;
      json ev = json::parse(line, nullptr, false);
      if (ev.is_discarded() || !ev.is_object()) {
        failure = Internal("watch " + type.Qualified() + ": a line of the stream is not JSON");
        return false;
      }
      WatchEvent event{ev.value("type", ""), ev.value("object", json::object())};
      if (!ev.contains("type") && ev.value("kind", "") == "Status") {
        event = {"ERROR", ev};  // the whole answer is a Status: the watch was refused
      }
      if (event.type == "ERROR") {
        ApiStatus st = ParseStatus(event.object.value("code", 500), event.object.dump());
        if (st.code == 410) {
          end.expired = true;
        } else {
          failure = ApiError("watch", type.Qualified(), st);
        }
        return false;
      }
      std::string rv = event.object.value("metadata", json::object()).value("resourceVersion", "");
      if (!rv.empty()) end.resource_version = rv;
      ++end.events;
      if (!on_event(event)) {
        end.stopped = true;
        return false;
      }
    }
    buffer.erase(0, start);
    return true;
  };
  std::string q =
      Query({{"watch", "true"},
             {"labelSelector", options.label_selector},
             {"fieldSelector", options.field_selector},
             {"resourceVersion", options.resource_version},
             {"allowWatchBookmarks", options.allow_bookmarks ? "true" : ""},
             {"timeoutSeconds",
              options.timeout_seconds > 0 ? std::to_string(options.timeout_seconds) : ""}});
  std::string what = type.kind + " list" + (ns.empty() ? "" : " in " + std::string(ns));
  auto r = Send({.method = "GET",
                 .path = CollectionPath(type, ns) + q,
                 .timeout = std::chrono::milliseconds(0),
                 .on_data = on_data,
                 .keep_going = options.keep_going,
                 .verb = "watch",
                 .object = what});
  if (failure) return *failure;
  if (!r.ok()) return std::move(r).error();
  if (r->status == 410) {
    end.expired = true;
    return end;
  }
  if (r->status < 200 || r->status >= 300) {
    return ApiError("watch", what, ParseStatus(r->status, r->body));
  }
  return end;
}

Result<std::string> Client::Logs(std::string_view ns, std::string_view pod,
                                 const LogOptions& options,
                                 const std::function<bool(std::string_view)>& on_data) {
  std::string q =
      Query({{"container", options.container},
             {"follow", options.follow ? "true" : ""},
             {"tailLines", options.tail_lines ? std::to_string(*options.tail_lines) : ""},
             {"sinceSeconds", options.since_seconds ? std::to_string(*options.since_seconds) : ""},
             {"timestamps", options.timestamps ? "true" : ""},
             {"previous", options.previous ? "true" : ""}});
  Request req{.method = "GET",
              .path = ObjectPath(types::Pod(), ns, pod, "log") + q,
              .verb = "read log of",
              .object = Describe(types::Pod(), ns, pod)};
  req.headers["Accept"] = "*/*";
  if (options.follow) req.timeout = std::chrono::milliseconds(0);
  // A refusal arrives as a Status object: hold back a first chunk that looks like one
  // until the response status says what it is.
  std::string held;
  bool first = true;
  if (on_data) {
    req.on_data = [&](std::string_view chunk) {
      if (first) {
        first = false;
        if (!chunk.empty() && chunk[0] == '{') {
          held.assign(chunk);
          return true;
        }
      }
      if (!held.empty()) {
        std::string h;
        h.swap(held);
        if (!on_data(h)) return false;
      }
      return on_data(chunk);
    };
  }
  SLUICE_ASSIGN_OR_RETURN(http::ClientResponse r, Send(req));
  if (r.status < 200 || r.status >= 300) {
    return ApiError(req.verb, req.object, ParseStatus(r.status, held.empty() ? r.body : held));
  }
  if (on_data && !held.empty()) on_data(held);
  return r.body;
}

std::string Client::ServiceProxyPath(std::string_view ns, std::string_view service,
                                     std::string_view port) {
  std::string name = http::PercentEncode(service);
  if (!port.empty()) name += ":" + http::PercentEncode(port);
  return "/api/v1/namespaces/" + http::PercentEncode(ns) + "/services/" + name + "/proxy";
}

std::string Client::ServiceProxyUrl(std::string_view ns, std::string_view service,
                                    std::string_view port) const {
  return config_.server + ServiceProxyPath(ns, service, port);
}

Result<http::ClientResponse> Client::ProxyService(std::string_view ns, std::string_view service,
                                                  std::string_view port,
                                                  const ProxyRequest& request) {
  std::string path =
      request.path.empty() || request.path[0] != '/' ? "/" + request.path : request.path;
  Request req{.method = request.method,
              .path = ServiceProxyPath(ns, service, port) + path,
              .body = request.body,
              .content_type = request.content_type,
              .multipart = request.multipart,
              .timeout = request.timeout,
              .retry = request.idempotent ? RetryClass::kIdempotent : RetryClass::kUnsafe,
              .verb = request.method,
              .object = "Service " + std::string(ns) + "/" + std::string(service) + " (proxy " +
                        request.path + ")"};
  req.headers["Accept"] = "application/json";
  return Send(req);
}

void Client::RegisterType(const ResourceType& type) {
  std::lock_guard lock(types_mu_);
  types_[type.ApiVersion() + "/" + type.kind] = type;
}

Result<ResourceType> Client::ResolveKind(std::string_view api_version, std::string_view kind) {
  if (const ResourceType* t = BuiltinType(api_version, kind)) return *t;
  std::string key = std::string(api_version) + "/" + std::string(kind);
  {
    std::lock_guard lock(types_mu_);
    auto it = types_.find(key);
    if (it != types_.end()) return it->second;
  }
  std::string path = api_version.find('/') == std::string_view::npos
                         ? "/api/" + std::string(api_version)
                         : "/apis/" + std::string(api_version);
  auto list =
      Call({.method = "GET", .path = path, .verb = "discover", .object = std::string(api_version)});
  if (!list.ok()) {
    if (IsNotFound(list.error())) {
      return NotFound("the API server does not serve " + std::string(api_version) + " (kind " +
                      std::string(kind) + ")")
          .Hint("install the CustomResourceDefinition that defines it");
    }
    return std::move(list).error();
  }
  for (const auto& r : list->value("resources", json::array())) {
    std::string name = r.value("name", "");
    if (r.value("kind", "") != kind || name.find('/') != std::string::npos) continue;
    ResourceType t;
    size_t slash = api_version.find('/');
    t.group = slash == std::string_view::npos ? "" : std::string(api_version.substr(0, slash));
    t.version =
        std::string(slash == std::string_view::npos ? api_version : api_version.substr(slash + 1));
    t.resource = name;
    t.kind = std::string(kind);
    t.namespaced = r.value("namespaced", true);
    RegisterType(t);
    return t;
  }
  return NotFound("the API server serves " + std::string(api_version) + " but not kind " +
                  std::string(kind));
}

}  // namespace sluice::k8s
