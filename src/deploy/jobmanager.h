// Reaching a JobManager's REST API on Kubernetes: through the API server's service proxy
// (k8s::Client::ProxyService wrapped as a flink::Transport) or a direct URL, and the web
// interface address to print.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "deploy/deployer.h"
#include "flink/rest_client.h"
#include "k8s/client.h"

namespace sluice::deploy {

// A flink::Transport through the service proxy: /api/v1/namespaces/NS/services/SVC:PORT/proxy.
flink::Transport ServiceProxyTransport(std::shared_ptr<k8s::Client> client, std::string ns,
                                       std::string service, std::string port = "rest");

// How to reach the JobManager behind `service` (<cluster-id>-rest): the target's URL
// template when set, else the service proxy.
flink::Transport JobManagerTransport(const KubernetesTarget& target, const std::string& ns,
                                     const std::string& service);

// The REST client of the JobManager behind `service` (<cluster-id>-rest).
Result<flink::RestClient> JobManagerFor(const KubernetesTarget& target, const std::string& ns,
                                        const std::string& service,
                                        const std::string& flink_version);

// The address that answers Flink's REST API: the URL template when set; else, with
// `probe`, the service's own address when it answers from here (NodePort on a node
// address, LoadBalancer ingress); else the API server's service proxy URL.
std::string WebInterfaceUrl(const KubernetesTarget& target, const std::string& ns,
                            const std::string& service, bool probe = false);

}  // namespace sluice::deploy
