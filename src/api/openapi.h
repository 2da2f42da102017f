// The OpenAPI 3 document, built from the route table: every registered route with its
// access rule, parameters, request and response schemas. Since the document is generated
// from the routes and the same schemas validate requests, it cannot drift from them;
// tests/api/openapi_test.cc checks the served document against the router anyway.
#pragma once

#include <nlohmann/json.hpp>

#include "api/api_routes.h"

namespace sluice::api {

nlohmann::json BuildOpenApi(const ApiRoutes& routes);

}  // namespace sluice::api
