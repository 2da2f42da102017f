// What the watch cache keeps of an object: what the deployers' Observe and the change
// notifications read, and nothing else, so 10,000 deployments fit in a few hundred MiB.
// Kept: apiVersion, kind; metadata name, namespace, uid, resourceVersion, generation,
// labels, deletionTimestamp, ownerReferences and the annotations under sluice.dev/; the
// status (for pods: phase, conditions, container states and restart counts; for operator
// resources: all of it but the reconciled specs it repeats). Dropped: spec, managedFields,
// every other annotation.
#pragma once

#include <nlohmann/json.hpp>

namespace sluice::observe {

nlohmann::json Slim(nlohmann::json object);

// The deployment an object belongs to: its `app` label (native objects), or its own name
// for the operator's FlinkDeployment and FlinkSessionJob; "" when neither applies.
std::string ClusterIdOf(const nlohmann::json& object);

}  // namespace sluice::observe
