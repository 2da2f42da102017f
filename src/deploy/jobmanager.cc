#include "deploy/jobmanager.h"

#include "common/strings.h"
#include "k8s/resource.h"

namespace sluice::deploy {

flink::Transport ServiceProxyTransport(std::shared_ptr<k8s::Client> client, std::string ns,
                                       std::string service, std::string port) {
  return [client, ns, service, port](const flink::RestRequest& r) {
    return client->ProxyService(ns, service, port,
                                {.method = r.method,
                                 .path = r.path,
                                 .body = r.body,
                                 .content_type = r.content_type,
                                 .multipart = r.multipart,
                                 .timeout = r.timeout,
                                 .idempotent = r.idempotent});
  };
}

namespace {

std::string Substitute(std::string tmpl, const std::string& ns, const std::string& service) {
  tmpl = ReplaceAll(std::move(tmpl), "{namespace}", ns);
  return ReplaceAll(std::move(tmpl), "{service}", service);
}

// Candidate direct addresses of a Service: NodePort on each node address, LoadBalancer ingress.
std::vector<std::string> DirectUrls(k8s::Client& client, const std::string& ns,
                                    const std::string& service) {
  std::vector<std::string> out;
  auto svc = client.Get(k8s::types::Service(), ns, service);
  if (!svc.ok()) return out;
  const k8s::json spec = svc->value("spec", k8s::json::object());
  std::string type = spec.value("type", "ClusterIP");
  k8s::json port =
      spec.value("ports", k8s::json::array()).empty() ? k8s::json::object() : spec["ports"][0];
  if (type == "LoadBalancer") {
    for (const auto& ing : (*svc)["status"]
                               .value("loadBalancer", k8s::json::object())
                               .value("ingress", k8s::json::array())) {
      std::string host = ing.value("ip", ing.value("hostname", ""));
      if (!host.empty())
        out.push_back("http://" + host + ":" + std::to_string(port.value("port", 8081)));
    }
  }
  if ((type == "NodePort" || type == "LoadBalancer") && port.contains("nodePort")) {
    auto nodes = client.List(*k8s::BuiltinType("v1", "Node"), "", {.limit = 3});
    if (nodes.ok()) {
      for (const auto& n : nodes->value("items", k8s::json::array())) {
        for (const auto& a : n["status"].value("addresses", k8s::json::array())) {
          std::string t = a.value("type", "");
          if (t == "ExternalIP" || t == "InternalIP") {
            out.push_back("http://" + a.value("address", "") + ":" +
                          std::to_string(port.value("nodePort", 0)));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace

Result<flink::RestClient> JobManagerFor(const KubernetesTarget& target, const std::string& ns,
                                        const std::string& service,
                                        const std::string& flink_version) {
  SLUICE_ASSIGN_OR_RETURN(flink::FlinkRelease release, flink::FlinkRelease::Parse(flink_version));
  return flink::RestClient(JobManagerTransport(target, ns, service), release);
}

flink::Transport JobManagerTransport(const KubernetesTarget& target, const std::string& ns,
                                     const std::string& service) {
  if (!target.rest_url_template.empty())
    return flink::UrlTransport(Substitute(target.rest_url_template, ns, service));
  return ServiceProxyTransport(target.client, ns, service);
}

std::string WebInterfaceUrl(const KubernetesTarget& target, const std::string& ns,
                            const std::string& service, bool probe) {
  if (!target.rest_url_template.empty()) return Substitute(target.rest_url_template, ns, service);
  if (probe) {
    for (const auto& url : DirectUrls(*target.client, ns, service)) {
      http::ClientRequest req;
      req.url = url + "/overview";
      req.timeout = std::chrono::milliseconds(1000);
      req.connect_timeout = std::chrono::milliseconds(500);
      auto r = http::Send(req);
      if (r.ok() && r->status == 200) return url;
    }
  }
  return target.client->ServiceProxyUrl(ns, service, "rest");
}

}  // namespace sluice::deploy
