// The Kubernetes API semantics the simulator serves, without HTTP: validation and
// defaulting, admission (service accounts), RBAC authorization, optimistic concurrency,
// generation, status subresources, the patch formats, server-side apply, deletion with
// finalizers and propagation (background, foreground, orphan) and the garbage collector,
// custom resource definitions and their schemas.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/scheduler.h"
#include "sim/store.h"

namespace sluice::sim {

// A Kubernetes Status object: what every failed call answers.
struct KStatus {
  int code = 500;
  std::string reason;  // NotFound, AlreadyExists, Conflict, Invalid, Forbidden, ...
  std::string message;
  nlohmann::json details;  // {name, group, kind, causes: [...]}
  nlohmann::json ToJson() const;
};

template <typename T>
class KResult {
 public:
  KResult(T value) : v_(std::move(value)) {}          // NOLINT
  KResult(KStatus status) : v_(std::move(status)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  const KStatus& status() const { return std::get<1>(v_); }

 private:
  std::variant<T, KStatus> v_;
};

struct Caller {
  std::string user;
  std::vector<std::string> groups;
  bool system = false;  // the simulator's own controllers: no RBAC
  std::string user_agent;
  static Caller System() {
    return {"system:kube-controller-manager", {"system:masters"}, true, ""};
  }
  static Caller ServiceAccount(const std::string& ns, const std::string& name);
};

struct ListOptions {
  std::string label_selector, field_selector;
  int64_t limit = 0;
  std::string continue_token;
  std::optional<std::string> resource_version;
  std::string resource_version_match;
};

struct WriteOptions {
  bool dry_run = false;
  std::string field_manager;
  bool force = false;
  bool strict = false;  // fieldValidation=Strict
};

struct DeleteOptions {
  std::string propagation;  // Background (default), Foreground, Orphan
  std::optional<std::string> precondition_uid, precondition_rv;
  bool dry_run = false;
};

// Per-request hooks of the rest of the simulator (image pull rules, Flink, ...).
struct ApiHooks {
  // Extra admission for pods and other kinds; an error status rejects the create.
  std::function<std::optional<KStatus>(const std::string& type_key, const nlohmann::json& obj)>
      admit;
};

class Api {
 public:
  Api(Store& store, Scheduler& scheduler);

  Store& store() { return store_; }
  void SetHooks(ApiHooks hooks) { hooks_ = std::move(hooks); }

  // Resource types: built-ins are registered at construction; CRDs add theirs.
  std::optional<ResourceType> FindType(const std::string& group, const std::string& version,
                                       const std::string& plural) const;
  std::optional<ResourceType> FindTypeByKind(const std::string& api_version,
                                             const std::string& kind) const;
  std::vector<ResourceType> Types() const;

  bool Authorize(const Caller& caller, const std::string& verb, const ResourceType& type,
                 const std::string& subresource, const std::string& ns,
                 const std::string& name) const;
  KStatus Forbidden(const Caller& caller, const std::string& verb, const ResourceType& type,
                    const std::string& subresource, const std::string& ns,
                    const std::string& name) const;

  KResult<nlohmann::json> Get(const Caller& c, const ResourceType& t, const std::string& ns,
                              const std::string& name, const std::string& subresource = "");
  KResult<nlohmann::json> List(const Caller& c, const ResourceType& t, const std::string& ns,
                               const ListOptions& opts);
  KResult<nlohmann::json> Create(const Caller& c, const ResourceType& t, const std::string& ns,
                                 nlohmann::json obj, const WriteOptions& opts = {});
  KResult<nlohmann::json> Update(const Caller& c, const ResourceType& t, const std::string& ns,
                                 const std::string& name, nlohmann::json obj,
                                 const std::string& subresource = "",
                                 const WriteOptions& opts = {});
  KResult<nlohmann::json> Patch(const Caller& c, const ResourceType& t, const std::string& ns,
                                const std::string& name, const std::string& content_type,
                                const std::string& body, const std::string& subresource = "",
                                const WriteOptions& opts = {});
  // 200 with the object while finalizers hold it, or a Success status once it is gone.
  KResult<nlohmann::json> Delete(const Caller& c, const ResourceType& t, const std::string& ns,
                                 const std::string& name, const DeleteOptions& opts = {});
  KResult<nlohmann::json> DeleteCollection(const Caller& c, const ResourceType& t,
                                           const std::string& ns, const ListOptions& list,
                                           const DeleteOptions& opts);

  // For controllers: read-modify-write without conflicts (the function returns false
  // when nothing changed). Bypasses validation and RBAC, like a status writer would.
  bool Mutate(const ResourceType& t, const std::string& ns, const std::string& name,
              const std::function<bool(nlohmann::json&)>& fn);
  std::optional<nlohmann::json> Read(const ResourceType& t, const std::string& ns,
                                     const std::string& name) const;

  const ResourceType& type(const std::string& key) const;  // built-ins by "apps/deployments"
  void RecordEvent(const nlohmann::json& involved, const std::string& type,
                   const std::string& reason, const std::string& message,
                   const std::string& component);
  void set_events_enabled(bool on) { events_enabled_ = on; }

  // Loads a CRD (YAML or JSON object) as if created through the API.
  KResult<nlohmann::json> InstallCrd(const nlohmann::json& crd);

 private:
  KStatus NotFoundStatus(const ResourceType& t, const std::string& name) const;
  std::optional<KStatus> Validate(const ResourceType& t, const nlohmann::json& obj,
                                  const WriteOptions& opts, nlohmann::json* pruned) const;
  void ApplyDefaults(const ResourceType& t, nlohmann::json& obj) const;
  KResult<nlohmann::json> DoUpdate(const Caller& c, const ResourceType& t, const std::string& ns,
                                   const std::string& name, nlohmann::json obj,
                                   const std::string& subresource, const WriteOptions& opts,
                                   const char* verb);
  void RegisterBuiltins();
  void RegisterCrd(const nlohmann::json& crd);
  void UnregisterCrd(const nlohmann::json& crd);
  void OnEvent(const Event& ev);
  void GcOwnerGone(const std::string& uid);
  void GcProcess(const std::string& type_key, const std::string& ns, const std::string& name);
  void GcCheckDependent(const std::string& type_key, const std::string& ns,
                        const std::string& name);
  void FinishDeletion(const ResourceType& t, const std::string& ns, const std::string& name);
  std::string AllocateClusterIp();

  Store& store_;
  Scheduler& scheduler_;
  ApiHooks hooks_;
  mutable std::mutex types_mu_;
  std::map<std::string, ResourceType> types_;  // by key()+"/"+version
  std::map<std::string, ResourceType> builtin_by_key_;
  std::mutex ip_mu_;
  uint32_t next_ip_ = 10;
  uint32_t next_node_port_ = 30000;
  bool events_enabled_ = true;
};

KStatus MakeStatus(int code, const std::string& reason, const std::string& message,
                   nlohmann::json details = nullptr);

}  // namespace sluice::sim
