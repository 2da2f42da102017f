#include "observe/slim.h"

#include <string>

namespace sluice::observe {
namespace {

using nlohmann::json;

constexpr std::string_view kKeptAnnotationPrefix = "sluice.dev/";

bool IsOperatorKind(const std::string& kind) {
  return kind == "FlinkDeployment" || kind == "FlinkSessionJob";
}

json SlimMetadata(const json& meta) {
  json out = json::object();
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "generation", "labels",
                        "deletionTimestamp", "ownerReferences", "creationTimestamp"}) {
    if (meta.contains(k)) out[k] = meta[k];
  }
  if (meta.contains("annotations") && meta["annotations"].is_object()) {
    json kept = json::object();
    for (const auto& [k, v] : meta["annotations"].items()) {
      if (k.rfind(kKeptAnnotationPrefix, 0) == 0) kept[k] = v;
    }
    if (!kept.empty()) out["annotations"] = std::move(kept);
  }
  return out;
}

json SlimContainerStatuses(const json& list) {
  json out = json::array();
  if (!list.is_array()) return out;
  for (const auto& cs : list) {
    json c = json::object();
    for (const char* k : {"name", "ready", "restartCount", "state", "lastState", "started"}) {
      if (cs.contains(k)) c[k] = cs[k];
    }
    out.push_back(std::move(c));
  }
  return out;
}

json SlimPodStatus(const json& status) {
  json out = json::object();
  for (const char* k : {"phase", "reason", "message"}) {
    if (status.contains(k)) out[k] = status[k];
  }
  if (status.contains("conditions") && status["conditions"].is_array()) {
    json conds = json::array();
    for (const auto& c : status["conditions"]) {
      json kept = json::object();
      for (const char* k : {"type", "status", "reason", "message"}) {
        if (c.contains(k)) kept[k] = c[k];
      }
      conds.push_back(std::move(kept));
    }
    out["conditions"] = std::move(conds);
  }
  for (const char* k : {"containerStatuses", "initContainerStatuses"}) {
    if (status.contains(k)) out[k] = SlimContainerStatuses(status[k]);
  }
  return out;
}

}  // namespace

json Slim(json object) {
  json out = json::object();
  for (const char* k : {"apiVersion", "kind"}) {
    if (object.contains(k)) out[k] = std::move(object[k]);
  }
  std::string kind = out.value("kind", "");
  out["metadata"] = SlimMetadata(object.value("metadata", json::object()));
  if (object.contains("status") && object["status"].is_object()) {
    json& status = object["status"];
    if (kind == "Pod") {
      out["status"] = SlimPodStatus(status);
    } else {
      if (IsOperatorKind(kind) && status.contains("reconciliationStatus") &&
          status["reconciliationStatus"].is_object()) {
        status["reconciliationStatus"].erase("lastReconciledSpec");
        status["reconciliationStatus"].erase("lastStableSpec");
      }
      out["status"] = std::move(status);
    }
  }
  return out;
}

std::string ClusterIdOf(const json& object) {
  const json meta = object.value("metadata", json::object());
  if (IsOperatorKind(object.value("kind", ""))) return meta.value("name", "");
  const json labels = meta.value("labels", json::object());
  return labels.is_object() ? labels.value("app", "") : "";
}

}  // namespace sluice::observe
