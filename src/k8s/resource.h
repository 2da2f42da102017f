// Which URL an object lives at: group, version, plural resource and scope for a kind.
// Built-in kinds are known; custom resources are registered (from their CRD) or found
// through discovery (Client::ResolveKind).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::k8s {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // v1
  std::string resource;  // plural: deployments
  std::string kind;      // Deployment
  bool namespaced = true;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // deployments.apps, configmaps: how the API server names the resource in messages.
  std::string Qualified() const { return group.empty() ? resource : resource + "." + group; }
  bool operator==(const ResourceType&) const = default;
};

// The built-in kinds Sluice uses (core/v1, apps/v1, rbac.authorization.k8s.io/v1,
// apiextensions.k8s.io/v1, authorization.k8s.io/v1, coordination.k8s.io/v1), or nullptr.
const ResourceType* BuiltinType(std::string_view api_version, std::string_view kind);

// A custom resource's type from its CustomResourceDefinition object, for `version` (the
// storage version when empty).
Result<ResourceType> TypeFromCrd(const nlohmann::json& crd, std::string_view version = "");

// Paths below the server URL. Namespaced types need a namespace for objects; an empty
// namespace on a collection means all namespaces.
std::string CollectionPath(const ResourceType& type, std::string_view ns);
std::string ObjectPath(const ResourceType& type, std::string_view ns, std::string_view name,
                       std::string_view subresource = "");

// Common types, spelled once.
namespace types {
const ResourceType& Namespace();
const ResourceType& ConfigMap();
const ResourceType& Secret();
const ResourceType& Service();
const ResourceType& ServiceAccount();
const ResourceType& Pod();
const ResourceType& Event();
const ResourceType& Deployment();
const ResourceType& ReplicaSet();
const ResourceType& Role();
const ResourceType& RoleBinding();
const ResourceType& ClusterRole();
const ResourceType& ClusterRoleBinding();
const ResourceType& CustomResourceDefinition();
const ResourceType& SelfSubjectAccessReview();
}  // namespace types

// "Deployment flink/my-app" (or "Namespace flink"): how errors name an object.
std::string Describe(const ResourceType& type, std::string_view ns, std::string_view name);

}  // namespace sluice::k8s
