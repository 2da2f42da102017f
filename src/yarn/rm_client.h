// The YARN ResourceManager's REST API (/ws/v1/cluster), the part Sluice needs: cluster
// info, an application's state, final status, tracking URL and diagnostics, listing
// applications (by state, type and tags), and killing one (PUT .../state KILLED).
// Simple authentication only (`user.name`); Kerberos/SPNEGO is not supported.
//
//   yarn::ResourceManagerClient rm({.urls = {"http://rm:8088"}});
//   SLUICE_ASSIGN_OR_RETURN(yarn::Application app, rm.GetApplication(id));
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/client.h"

namespace sluice::yarn {

struct Application {
  std::string id;  // application_<cluster ts>_<n>
  std::string name;
  std::string user;
  std::string queue;
  std::string application_type;   // "Apache Flink"
  std::vector<std::string> tags;  // lower case, as YARN stores them
  // NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED
  std::string state;
  std::string final_status;    // UNDEFINED, SUCCEEDED, FAILED, KILLED
  std::string tracking_url;    // the RM's web proxy while it runs: http://rm:8088/proxy/<id>/
  std::string tracking_ui;     // ApplicationMaster, History
  std::string am_rpc_address;  // host:port the AM registered (Flink: its REST endpoint)
  std::string diagnostics;
  int64_t started_time = 0;
  int64_t finished_time = 0;

  bool Terminal() const { return state == "FINISHED" || state == "FAILED" || state == "KILLED"; }
  bool HasTag(std::string_view tag) const;
  static Application FromJson(const nlohmann::json& app);
};

struct ListFilter {
  std::vector<std::string> states;  // RM states; empty = all
  std::string application_type = "Apache Flink";
  std::vector<std::string> tags;  // any of them (applicationTags)
};

struct ResourceManagerOptions {
  // One or several (RM HA) web addresses: http://rm1:8088. A standby RM answers with a
  // redirect or "This is standby RM"; the next address is tried.
  std::vector<std::string> urls;
  http::TlsConfig tls;
  std::string user;  // user.name for simple authentication; "" = none
  std::chrono::milliseconds timeout{15'000};
  http::RetryPolicy retry;  // reads only
};

class ResourceManagerClient {
 public:
  explicit ResourceManagerClient(ResourceManagerOptions options);

  Result<nlohmann::json> ClusterInfo();
  // kNotFound when the RM does not know the id.
  Result<Application> GetApplication(std::string_view id);
  // Newest first (by start time). The tags filter is applied here too, for RMs that
  // ignore applicationTags.
  Result<std::vector<Application>> ListApplications(const ListFilter& filter);
  // PUT {"state":"KILLED"}; returns the state the RM reports. Killing a finished
  // application is not an error.
  Result<std::string> Kill(std::string_view id);

 private:
  Result<http::ClientResponse> Call(const std::string& method, const std::string& path,
                                    const std::string& body, bool idempotent);

  ResourceManagerOptions options_;
  size_t active_ = 0;  // index of the RM that answered last
};

bool IsApplicationId(std::string_view s);

}  // namespace sluice::yarn
