// Decoding of the Kubernetes protobuf encoding (the "k8s\0" envelope around a
// runtime.Unknown) for the kinds kubectl's create commands send that way: Namespace,
// ServiceAccount, ConfigMap, Secret, Role, ClusterRole, RoleBinding, ClusterRoleBinding.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::sim {

Result<nlohmann::json> DecodeKubernetesProtobuf(const std::string& body);

}  // namespace sluice::sim
