// Canonical renderings of a job spec: fixed field order (as in docs/job-spec.md), unset
// fields left out, so parse -> render -> parse gives the same spec.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "spec/job_spec.h"

namespace sluice::spec {

nlohmann::ordered_json ToJson(const JobSpec& job);
std::string RenderJson(const JobSpec& job);  // 2-space indented, trailing newline
std::string RenderYaml(const JobSpec& job);  // block style; multi-line strings as | blocks

// Any JSON value as block YAML (used for specs and for pod templates).
std::string JsonToYaml(const nlohmann::ordered_json& value);

}  // namespace sluice::spec
