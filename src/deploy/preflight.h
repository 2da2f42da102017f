// The seed's manual Kubernetes steps, checked (and with setup, done): the namespace, the
// JobManager's service account and a namespaced Role + RoleBinding with exactly the rights
// Flink's JobManager uses (reference/flink-native-k8s.md §3), narrower than the seed's
// cluster-wide `edit`; for the operator target, its CRDs. Everything missing is reported
// in one message with the fix.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "deploy/deployer.h"
#include "k8s/client.h"

namespace sluice::deploy {

struct RbacRule {
  std::string api_group;  // "" = core
  std::string resource;   // pods, deployments/finalizers
  std::vector<std::string> verbs;
};

// What Flink's JobManager does with the API: TaskManager pods and HA ConfigMaps (every
// verb, watches included), its own Deployment (get, for the TaskManagers' owner
// reference; delete, to remove itself when an application finishes) and the Deployment's
// finalizers (update: TaskManager pods block the owner's deletion).
const std::vector<RbacRule>& JobManagerRules();

inline constexpr std::string_view kRoleName = "sluice-flink-jobmanager";

// The Role and RoleBinding Sluice creates for a service account.
nlohmann::ordered_json JobManagerRole(const std::string& ns);
nlohmann::ordered_json JobManagerRoleBinding(const std::string& ns,
                                             const std::string& service_account);

struct PreflightOptions {
  bool setup = false;  // create what is missing
  std::string field_manager = "sluice";
};

struct PreflightReport {
  std::string namespace_;
  std::string service_account;
  std::vector<std::string> passed;   // checks that passed
  std::vector<std::string> missing;  // what is missing (after setup: what could not be made)
  std::vector<std::string> created;  // what setup created
  std::vector<std::string> notes;    // checks that could not be made, and why
  std::string fix_yaml;              // objects that would fix it (kubectl apply -f -)
  bool ok() const { return missing.empty(); }
  // Everything missing in one message, with the fix.
  std::string Message(
      const std::string& command_hint = "sluice preflight -f job.yaml --setup") const;
};

Result<PreflightReport> Preflight(k8s::Client& client, const DeploymentRequest& request,
                                  spec::Target target, const PreflightOptions& options = {});

// Whether the rules of the roles bound to the service account grant `rule` (RBAC as the
// API server evaluates it: wildcards, subresources, resourceNames).
bool RulesAllow(const nlohmann::json& rules, const std::string& group, const std::string& resource,
                const std::string& verb);

}  // namespace sluice::deploy
