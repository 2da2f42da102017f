// The route groups; ApiServer registers each of them on one ApiRoutes table. A new group
// (jobs, SQL, lineage) adds its function here and one line in api_server.cc.
#pragma once

#include "api/api_routes.h"
#include "api/services.h"

namespace sluice::api {

void AddAuthRoutes(ApiRoutes& routes, ApiServices& services);
void AddTeamRoutes(ApiRoutes& routes, ApiServices& services);
void AddUserRoutes(ApiRoutes& routes, ApiServices& services);
void AddClusterRoutes(ApiRoutes& routes, ApiServices& services);
void AddAuditRoutes(ApiRoutes& routes, ApiServices& services);
void AddEventRoutes(ApiRoutes& routes, ApiServices& services);
void AddSqlRoutes(ApiRoutes& routes, ApiServices& services);
void AddJobRoutes(ApiRoutes& routes, ApiServices& services);
void AddJobDetailRoutes(ApiRoutes& routes, ApiServices& services);  // exceptions, render, logs
void AddFlinkRoutes(ApiRoutes& routes, ApiServices& services);      // the option catalogs

// The body of POST /api/v1/jobs (and PUT, with `revision`; and POST /api/v1/render).
nlohmann::json JobBodySchema(bool update);

}  // namespace sluice::api
