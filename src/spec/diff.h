// What changed between two versions of a job spec, and what the change needs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spec/job_spec.h"

namespace sluice::spec {

// Ordered by how much a change disturbs the running job.
enum class Impact {
  kNone,         // Sluice-side only: restart policy, savepoint schedule, labels, ...
  kStateChange,  // spec.state: suspend or resume
  kRedeploy,     // the Flink cluster must be redeployed (upgradeMode decides how)
  kRecreate,     // a new identity or place: the old job is removed, a new one created
};
std::string_view ImpactName(Impact i);

struct Change {
  std::string path;       // spec.taskManager.resource.memory, spec.flinkConfiguration["a.b"]
  std::string old_value;  // JSON text; "" when absent; secrets masked
  std::string new_value;
  Impact impact = Impact::kRedeploy;
};

struct SpecDiff {
  std::vector<Change> changes;    // sorted by path
  Impact impact = Impact::kNone;  // the largest of the changes
  bool empty() const { return changes.empty(); }
};

// Compares field by field (lists as whole values). Classification, by path:
//   metadata.name -> recreate (the cluster id changes);
//   spec.target, spec.cluster, spec.sessionCluster, spec.namespace -> recreate;
//   spec.state -> state change;
//   metadata.team, metadata.labels, spec.restartPolicy, spec.savepointSchedule,
//   spec.upgradeMode, spec.restore, spec.savepointDirectory -> none (Sluice uses them
//   itself, or at the next start);
//   everything else -> redeploy.
// Values of secret-looking keys and secrets in SQL text are masked.
SpecDiff Diff(const JobSpec& before, const JobSpec& after);

// SQL with the values of secret options ('password' = '...') masked.
std::string MaskSqlSecrets(std::string_view sql);

}  // namespace sluice::spec
