// What an HTTP status from a remote service means to its client, as an ErrorCode.
#pragma once

#include "common/result.h"

namespace sluice::http {

// 400, 401, 403, 404, 409 (kConflict), 429 and 504 as their codes, other 5xx kUnavailable,
// anything else kInternal. Clients of services with their own meanings (a Kubernetes 410,
// a reason) check those first.
ErrorCode ErrorCodeForStatus(int status);

}  // namespace sluice::http
