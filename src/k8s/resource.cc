#include "k8s/resource.h"

#include <vector>

#include "common/strings.h"
#include "http/message.h"

namespace sluice::k8s {
namespace {

const std::vector<ResourceType>& Builtins() {
  static const std::vector<ResourceType> kTypes = {
      {"", "v1", "namespaces", "Namespace", false},
      {"", "v1", "configmaps", "ConfigMap", true},
      {"", "v1", "secrets", "Secret", true},
      {"", "v1", "services", "Service", true},
      {"", "v1", "serviceaccounts", "ServiceAccount", true},
      {"", "v1", "pods", "Pod", true},
      {"", "v1", "events", "Event", true},
      {"", "v1", "endpoints", "Endpoints", true},
      {"", "v1", "nodes", "Node", false},
      {"", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true},
      {"", "v1", "resourcequotas", "ResourceQuota", true},
      {"apps", "v1", "deployments", "Deployment", true},
      {"apps", "v1", "replicasets", "ReplicaSet", true},
      {"apps", "v1", "statefulsets", "StatefulSet", true},
      {"rbac.authorization.k8s.io", "v1", "roles", "Role", true},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", false},
      {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", false},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
       false},
      {"authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview", false},
      {"authorization.k8s.io", "v1", "subjectaccessreviews", "SubjectAccessReview", false},
      {"coordination.k8s.io", "v1", "leases", "Lease", true},
  };
  return kTypes;
}

const ResourceType& Find(std::string_view api_version, std::string_view kind) {
  return *BuiltinType(api_version, kind);
}

std::string Segment(std::string_view s) {
  return http::PercentEncode(s);
}

}  // namespace

const ResourceType* BuiltinType(std::string_view api_version, std::string_view kind) {
  for (const auto& t : Builtins()) {
    if (t.kind == kind && t.ApiVersion() == api_version) return &t;
  }
  return nullptr;
}

Result<ResourceType> TypeFromCrd(const nlohmann::json& crd, std::string_view version) {
  const nlohmann::json spec = crd.value("spec", nlohmann::json::object());
  const nlohmann::json names = spec.value("names", nlohmann::json::object());
  ResourceType t;
  t.group = spec.value("group", "");
  t.resource = names.value("plural", "");
  t.kind = names.value("kind", "");
  t.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
  for (const auto& v : spec.value("versions", nlohmann::json::array())) {
    std::string name = v.value("name", "");
    if (version.empty() ? v.value("storage", false) : name == version) t.version = name;
  }
  if (t.group.empty() || t.resource.empty() || t.kind.empty()) {
    return InvalidArgument(
        "not a CustomResourceDefinition: spec.group, spec.names.plural and "
        "spec.names.kind are required");
  }
  if (t.version.empty()) {
    return NotFound("CustomResourceDefinition " + t.resource + "." + t.group + " has no version " +
                    (version.empty() ? std::string("marked storage") : Quote(version)));
  }
  return t;
}

std::string CollectionPath(const ResourceType& type, std::string_view ns) {
  std::string p =
      type.group.empty() ? "/api/" + type.version : "/apis/" + type.group + "/" + type.version;
  if (type.namespaced && !ns.empty()) p += "/namespaces/" + Segment(ns);
  return p + "/" + type.resource;
}

std::string ObjectPath(const ResourceType& type, std::string_view ns, std::string_view name,
                       std::string_view subresource) {
  std::string p = CollectionPath(type, ns) + "/" + Segment(name);
  if (!subresource.empty()) p += "/" + std::string(subresource);
  return p;
}

std::string Describe(const ResourceType& type, std::string_view ns, std::string_view name) {
  std::string s = type.kind + " ";
  if (type.namespaced && !ns.empty()) s += std::string(ns) + "/";
  return s + std::string(name);
}

namespace types {
const ResourceType& Namespace() {
  return Find("v1", "Namespace");
}
const ResourceType& ConfigMap() {
  return Find("v1", "ConfigMap");
}
const ResourceType& Secret() {
  return Find("v1", "Secret");
}
const ResourceType& Service() {
  return Find("v1", "Service");
}
const ResourceType& ServiceAccount() {
  return Find("v1", "ServiceAccount");
}
const ResourceType& Pod() {
  return Find("v1", "Pod");
}
const ResourceType& Event() {
  return Find("v1", "Event");
}
const ResourceType& Deployment() {
  return Find("apps/v1", "Deployment");
}
const ResourceType& ReplicaSet() {
  return Find("apps/v1", "ReplicaSet");
}
const ResourceType& Role() {
  return Find("rbac.authorization.k8s.io/v1", "Role");
}
const ResourceType& RoleBinding() {
  return Find("rbac.authorization.k8s.io/v1", "RoleBinding");
}
const ResourceType& ClusterRole() {
  return Find("rbac.authorization.k8s.io/v1", "ClusterRole");
}
const ResourceType& ClusterRoleBinding() {
  return Find("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
}
const ResourceType& CustomResourceDefinition() {
  return Find("apiextensions.k8s.io/v1", "CustomResourceDefinition");
}
const ResourceType& SelfSubjectAccessReview() {
  return Find("authorization.k8s.io/v1", "SelfSubjectAccessReview");
}
}  // namespace types

}  // namespace sluice::k8s
