// Built-in resource types, their defaults and validation, and RBAC evaluation.
#include <algorithm>
#include <regex>

#include "sim/api.h"
#include "sim/json_schema.h"
#include "sim/names.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

ResourceType T(std::string group, std::string plural, std::string singular, std::string kind,
               bool namespaced, std::vector<std::string> shorts = {}, bool status = false) {
  ResourceType t;
  t.group = std::move(group);
  t.version = "v1";
  t.plural = std::move(plural);
  t.singular = std::move(singular);
  t.kind = std::move(kind);
  t.namespaced = namespaced;
  t.short_names = std::move(shorts);
  t.status_subresource = status;
  return t;
}

std::string ImagePullPolicyFor(const std::string& image) {
  auto slash = image.rfind('/');
  std::string last = slash == std::string::npos ? image : image.substr(slash + 1);
  if (image.find('@') != std::string::npos) return "IfNotPresent";
  auto colon = last.find(':');
  if (colon == std::string::npos || last.substr(colon + 1) == "latest") return "Always";
  return "IfNotPresent";
}

void DefaultContainer(json& c) {
  if (!c.contains("terminationMessagePath")) c["terminationMessagePath"] = "/dev/termination-log";
  if (!c.contains("terminationMessagePolicy")) c["terminationMessagePolicy"] = "File";
  if (!c.contains("imagePullPolicy") && c.contains("image") && c["image"].is_string()) {
    c["imagePullPolicy"] = ImagePullPolicyFor(c["image"].get<std::string>());
  }
  if (!c.contains("resources")) c["resources"] = json::object();
  if (c.contains("ports") && c["ports"].is_array()) {
    for (auto& p : c["ports"]) {
      if (p.is_object() && !p.contains("protocol")) p["protocol"] = "TCP";
    }
  }
}

void DefaultPodSpec(json& spec) {
  if (!spec.is_object()) return;
  if (!spec.contains("restartPolicy")) spec["restartPolicy"] = "Always";
  if (!spec.contains("dnsPolicy")) spec["dnsPolicy"] = "ClusterFirst";
  if (!spec.contains("schedulerName")) spec["schedulerName"] = "default-scheduler";
  if (!spec.contains("terminationGracePeriodSeconds")) spec["terminationGracePeriodSeconds"] = 30;
  if (!spec.contains("securityContext")) spec["securityContext"] = json::object();
  if (spec.contains("serviceAccount") && !spec.contains("serviceAccountName")) {
    spec["serviceAccountName"] = spec["serviceAccount"];
  }
  for (const char* key : {"containers", "initContainers"}) {
    if (spec.contains(key) && spec[key].is_array()) {
      for (auto& c : spec[key]) {
        if (c.is_object()) DefaultContainer(c);
      }
    }
  }
}

void AddCause(std::vector<json>& causes, const std::string& field, const std::string& reason,
              const std::string& message) {
  causes.push_back({{"reason", reason}, {"message", message}, {"field", field}});
}

std::string GoMap(const json& labels) {
  std::string s = "map[string]string{";
  bool first = true;
  for (auto& [k, v] : labels.items()) {
    s += (first ? "" : ", ") + std::string("\"") + k + "\":" + v.dump();
    first = false;
  }
  return s + "}";
}

void ValidateContainers(const json& spec, const std::string& path, std::vector<json>& causes) {
  if (!spec.is_object() || !spec.contains("containers") || !spec["containers"].is_array() ||
      spec["containers"].empty()) {
    AddCause(causes, path + ".containers", "FieldValueRequired", "Required value");
    return;
  }
  std::set<std::string> names;
  for (size_t i = 0; i < spec["containers"].size(); ++i) {
    const json& c = spec["containers"][i];
    std::string p = path + ".containers[" + std::to_string(i) + "]";
    std::string name = c.value("name", "");
    if (name.empty()) {
      AddCause(causes, p + ".name", "FieldValueRequired", "Required value");
    } else {
      for (auto& m : CheckDns1123Label(name)) {
        AddCause(causes, p + ".name", "FieldValueInvalid", "Invalid value: \"" + name + "\": " + m);
      }
      if (!names.insert(name).second) {
        AddCause(causes, p + ".name", "FieldValueDuplicate", "Duplicate value: \"" + name + "\"");
      }
    }
    if (!c.contains("image") || !c["image"].is_string() || c["image"].get<std::string>().empty()) {
      AddCause(causes, p + ".image", "FieldValueRequired", "Required value");
    }
    for (size_t j = 0; c.contains("ports") && c["ports"].is_array() && j < c["ports"].size(); ++j) {
      const json& port = c["ports"][j];
      int64_t n = port.value("containerPort", int64_t{0});
      if (n < 1 || n > 65535) {
        AddCause(
            causes, p + ".ports[" + std::to_string(j) + "].containerPort", "FieldValueInvalid",
            "Invalid value: " + std::to_string(n) + ": must be between 1 and 65535, inclusive");
      }
    }
  }
  for (size_t i = 0;
       spec.contains("volumes") && spec["volumes"].is_array() && i < spec["volumes"].size(); ++i) {
    std::string name = spec["volumes"][i].value("name", "");
    for (auto& m : CheckDns1123Label(name)) {
      AddCause(causes, path + ".volumes[" + std::to_string(i) + "].name", "FieldValueInvalid",
               "Invalid value: \"" + name + "\": " + m);
    }
  }
}

void ValidateWorkload(const json& obj, std::vector<json>& causes) {
  const json& spec = obj.value("spec", json::object());
  if (!spec.contains("selector") || !spec["selector"].is_object()) {
    AddCause(causes, "spec.selector", "FieldValueRequired", "Required value");
  } else {
    auto sel = LabelSelector::FromJson(spec["selector"]);
    json tlabels = spec.value("template", json::object())
                       .value("metadata", json::object())
                       .value("labels", json::object());
    Labels labels;
    for (auto& [k, v] : tlabels.items()) {
      if (v.is_string()) labels[k] = v.get<std::string>();
    }
    if (!sel.ok()) {
      AddCause(causes, "spec.selector", "FieldValueInvalid",
               "Invalid value: " + spec["selector"].dump() + ": " + sel.error().message);
    } else if (sel->empty()) {
      AddCause(causes, "spec.selector", "FieldValueInvalid",
               "Invalid value: " + spec["selector"].dump() +
                   ": empty selector is invalid for deployment");
    } else if (!sel->Matches(labels)) {
      AddCause(
          causes, "spec.template.metadata.labels", "FieldValueInvalid",
          "Invalid value: " + GoMap(tlabels) + ": `selector` does not match template `labels`");
    }
  }
  if (spec.contains("replicas") &&
      (!spec["replicas"].is_number_integer() || spec["replicas"].get<int64_t>() < 0)) {
    AddCause(causes, "spec.replicas", "FieldValueInvalid",
             "Invalid value: " + spec["replicas"].dump() + ": must be greater than or equal to 0");
  }
  ValidateContainers(spec.value("template", json::object()).value("spec", json::object()),
                     "spec.template.spec", causes);
}

void ValidateDataKeys(const json& obj, std::vector<json>& causes) {
  static const std::regex key_re("^[-._a-zA-Z0-9]+$");
  size_t total = 0;
  for (const char* field : {"data", "binaryData", "stringData"}) {
    if (!obj.contains(field) || !obj[field].is_object()) continue;
    for (auto& [k, v] : obj[field].items()) {
      if (!std::regex_match(k, key_re) || k.size() > 253) {
        AddCause(causes, std::string(field) + "[" + k + "]", "FieldValueInvalid",
                 "Invalid value: \"" + k +
                     "\": a valid config key must consist of alphanumeric characters, '-', '_' or "
                     "'.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
                     "validation is '[-._a-zA-Z0-9]+')");
      }
      if (v.is_string()) total += v.get<std::string>().size() + k.size();
    }
  }
  if (total > (1u << 20)) {
    AddCause(causes, "", "FieldValueTooLong", "Too long: must have at most 1048576 bytes");
  }
}

void ValidateService(const json& obj, std::vector<json>& causes) {
  const json& spec = obj.value("spec", json::object());
  std::string type = spec.value("type", "ClusterIP");
  static const std::set<std::string> types = {"ClusterIP", "NodePort", "LoadBalancer",
                                              "ExternalName"};
  if (!types.count(type)) {
    AddCause(causes, "spec.type", "FieldValueNotSupported",
             "Unsupported value: \"" + type +
                 "\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", "
                 "\"NodePort\"");
  }
  bool headless = spec.value("clusterIP", "") == "None";
  if (type != "ExternalName" && !headless &&
      (!spec.contains("ports") || !spec["ports"].is_array() || spec["ports"].empty())) {
    AddCause(causes, "spec.ports", "FieldValueRequired", "Required value");
  }
  const json ports = spec.value("ports", json::array());
  for (size_t i = 0; i < ports.size(); ++i) {
    std::string p = "spec.ports[" + std::to_string(i) + "]";
    int64_t port = ports[i].value("port", int64_t{0});
    if (port < 1 || port > 65535) {
      AddCause(
          causes, p + ".port", "FieldValueInvalid",
          "Invalid value: " + std::to_string(port) + ": must be between 1 and 65535, inclusive");
    }
    if (ports.size() > 1 && ports[i].value("name", "").empty()) {
      AddCause(causes, p + ".name", "FieldValueRequired", "Required value");
    }
    std::string name = ports[i].value("name", "");
    if (!name.empty()) {
      for (auto& m : CheckDns1123Label(name)) {
        AddCause(causes, p + ".name", "FieldValueInvalid", "Invalid value: \"" + name + "\": " + m);
      }
    }
  }
}

void ValidateCrd(const json& obj, std::vector<json>& causes) {
  const json& spec = obj.value("spec", json::object());
  std::string group = spec.value("group", "");
  const json& names = spec.value("names", json::object());
  std::string plural = names.value("plural", "");
  if (group.empty()) AddCause(causes, "spec.group", "FieldValueRequired", "Required value");
  if (plural.empty()) AddCause(causes, "spec.names.plural", "FieldValueRequired", "Required value");
  if (names.value("kind", "").empty())
    AddCause(causes, "spec.names.kind", "FieldValueRequired", "Required value");
  std::string scope = spec.value("scope", "");
  if (scope != "Namespaced" && scope != "Cluster") {
    AddCause(causes, "spec.scope", "FieldValueNotSupported",
             "Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"");
  }
  if (!spec.contains("versions") || !spec["versions"].is_array() || spec["versions"].empty()) {
    AddCause(causes, "spec.versions", "FieldValueRequired", "Required value");
  }
  std::string name = obj["metadata"].value("name", "");
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    AddCause(causes, "metadata.name", "FieldValueInvalid",
             "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group");
  }
}

// The rules of Kubernetes' default cluster roles, as far as the simulator's resources go.
json EditRules() {
  json write = {"create", "delete", "deletecollection", "patch", "update"};
  json read = {"get", "list", "watch"};
  return json::array({
      {{"apiGroups", {""}},
       {"resources",
        {"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets",
         "services/proxy"}},
       {"verbs", read}},
      {{"apiGroups", {""}}, {"resources", {"serviceaccounts"}}, {"verbs", {"impersonate"}}},
      {{"apiGroups", {""}},
       {"resources", {"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}},
       {"verbs", write}},
      {{"apiGroups", {""}}, {"resources", {"pods/eviction"}}, {"verbs", {"create"}}},
      {{"apiGroups", {""}},
       {"resources",
        {"configmaps", "events", "persistentvolumeclaims", "replicationcontrollers",
         "replicationcontrollers/scale", "secrets", "serviceaccounts", "services",
         "services/proxy"}},
       {"verbs", write}},
      {{"apiGroups", {""}}, {"resources", {"serviceaccounts/token"}}, {"verbs", {"create"}}},
      {{"apiGroups", {"apps"}},
       {"resources",
        {"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets",
         "replicasets/scale", "statefulsets", "statefulsets/scale"}},
       {"verbs", write}},
      {{"apiGroups", {"autoscaling"}},
       {"resources", {"horizontalpodautoscalers"}},
       {"verbs", write}},
      {{"apiGroups", {"batch"}}, {"resources", {"cronjobs", "jobs"}}, {"verbs", write}},
      {{"apiGroups", {"networking.k8s.io"}},
       {"resources", {"ingresses", "networkpolicies"}},
       {"verbs", write}},
      {{"apiGroups", {"coordination.k8s.io"}},
       {"resources", {"leases"}},
       {"verbs",
        {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}},
      {{"apiGroups", {""}},
       {"resources",
        {"configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status",
         "pods", "replicationcontrollers", "replicationcontrollers/scale", "serviceaccounts",
         "services", "services/status"}},
       {"verbs", read}},
      {{"apiGroups", {""}},
       {"resources",
        {"bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status",
         "replicationcontrollers/status", "resourcequotas", "resourcequotas/status"}},
       {"verbs", read}},
      {{"apiGroups", {""}}, {"resources", {"namespaces"}}, {"verbs", read}},
      {{"apiGroups", {"apps"}},
       {"resources",
        {"controllerrevisions", "daemonsets", "daemonsets/status", "deployments",
         "deployments/scale", "deployments/status", "replicasets", "replicasets/scale",
         "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status"}},
       {"verbs", read}},
      {{"apiGroups", {"autoscaling"}},
       {"resources", {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}},
       {"verbs", read}},
      {{"apiGroups", {"batch"}},
       {"resources", {"cronjobs", "cronjobs/status", "jobs", "jobs/status"}},
       {"verbs", read}},
      {{"apiGroups", {"networking.k8s.io"}},
       {"resources", {"ingresses", "ingresses/status", "networkpolicies"}},
       {"verbs", read}},
  });
}

bool Contains(const json& list, const std::string& v) {
  if (!list.is_array()) return false;
  for (const auto& e : list) {
    if (e.is_string() && (e.get<std::string>() == v || e.get<std::string>() == "*")) return true;
  }
  return false;
}

bool RuleAllows(const json& rule, const std::string& verb, const std::string& group,
                const std::string& resource, const std::string& sub, const std::string& name) {
  if (!Contains(rule.value("verbs", json::array()), verb)) return false;
  if (!Contains(rule.value("apiGroups", json::array()), group)) return false;
  std::string full = sub.empty() ? resource : resource + "/" + sub;
  bool res = false;
  for (const auto& r : rule.value("resources", json::array())) {
    std::string s = r.get<std::string>();
    if (s == "*" || s == full || (!sub.empty() && (s == resource + "/*" || s == "*/" + sub)))
      res = true;
  }
  if (!res) return false;
  const json names = rule.value("resourceNames", json::array());
  if (!names.empty() && !Contains(names, name)) return false;
  return true;
}

bool SubjectMatches(const json& subject, const Caller& c) {
  std::string kind = subject.value("kind", "");
  std::string name = subject.value("name", "");
  if (kind == "User") return name == c.user;
  if (kind == "Group") return std::find(c.groups.begin(), c.groups.end(), name) != c.groups.end();
  if (kind == "ServiceAccount") {
    return c.user == "system:serviceaccount:" + subject.value("namespace", "") + ":" + name;
  }
  return false;
}

}  // namespace

Caller Caller::ServiceAccount(const std::string& ns, const std::string& name) {
  return {"system:serviceaccount:" + ns + ":" + name,
          {"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"},
          false,
          ""};
}

void Api::RegisterBuiltins() {
  std::vector<ResourceType> types = {
      T("", "namespaces", "namespace", "Namespace", false, {"ns"}, true),
      T("", "configmaps", "configmap", "ConfigMap", true, {"cm"}),
      T("", "secrets", "secret", "Secret", true),
      T("", "services", "service", "Service", true, {"svc"}, true),
      T("", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}),
      T("", "pods", "pod", "Pod", true, {"po"}, true),
      T("", "events", "event", "Event", true, {"ev"}),
      T("", "endpoints", "endpoints", "Endpoints", true, {"ep"}),
      T("", "nodes", "node", "Node", false, {"no"}, true),
      T("apps", "deployments", "deployment", "Deployment", true, {"deploy"}, true),
      T("apps", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}, true),
      T("rbac.authorization.k8s.io", "roles", "role", "Role", true),
      T("rbac.authorization.k8s.io", "rolebindings", "rolebinding", "RoleBinding", true),
      T("rbac.authorization.k8s.io", "clusterroles", "clusterrole", "ClusterRole", false),
      T("rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding",
        "ClusterRoleBinding", false),
      T("apiextensions.k8s.io", "customresourcedefinitions", "customresourcedefinition",
        "CustomResourceDefinition", false, {"crd", "crds"}, true),
  };
  for (auto& t : types) {
    if (t.plural == "pods") t.log_subresource = true;
    if (t.plural == "deployments" || t.plural == "replicasets") t.scale_subresource = true;
    if (t.plural == "pods" || t.plural == "services" || t.plural == "deployments" ||
        t.plural == "replicasets") {
      t.categories = {"all"};
    }
    std::lock_guard lock(types_mu_);
    types_[t.key() + "/" + t.version] = t;
    builtin_by_key_[t.key()] = t;
  }
  // What every cluster starts with.
  auto now = NowRfc3339();
  auto seed = [&](const ResourceType& t, json obj) {
    obj["apiVersion"] = t.api_version();
    obj["kind"] = t.kind;
    obj["metadata"]["uid"] = NewUid();
    obj["metadata"]["creationTimestamp"] = now;
    store_.Create(t.key(), obj);
  };
  const auto& ns = builtin_by_key_["/namespaces"];
  const auto& sa = builtin_by_key_["/serviceaccounts"];
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    seed(ns, {{"metadata", {{"name", name}, {"labels", {{"kubernetes.io/metadata.name", name}}}}},
              {"spec", {{"finalizers", {"kubernetes"}}}},
              {"status", {{"phase", "Active"}}}});
    seed(sa, {{"metadata", {{"name", "default"}, {"namespace", name}}}});
  }
  const auto& cr = builtin_by_key_["rbac.authorization.k8s.io/clusterroles"];
  const auto& crb = builtin_by_key_["rbac.authorization.k8s.io/clusterrolebindings"];
  json all = json::array({{{"apiGroups", {"*"}}, {"resources", {"*"}}, {"verbs", {"*"}}},
                          {{"nonResourceURLs", {"*"}}, {"verbs", {"*"}}}});
  json bootstrap = {{"kubernetes.io/bootstrapping", "rbac-defaults"}};
  seed(cr, {{"metadata", {{"name", "cluster-admin"}, {"labels", bootstrap}}}, {"rules", all}});
  json admin_rules = EditRules();
  admin_rules.push_back(
      {{"apiGroups", {"rbac.authorization.k8s.io"}},
       {"resources", {"rolebindings", "roles"}},
       {"verbs",
        {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}});
  seed(cr, {{"metadata", {{"name", "admin"}, {"labels", bootstrap}}}, {"rules", admin_rules}});
  seed(cr, {{"metadata", {{"name", "edit"}, {"labels", bootstrap}}}, {"rules", EditRules()}});
  json view = json::array();
  for (auto& r : EditRules()) {
    if (r["verbs"] == json({"get", "list", "watch"})) view.push_back(r);
  }
  seed(cr, {{"metadata", {{"name", "view"}, {"labels", bootstrap}}}, {"rules", view}});
  seed(crb, {{"metadata", {{"name", "cluster-admin"}, {"labels", bootstrap}}},
             {"roleRef",
              {{"apiGroup", "rbac.authorization.k8s.io"},
               {"kind", "ClusterRole"},
               {"name", "cluster-admin"}}},
             {"subjects",
              {{{"apiGroup", "rbac.authorization.k8s.io"},
                {"kind", "Group"},
                {"name", "system:masters"}}}}});
  const auto& node = builtin_by_key_["/nodes"];
  seed(node,
       {{"metadata",
         {{"name", "sim-node-1"},
          {"labels", {{"kubernetes.io/hostname", "sim-node-1"}, {"kubernetes.io/os", "linux"}}}}},
        {"status",
         {{"conditions", {{{"type", "Ready"}, {"status", "True"}, {"reason", "KubeletReady"}}}},
          {"addresses",
           {{{"type", "InternalIP"}, {"address", "10.0.0.10"}},
            {{"type", "Hostname"}, {"address", "sim-node-1"}}}},
          {"nodeInfo",
           {{"kubeletVersion", "v1.32.0-sim"},
            {"containerRuntimeVersion", "sim://1.0"},
            {"osImage", "sluice-sim"},
            {"architecture", "amd64"},
            {"operatingSystem", "linux"}}}}}});
}

bool Api::Authorize(const Caller& c, const std::string& verb, const ResourceType& t,
                    const std::string& sub, const std::string& ns, const std::string& name) const {
  if (c.system) return true;
  if (std::find(c.groups.begin(), c.groups.end(), "system:masters") != c.groups.end()) return true;
  const auto& crb = builtin_by_key_.at("rbac.authorization.k8s.io/clusterrolebindings");
  const auto& rb = builtin_by_key_.at("rbac.authorization.k8s.io/rolebindings");
  auto allowed_by = [&](const json& binding, const std::string& binding_ns) {
    bool subject = false;
    for (const auto& s : binding.value("subjects", json::array()))
      subject = subject || SubjectMatches(s, c);
    if (!subject) return false;
    const json& ref = binding.value("roleRef", json::object());
    std::optional<Object> role;
    if (ref.value("kind", "") == "Role") {
      role = store_.Get("rbac.authorization.k8s.io/roles", binding_ns, ref.value("name", ""));
    } else {
      role = store_.Get("rbac.authorization.k8s.io/clusterroles", "", ref.value("name", ""));
    }
    if (!role) return false;
    for (const auto& rule : role->Json().value("rules", json::array())) {
      if (RuleAllows(rule, verb, t.group, t.plural, sub, name)) return true;
    }
    return false;
  };
  for (const auto& o : store_.List(crb.key(), "")) {
    if (allowed_by(o.Json(), "")) return true;
  }
  if (!ns.empty()) {
    for (const auto& o : store_.List(rb.key(), ns)) {
      if (allowed_by(o.Json(), ns)) return true;
    }
  }
  return false;
}

KStatus Api::Forbidden(const Caller& c, const std::string& verb, const ResourceType& t,
                       const std::string& sub, const std::string& ns,
                       const std::string& name) const {
  std::string what = t.qualified();
  std::string resource = sub.empty() ? t.plural : t.plural + "/" + sub;
  std::string msg = what + (name.empty() ? "" : " \"" + name + "\"") + " is forbidden: User \"" +
                    c.user + "\" cannot " + verb + " resource \"" + resource +
                    "\" in API group \"" + t.group + "\"" +
                    (ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"");
  json details = {{"kind", t.plural}};
  if (!name.empty()) details["name"] = name;
  if (!t.group.empty()) details["group"] = t.group;
  return MakeStatus(403, "Forbidden", msg, details);
}

void Api::ApplyDefaults(const ResourceType& t, json& obj) const {
  if (!t.builtin) return;
  if (t.plural == "pods") {
    DefaultPodSpec(obj["spec"]);
    if (!obj["spec"].contains("serviceAccountName")) obj["spec"]["serviceAccountName"] = "default";
    obj["spec"]["serviceAccount"] = obj["spec"]["serviceAccountName"];
    if (!obj.contains("status")) obj["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
  } else if (t.plural == "deployments" || t.plural == "replicasets") {
    json& spec = obj["spec"];
    if (!spec.contains("replicas")) spec["replicas"] = 1;
    if (!spec.contains("revisionHistoryLimit") && t.plural == "deployments")
      spec["revisionHistoryLimit"] = 10;
    if (t.plural == "deployments") {
      if (!spec.contains("progressDeadlineSeconds")) spec["progressDeadlineSeconds"] = 600;
      if (!spec.contains("strategy")) {
        spec["strategy"] = {{"type", "RollingUpdate"},
                            {"rollingUpdate", {{"maxUnavailable", "25%"}, {"maxSurge", "25%"}}}};
      }
    }
    if (spec.contains("template")) DefaultPodSpec(spec["template"]["spec"]);
    if (!obj.contains("status")) obj["status"] = json::object();
  } else if (t.plural == "services") {
    json& spec = obj["spec"];
    if (!spec.contains("type")) spec["type"] = "ClusterIP";
    if (!spec.contains("sessionAffinity")) spec["sessionAffinity"] = "None";
    if (spec["type"] != "ExternalName") {
      if (!spec.contains("ipFamilies")) spec["ipFamilies"] = {"IPv4"};
      if (!spec.contains("ipFamilyPolicy")) spec["ipFamilyPolicy"] = "SingleStack";
      if (!spec.contains("internalTrafficPolicy")) spec["internalTrafficPolicy"] = "Cluster";
    }
    if (spec.contains("ports") && spec["ports"].is_array()) {
      for (auto& p : spec["ports"]) {
        if (!p.contains("protocol")) p["protocol"] = "TCP";
        if (!p.contains("targetPort") && p.contains("port")) p["targetPort"] = p["port"];
      }
    }
    if (!obj.contains("status")) obj["status"] = {{"loadBalancer", json::object()}};
  } else if (t.plural == "namespaces") {
    obj["metadata"]["labels"]["kubernetes.io/metadata.name"] = obj["metadata"]["name"];
    obj["spec"] = {{"finalizers", {"kubernetes"}}};
    obj["status"] = {{"phase", "Active"}};
  } else if (t.plural == "secrets") {
    if (!obj.contains("type")) obj["type"] = "Opaque";
  }
}

std::optional<KStatus> Api::Validate(const ResourceType& t, const json& obj,
                                     const WriteOptions& opts, json* pruned) const {
  std::vector<json> causes;
  const json& md = obj["metadata"];
  std::string name = md.value("name", "");
  for (auto& m : CheckName(NameRuleFor(t.kind), name)) {
    AddCause(causes, "metadata.name", "FieldValueInvalid", "Invalid value: \"" + name + "\": " + m);
  }
  if (md.contains("labels") && md["labels"].is_object()) {
    for (auto& [k, v] : md["labels"].items()) {
      for (auto& m : CheckLabelKey(k)) {
        AddCause(causes, "metadata.labels", "FieldValueInvalid",
                 "Invalid value: \"" + k + "\": " + m);
      }
      std::string value = v.is_string() ? v.get<std::string>() : v.dump();
      for (auto& m : CheckLabelValue(value)) {
        AddCause(causes, "metadata.labels", "FieldValueInvalid",
                 "Invalid value: \"" + value + "\": " + m);
      }
    }
  }
  if (md.contains("annotations") && md["annotations"].is_object()) {
    size_t total = 0;
    for (auto& [k, v] : md["annotations"].items())
      total += k.size() + (v.is_string() ? v.get<std::string>().size() : v.dump().size());
    if (total > 262144) {
      AddCause(causes, "metadata.annotations", "FieldValueTooLong",
               "Too long: must have at most 262144 bytes");
    }
  }
  if (t.builtin) {
    if (t.plural == "pods") ValidateContainers(obj.value("spec", json::object()), "spec", causes);
    if (t.plural == "deployments" || t.plural == "replicasets") ValidateWorkload(obj, causes);
    if (t.plural == "configmaps" || t.plural == "secrets") ValidateDataKeys(obj, causes);
    if (t.plural == "services") ValidateService(obj, causes);
    if (t.plural == "customresourcedefinitions") ValidateCrd(obj, causes);
    if (t.plural == "rolebindings" || t.plural == "clusterrolebindings") {
      if (!obj.contains("roleRef") || obj["roleRef"].value("name", "").empty()) {
        AddCause(causes, "roleRef.name", "FieldValueRequired", "Required value");
      }
      std::string kind = obj.value("roleRef", json::object()).value("kind", "");
      if (kind != "Role" && kind != "ClusterRole") {
        AddCause(
            causes, "roleRef.kind", "FieldValueNotSupported",
            "Unsupported value: \"" + kind + "\": supported values: \"ClusterRole\", \"Role\"");
      }
    }
  } else if (t.schema) {
    SchemaValidator v(*t.schema,
                      {.reject_unknown_fields = opts.strict, .kubernetes_structural = true});
    json body = obj;
    body.erase("metadata");
    body.erase("apiVersion");
    body.erase("kind");
    json schema = *t.schema;
    if (schema.contains("properties")) {
      schema["properties"].erase("metadata");
      schema["properties"].erase("apiVersion");
      schema["properties"].erase("kind");
    }
    for (const auto& e : v.Validate(schema, body)) {
      std::string reason = e.kind == SchemaError::Kind::kRequired       ? "FieldValueRequired"
                           : e.kind == SchemaError::Kind::kEnum         ? "FieldValueNotSupported"
                           : e.kind == SchemaError::Kind::kUnknownField ? "FieldValueInvalid"
                                                                        : "FieldValueTypeInvalid";
      AddCause(causes, e.path, reason, e.message);
    }
    if (causes.empty() && pruned) {
      v.Prune(schema, body);
      *pruned = body;
      for (const char* k : {"metadata", "apiVersion", "kind"}) {
        if (obj.contains(k)) (*pruned)[k] = obj[k];
      }
    }
  }
  if (causes.empty()) return std::nullopt;
  std::string what = t.group.empty() ? t.kind : t.kind + "." + t.group;
  std::string msg = what + " \"" + name + "\" is invalid: ";
  auto line = [](const json& c) {
    std::string f = c["field"].get<std::string>();
    return (f.empty() ? std::string("<nil>") : f) + ": " + c["message"].get<std::string>();
  };
  if (causes.size() == 1) {
    msg += line(causes[0]);
  } else {
    msg += "[";
    for (size_t i = 0; i < causes.size(); ++i)
      msg += (i ? ", " : "") + line(causes[i]);
    msg += "]";
  }
  json details = {{"name", name}, {"kind", t.kind}, {"causes", causes}};
  if (!t.group.empty()) details["group"] = t.group;
  return MakeStatus(422, "Invalid", msg, details);
}

}  // namespace sluice::sim
