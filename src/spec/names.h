// Names that end up in Kubernetes and Flink: the job name, the cluster id derived from
// it, labels, environment variables.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice::spec {

// Flink's limit for kubernetes.cluster-id (its objects add suffixes such as
// -taskmanager-1-1 and must stay within Kubernetes' 63 characters).
inline constexpr size_t kMaxClusterIdLength = 45;
// A DNS-1035 label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 characters.
inline constexpr size_t kMaxLabelLength = 63;

bool IsDns1035Label(std::string_view s);
// What the error says when a name is not one, and a corrected name to suggest ("" when
// nothing sensible remains).
std::string Dns1035Problem(std::string_view s);
std::string SuggestDns1035(std::string_view s);

// The Flink cluster id of a job, from its name alone (not its namespace), so that the
// same job always maps to the same Kubernetes objects:
//   - the name itself when it is a DNS-1035 label of at most 45 characters;
//   - otherwise the name made a DNS-1035 label (SuggestDns1035), cut to 36 characters
//     (trailing '-' removed), then '-' and 8 hex digits of the FNV-1a 64-bit hash of the
//     original name: 45 characters at most.
std::string ClusterIdFor(std::string_view job_name);
// Checks an explicit kubernetes.cluster-id against Kubernetes' and Flink's rules.
Status CheckClusterId(std::string_view id);

// Kubernetes label keys ([prefix/]name) and values.
bool IsLabelKey(std::string_view s);
bool IsLabelValue(std::string_view s);
bool IsEnvName(std::string_view s);

}  // namespace sluice::spec
