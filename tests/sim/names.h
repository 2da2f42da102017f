// Kubernetes' own rules for names and labels (k8s.io/apimachinery/pkg/util/validation),
// with its messages, so a client sees what a real API server says.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sluice::sim {

// Each returns the problems ("" = fine), worded as the API server words them.
std::vector<std::string> CheckDns1123Subdomain(const std::string& value);
std::vector<std::string> CheckDns1123Label(const std::string& value);
std::vector<std::string> CheckDns1035Label(const std::string& value);
std::vector<std::string> CheckPathSegmentName(const std::string& value);
std::vector<std::string> CheckLabelKey(const std::string& key);
std::vector<std::string> CheckLabelValue(const std::string& value);

enum class NameRule { kSubdomain, kLabel, kDns1035, kPathSegment };
// The rule for metadata.name of a kind: Namespace is a label, Service DNS-1035, RBAC
// objects a path segment, everything else a subdomain.
NameRule NameRuleFor(const std::string& kind);
std::vector<std::string> CheckName(NameRule rule, const std::string& value);

}  // namespace sluice::sim
