#include "deploy/preflight.h"

#include <algorithm>

#include "common/strings.h"
#include "deploy/operator.h"
#include "spec/flink_config.h"
#include "spec/render.h"

namespace sluice::deploy {
namespace {

using k8s::json;
using Json = nlohmann::ordered_json;

const std::vector<std::string> kAllVerbs = {"get",    "list",  "watch", "create",
                                            "update", "patch", "delete"};

bool Has(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const auto& v : list) {
    if (v.is_string() && (v.get<std::string>() == value || v.get<std::string>() == "*"))
      return true;
  }
  return false;
}

bool ResourceMatches(const json& resources, const std::string& resource) {
  if (!resources.is_array()) return false;
  std::string base = resource.substr(0, resource.find('/'));
  bool sub = resource.find('/') != std::string::npos;
  for (const auto& r : resources) {
    if (!r.is_string()) continue;
    std::string s = r.get<std::string>();
    if (s == "*" || s == resource) return true;
    if (sub && s == base + "/*") return true;
  }
  return false;
}

std::string Qualified(const RbacRule& r) {
  return r.api_group.empty() ? r.resource
                             : r.resource.substr(0, r.resource.find('/')) + "." + r.api_group +
                                   (r.resource.find('/') == std::string::npos
                                        ? ""
                                        : r.resource.substr(r.resource.find('/')));
}

bool BindsServiceAccount(const json& binding, const std::string& ns, const std::string& sa) {
  for (const auto& s : binding.value("subjects", json::array())) {
    std::string kind = s.value("kind", "");
    std::string name = s.value("name", "");
    if (kind == "ServiceAccount" && name == sa && s.value("namespace", ns) == ns) return true;
    if (kind == "Group" &&
        (name == "system:serviceaccounts" || name == "system:serviceaccounts:" + ns ||
         name == "system:authenticated")) {
      return true;
    }
  }
  return false;
}

}  // namespace

const std::vector<RbacRule>& JobManagerRules() {
  static const std::vector<RbacRule> rules = {
      {"", "pods", kAllVerbs},
      {"", "configmaps", kAllVerbs},
      {"apps", "deployments", {"get", "delete"}},
      {"apps", "deployments/finalizers", {"update"}},
  };
  return rules;
}

nlohmann::ordered_json JobManagerRole(const std::string& ns) {
  Json rules = Json::array();
  rules.push_back(
      {{"apiGroups", {""}}, {"resources", {"pods", "configmaps"}}, {"verbs", kAllVerbs}});
  rules.push_back(
      {{"apiGroups", {"apps"}}, {"resources", {"deployments"}}, {"verbs", {"get", "delete"}}});
  rules.push_back(
      {{"apiGroups", {"apps"}}, {"resources", {"deployments/finalizers"}}, {"verbs", {"update"}}});
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "Role"},
          {"metadata", {{"name", std::string(kRoleName)}, {"namespace", ns}}},
          {"rules", rules}};
}

nlohmann::ordered_json JobManagerRoleBinding(const std::string& ns, const std::string& sa) {
  return {{"apiVersion", "rbac.authorization.k8s.io/v1"},
          {"kind", "RoleBinding"},
          {"metadata", {{"name", std::string(kRoleName) + "-" + sa}, {"namespace", ns}}},
          {"roleRef",
           {{"apiGroup", "rbac.authorization.k8s.io"},
            {"kind", "Role"},
            {"name", std::string(kRoleName)}}},
          {"subjects", {{{"kind", "ServiceAccount"}, {"name", sa}, {"namespace", ns}}}}};
}

bool RulesAllow(const json& rules, const std::string& group, const std::string& resource,
                const std::string& verb) {
  for (const auto& r : rules.is_array() ? rules : json::array()) {
    if (r.contains("resourceNames") && !r["resourceNames"].empty()) continue;  // named objects only
    if (Has(r.value("apiGroups", json::array()), group) &&
        ResourceMatches(r.value("resources", json::array()), resource) &&
        Has(r.value("verbs", json::array()), verb)) {
      return true;
    }
  }
  return false;
}

std::string PreflightReport::Message(const std::string& command_hint) const {
  if (ok()) return "preflight passed for service account " + namespace_ + "/" + service_account;
  std::string m = "preflight found " + std::to_string(missing.size()) + " problem" +
                  (missing.size() == 1 ? "" : "s") + " in namespace " + namespace_ + ":\n";
  for (const auto& x : missing)
    m += "  - " + x + "\n";
  for (const auto& n : notes)
    m += "  (" + n + ")\n";
  if (!fix_yaml.empty()) {
    m += "fix: " + command_hint + "\n     or have an administrator apply:\n";
    for (const auto& line : Split(fix_yaml, '\n')) {
      if (!line.empty()) m += "       " + line + "\n";
    }
  }
  return m;
}

Result<PreflightReport> Preflight(k8s::Client& client, const DeploymentRequest& request,
                                  spec::Target target, const PreflightOptions& options) {
  PreflightReport report;
  const std::string& ns = request.namespace_;
  report.namespace_ = ns;
  // The service account Flink's JobManager runs as, the way Flink chooses it.
  SLUICE_ASSIGN_OR_RETURN(spec::EffectiveConfig eff,
                          spec::EffectiveFlinkConfiguration(request.job));
  auto pick = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys) {
      auto it = eff.values.find(k);
      if (it != eff.values.end() && !it->second.empty()) return it->second;
    }
    return std::string("default");
  };
  const std::string sa =
      pick({"kubernetes.jobmanager.service-account", "kubernetes.service-account"});
  const std::string tm_sa =
      pick({"kubernetes.taskmanager.service-account", "kubernetes.service-account"});
  report.service_account = sa;
  std::vector<Json> fixes;

  auto apply = [&](const Json& obj) -> Status {
    const k8s::ResourceType* t =
        k8s::BuiltinType(obj.value("apiVersion", ""), obj.value("kind", ""));
    auto r = client.Apply(*t, obj["metadata"].value("namespace", ""), json::parse(obj.dump()),
                          {.field_manager = options.field_manager, .force = true});
    if (!r.ok()) return std::move(r).error();
    return Status::Ok();
  };
  auto need = [&](const std::string& what, const Json& object) {
    if (options.setup) {
      Status st = apply(object);
      if (st.ok()) {
        report.created.push_back(what);
        return;
      }
      report.missing.push_back(what + " (could not create it: " + st.error().message + ")");
    } else {
      report.missing.push_back(what);
    }
    fixes.push_back(object);
  };

  // 1. The namespace.
  auto nsobj = client.Get(k8s::types::Namespace(), "", ns);
  bool ns_exists = nsobj.ok();
  if (!nsobj.ok() && !k8s::IsNotFound(nsobj.error())) {
    report.notes.push_back("could not read namespace " + ns + ": " + nsobj.error().message);
  } else if (ns_exists) {
    report.passed.push_back("namespace " + ns + " exists");
  } else {
    need("namespace " + ns,
         Json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  }

  // 2. The service accounts.
  std::vector<std::string> accounts = {sa};
  if (tm_sa != sa) accounts.push_back(tm_sa);
  for (const auto& account : accounts) {
    auto got = ns_exists ? client.Get(k8s::types::ServiceAccount(), ns, account)
                         : Result<json>(NotFound("namespace missing"));
    if (got.ok()) {
      report.passed.push_back("service account " + ns + "/" + account + " exists");
    } else if (k8s::IsNotFound(got.error())) {
      need("service account " + ns + "/" + account,
           Json{{"apiVersion", "v1"},
                {"kind", "ServiceAccount"},
                {"metadata", {{"name", account}, {"namespace", ns}}}});
    } else {
      report.notes.push_back("could not read service account " + account + ": " +
                             got.error().message);
    }
  }

  // 3. The JobManager's rights, from the roles bound to its service account.
  std::vector<json> rules;
  bool rbac_readable = true;
  if (ns_exists) {
    auto bindings = client.ListAll(k8s::types::RoleBinding(), ns);
    auto cluster_bindings = client.ListAll(k8s::types::ClusterRoleBinding(), "");
    if (!bindings.ok() || !cluster_bindings.ok()) {
      rbac_readable = false;
      report.notes.push_back(
          "could not read the RBAC bindings to check the service account's "
          "rights: " +
          (!bindings.ok() ? bindings.error().message : cluster_bindings.error().message));
    } else {
      auto collect = [&](const json& binding, const std::string& binding_ns) {
        if (!BindsServiceAccount(binding, ns, sa)) return;
        const json ref = binding.value("roleRef", json::object());
        auto role = ref.value("kind", "") == "Role"
                        ? client.Get(k8s::types::Role(), binding_ns, ref.value("name", ""))
                        : client.Get(k8s::types::ClusterRole(), "", ref.value("name", ""));
        if (role.ok()) rules.push_back(role->value("rules", json::array()));
      };
      for (const auto& b : *bindings)
        collect(b, ns);
      for (const auto& b : *cluster_bindings)
        collect(b, "");
    }
  }
  if (rbac_readable) {
    std::vector<std::string> lacking;
    for (const auto& rule : JobManagerRules()) {
      std::vector<std::string> verbs;
      for (const auto& verb : rule.verbs) {
        bool allowed = false;
        for (const auto& r : rules)
          allowed = allowed || RulesAllow(r, rule.api_group, rule.resource, verb);
        if (!allowed) verbs.push_back(verb);
      }
      if (!verbs.empty()) lacking.push_back(Qualified(rule) + ": " + Join(verbs, ", "));
    }
    if (lacking.empty()) {
      report.passed.push_back("service account " + ns + "/" + sa + " has the JobManager's rights");
    } else {
      std::string what = "rights of service account " + ns + "/" + sa +
                         " (Flink's JobManager needs them): " + Join(lacking, "; ");
      if (options.setup) {
        Status a = apply(JobManagerRole(ns));
        Status b = a.ok() ? apply(JobManagerRoleBinding(ns, sa)) : a;
        if (a.ok() && b.ok()) {
          report.created.push_back("Role " + ns + "/" + std::string(kRoleName) +
                                   " and RoleBinding " + ns + "/" + std::string(kRoleName) + "-" +
                                   sa);
        } else {
          report.missing.push_back(what + " (could not create the Role: " +
                                   (a.ok() ? b.error().message : a.error().message) + ")");
          fixes.push_back(JobManagerRole(ns));
          fixes.push_back(JobManagerRoleBinding(ns, sa));
        }
      } else {
        report.missing.push_back(what);
        fixes.push_back(JobManagerRole(ns));
        fixes.push_back(JobManagerRoleBinding(ns, sa));
      }
    }
  }

  // 4. The operator's resource types.
  if (target == spec::Target::kOperator) {
    for (const char* kind : {"FlinkDeployment", "FlinkSessionJob"}) {
      auto t = client.ResolveKind(kOperatorApiVersion, kind);
      if (t.ok()) {
        report.passed.push_back(std::string(kind) + " is served");
      } else if (k8s::IsNotFound(t.error())) {
        report.missing.push_back(std::string("the Flink Kubernetes Operator's ") + kind +
                                 " CustomResourceDefinition (install the operator's Helm chart)");
      } else {
        report.notes.push_back(std::string("could not check ") + kind + ": " + t.error().message);
      }
    }
  }

  for (const auto& f : fixes)
    report.fix_yaml += "---\n" + spec::JsonToYaml(f);
  return report;
}

}  // namespace sluice::deploy
