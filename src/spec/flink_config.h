// The Flink configuration a spec stands for, as the operator's FlinkConfigBuilder builds
// it: keys derived from spec fields, then the script's SET options, then the user's
// spec.flinkConfiguration (each later layer wins), validated against the catalog of the
// spec's Flink version.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "flinkconf/catalog.h"
#include "flinkconf/config_file.h"
#include "flinkconf/findings.h"
#include "spec/job_spec.h"

namespace sluice::spec {

struct EffectiveConfig {
  flinkconf::FlatConfig values;
  // Key -> where its value comes from: a spec field path ("spec.parallelism"), "SET in the
  // SQL script", or spec.flinkConfiguration["key"].
  std::map<std::string, std::string> origin;
  std::vector<flinkconf::Finding> findings;
  const flinkconf::Catalog* catalog = nullptr;
};

// The cluster id of a job: an explicit kubernetes.cluster-id in spec.flinkConfiguration,
// else ClusterIdFor(metadata.name).
std::string ClusterId(const JobSpec& job);

// Keys derived from spec fields, the first of each list that the version's catalog knows
// (so 1.17-1.19 get state.checkpoints.dir, 1.20 and 2.x execution.checkpointing.dir):
//   metadata.name -> pipeline.name (and kubernetes.cluster-id via ClusterId)
//   spec.target -> execution.target (not for operator)
//   spec.parallelism -> parallelism.default; spec.taskManager.slots ->
//   taskmanager.numberOfTaskSlots spec.jobManager/taskManager.resource.memory ->
//   {job,task}manager.memory.process.size spec.jobManager/taskManager.resource.cpu ->
//   kubernetes.{job,task}manager.cpu.amount spec.jobManager.replicas ->
//   kubernetes.jobmanager.replicas spec.namespace, image, imagePullPolicy, serviceAccount,
//   restService.exposure ->
//     kubernetes.namespace, kubernetes.container.image.ref (kubernetes.container.image
//     before it existed), kubernetes.container.image.pull-policy,
//     kubernetes.service-account, kubernetes.rest-service.exposed.type
//   spec.savepointDirectory -> execution.checkpointing.savepoint-dir | state.savepoints.dir
//   spec.checkpointDirectory -> execution.checkpointing.dir | state.checkpoints.dir
//   spec.restore.path (modes path and auto) -> execution.state-recovery.path |
//     execution.savepoint.path; allowNonRestoredState -> ...ignore-unclaimed-state
//   spec.jar.jarURI -> pipeline.jars; spec.dependencies -> pipeline.classpaths
//   spec.env -> containerized.master.env.<K> and containerized.taskmanager.env.<K>
// Kubernetes keys only for Kubernetes targets. A SET or flinkConfiguration value that
// overrides a field-derived one with a different value is reported.
Result<EffectiveConfig> EffectiveFlinkConfiguration(const JobSpec& job,
                                                    const flinkconf::FlatConfig& sql_set = {});

}  // namespace sluice::spec
