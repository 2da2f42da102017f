#include "api/job_logs.h"

#include <algorithm>

#include "common/strings.h"
#include "k8s/client.h"
#include "k8s/resource.h"

namespace sluice::api {

Result<std::vector<std::string>> KubernetesJobLogs::Pods(const LogTarget& target,
                                                         const LogQuery& query) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<k8s::Client> client, client_for_(target.cluster));
  k8s::ListOptions options{.label_selector =
                               "app=" + target.cluster_id + ",component=" + query.component};
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json list,
                          client->List(k8s::types::Pod(), target.namespace_, options));
  std::vector<std::string> pods;
  if (list.contains("items") && list["items"].is_array()) {
    for (const auto& item : list["items"]) {
      std::string name = item.value("/metadata/name"_json_pointer, std::string());
      if (!name.empty() && (query.pod.empty() || name == query.pod)) pods.push_back(name);
    }
  }
  std::sort(pods.begin(), pods.end());
  if (pods.empty()) {
    return NotFound("no " + query.component + " pod" +
                    (query.pod.empty() ? "" : " " + Quote(query.pod)) + " of Flink cluster " +
                    Quote(target.cluster_id) + " in namespace " + Quote(target.namespace_))
        .Hint("the job may not be running; see its status and events");
  }
  return pods;
}

Status KubernetesJobLogs::Stream(const LogTarget& target, const std::string& pod,
                                 const LogQuery& query,
                                 const std::function<bool(std::string_view)>& on_data) {
  SLUICE_ASSIGN_OR_RETURN(std::shared_ptr<k8s::Client> client, client_for_(target.cluster));
  k8s::LogOptions options{.follow = query.follow, .tail_lines = query.tail_lines};
  // With on_data the log arrives there; the returned body is empty.
  auto done = client->Logs(target.namespace_, pod, options, on_data);
  if (!done.ok()) return std::move(done).error();
  return Status::Ok();
}

}  // namespace sluice::api
