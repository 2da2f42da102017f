// What a session cluster needs to run a job through its REST API: the jar to upload
// (the user's, fetched from file:// or http(s)://; the 1.x SQL runner; or, for Flink 2.x
// SQL, an empty jar whose entry class Flink's SqlDriver comes from the cluster's own
// classpath), and for SQL the script, uploaded as a file of its own and read by path.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "deploy/deployer.h"

namespace sluice::deploy {

struct SessionJar {
  std::string jar_name;
  std::string jar_bytes;
  std::string entry_class;
  std::vector<std::string> args;  // "@SCRIPT@" stands for the uploaded script's path
  std::string script_name;        // "" for JAR jobs
  std::string script_bytes;
  std::map<std::string, std::string> configuration;  // the job's flinkConfiguration
};

Result<SessionJar> PrepareSessionJar(const DeploymentRequest& request,
                                     const KubernetesTarget& target);

// A valid, empty jar (a zip holding META-INF/MANIFEST.MF).
std::string EmptyJar();

}  // namespace sluice::deploy
