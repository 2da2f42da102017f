#include "deploy/deployer.h"

#include "common/redact.h"
#include "common/strings.h"
#include "deploy/cli_deployers.h"
#include "deploy/native_deployer.h"
#include "deploy/operator.h"
#include "spec/render.h"

namespace sluice::deploy {
namespace {

using Json = nlohmann::ordered_json;

// "key: value" lines of a Flink configuration file with secret keys masked.
std::string MaskConfigText(const std::string& text) {
  std::vector<std::string> lines = Split(text, '\n');
  for (auto& line : lines) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string key(Trim(line.substr(0, colon)));
    // kubernetes.env.secretKeyRef names Secrets; it holds no secret value.
    if (IsSecretKey(key) && !key.starts_with("kubernetes.env.secretKeyRef"))
      line = line.substr(0, colon) + ": " + std::string(kRedacted);
  }
  return Join(lines, "\n");
}

}  // namespace

Result<Operation> Deployer::DisposeSavepoint(const DeploymentRequest&, const std::string& path) {
  return Error{.code = ErrorCode::kUnimplemented,
               .message = "the " + std::string(spec::TargetName(target())) +
                          " target cannot dispose savepoints yet; " + path + " is still there",
               .hint = "delete its directory yourself once no job needs it"};
}

std::vector<nlohmann::ordered_json> Rendered::MaskedObjects() const {
  std::vector<Json> out = objects;
  for (auto& o : out) {
    std::string kind = o.value("kind", "");
    if (kind == "Secret") {
      for (const char* field : {"stringData", "data"}) {
        if (!o.contains(field)) continue;
        for (auto& [k, v] : o[field].items())
          v = std::string(kRedacted);
      }
    } else if (kind == "ConfigMap" && o.contains("data")) {
      for (auto& [k, v] : o["data"].items()) {
        if ((k == "config.yaml" || k == "flink-conf.yaml") && v.is_string()) {
          v = MaskConfigText(v.get<std::string>());
        }
      }
    } else if (kind == "FlinkDeployment" || kind == "FlinkSessionJob") {
      Json& conf = o["spec"]["flinkConfiguration"];
      if (conf.is_object()) {
        for (auto& [k, v] : conf.items()) {
          if (IsSecretKey(k) && !k.starts_with("kubernetes.env.secretKeyRef")) {
            v = std::string(kRedacted);
          }
        }
      }
    }
  }
  return out;
}

nlohmann::ordered_json Rendered::ToJson(bool mask_secrets) const {
  Json j = Json::object();
  j["objects"] = mask_secrets ? MaskedObjects() : objects;
  j["argv"] = argv;
  if (!env.empty()) j["env"] = env;
  j["warnings"] = warnings;
  return j;
}

std::string Rendered::ToYaml(bool mask_secrets) const {
  std::string out;
  for (const auto& o : mask_secrets ? MaskedObjects() : objects) {
    out += "---\n" + spec::JsonToYaml(o);
  }
  // CLI targets create no objects: their document is the client command (env is masked).
  if (!argv.empty()) {
    Json command = {{"argv", argv}};
    if (!env.empty()) command["env"] = env;
    out += "---\n" + spec::JsonToYaml(command);
  }
  return out;
}

Result<Rendered> RenderWithoutCluster(spec::Target target, const DeploymentRequest& request) {
  switch (target) {
    case spec::Target::kKubernetesApplication:
    case spec::Target::kKubernetesSession:
      return RenderNativeTarget(target, request);
    case spec::Target::kOperator:
      return RenderOperator(request);
    default:
      return RenderCliTarget(request, target, nullptr);
  }
}

Result<std::unique_ptr<Deployer>> NewDeployer(spec::Target target, ClusterTarget cluster) {
  switch (target) {
    case spec::Target::kKubernetesApplication:
    case spec::Target::kKubernetesSession:
    case spec::Target::kOperator:
      if (!cluster.kubernetes || !cluster.kubernetes->client) {
        return InvalidArgument("target " + std::string(spec::TargetName(target)) +
                               " needs a Kubernetes cluster (kubeconfig and context)");
      }
      if (target == spec::Target::kOperator) return NewOperatorDeployer(std::move(cluster));
      return NewNativeDeployer(target, std::move(cluster));
    default:
      return NewCliDeployer(target, cluster);
  }
}

}  // namespace sluice::deploy
