// Routes that describe the server itself: health, readiness, metrics, version.
#pragma once

#include "http/router.h"
#include "store/store.h"

namespace sluice::api {

void AddSystemRoutes(http::Router& router, store::Store& store);

}  // namespace sluice::api
