// Names of teams, clusters and users: what the API accepts, so that a name is safe in a URL
// path, a Kubernetes object name and a file name, and can never climb out of a directory.
//
//   teams, clusters (and other resources): a DNS-1123 label — 1 to 63 characters, lower-case
//     letters, digits and '-', starting and ending with a letter or digit.
//   users: the same, and '.' and '_' inside (jane.doe, ci_bot).
#pragma once

#include <string_view>

#include "common/result.h"

namespace sluice::api {

bool IsResourceName(std::string_view name);
bool IsUserName(std::string_view name);

// InvalidArgument naming `what` ("team name") and the rule, or Ok.
Status ValidateResourceName(std::string_view name, std::string_view what);
Status ValidateUserName(std::string_view name);

}  // namespace sluice::api
