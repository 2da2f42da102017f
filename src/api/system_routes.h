// Routes that describe the server itself: health, readiness, metrics, version.
#pragma once

#include "api/api_routes.h"
#include "store/store.h"

namespace sluice::api {

// Public: no credentials needed (load balancers and Prometheus call them).
void AddSystemRoutes(ApiRoutes& routes, store::Store& store);

}  // namespace sluice::api
