// What route handlers reach: the store and the small service classes, built once by
// ApiServer. Routes added later take what they need from here.
#pragma once

#include <memory>

#include "api/audit_log.h"
#include "api/auth_options.h"
#include "api/auth_service.h"
#include "api/authenticator.h"
#include "api/cluster_service.h"
#include "api/job_logs.h"
#include "api/job_service.h"
#include "api/user_service.h"
#include "store/store.h"

namespace sluice::api {

class EventHub;

struct ApiServices {
  store::Store& store;
  const AuthOptions& auth_options;
  Clock clock;
  Authenticator& authenticator;
  AuthService& auth;
  AuditLog& audit;
  UserService& users;
  ClusterService& clusters;
  EventHub& events;
  JobService& jobs;
  JobLogs& logs;  // the log source of GET /api/v1/jobs/{name}/logs, set by serve
};

}  // namespace sluice::api
