// Installed Flink distributions, for the targets that run Flink's own client (YARN,
// local): name -> FLINK_HOME, the version read from the distribution itself
// (lib/flink-dist*.jar), the configuration directory and the Java it runs with. Each
// distribution is checked when it is registered, and a job finds the one it needs by its
// spec.flinkVersion.
#pragma once

#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "flink/rest_client.h"

namespace sluice::deploy {

struct FlinkDistribution {
  std::string name;                 // how jobs and messages name it ("1.20", "flink-prod")
  std::filesystem::path home;       // FLINK_HOME
  std::filesystem::path conf_dir;   // FLINK_CONF_DIR: home/conf unless registered otherwise
  std::string version;              // "1.20.1", from lib/flink-dist-1.20.1.jar
  flink::FlinkRelease release;      // 1.20
  std::filesystem::path java_home;  // JAVA_HOME given to the client; "" = java from PATH
  std::string java;                 // the java executable that was checked
  std::string java_version;         // "17.0.15", as `java -version` says

  std::filesystem::path FlinkBin() const { return home / "bin" / "flink"; }
  // 2.x has no run-application and no per-job mode: `flink run --target yarn-application`.
  bool HasRunApplication() const { return release.major < 2; }
};

struct DistributionOptions {
  std::string name;                 // "" = the version read from the distribution
  std::filesystem::path home;       // required
  std::filesystem::path conf_dir;   // "" = home/conf
  std::string expected_version;     // "1.20" or "1.20.1"; "" = whatever it is
  std::filesystem::path java_home;  // "" = $JAVA_HOME, else `java` on PATH
  std::string path_env;             // the PATH to find java in ("" = this process's)
  std::chrono::milliseconds java_timeout{30'000};
};

// "1.20.1" from "flink-dist-1.20.1.jar" or "flink-dist_2.12-1.17.2.jar".
Result<std::string> FlinkVersionFromDistJar(std::string_view file_name);
// "17.0.15" from `java -version` output (`openjdk version "17.0.15" 2025-04-15`); its
// major version (8 for "1.8.0_392").
Result<std::string> JavaVersionFromOutput(std::string_view output);
int JavaMajor(std::string_view java_version);

// Checks a distribution: bin/flink is an executable file, lib/ holds exactly one
// flink-dist jar (readable) that names the version, the configuration directory has
// Flink's configuration file (config.yaml, or flink-conf.yaml before 2.0), the version
// is the expected one, and `java -version` runs (argv, with a timeout) and is new
// enough for that Flink (2.x needs Java 11 or later). Errors say what is missing where.
Result<FlinkDistribution> InspectDistribution(const DistributionOptions& options);

// The registry: distributions by name, matched to what jobs ask for.
class FlinkVersions {
 public:
  // Inspects and adds; a second distribution with the same name is kAlreadyExists.
  Result<FlinkDistribution> Register(const DistributionOptions& options);
  // Adds an already inspected distribution (replacing one with the same name).
  void Add(FlinkDistribution distribution);
  // The distribution for a job's spec.flinkVersion: a registered name, else the exact
  // version ("1.20.1"), else the newest registered patch of that major.minor ("1.20",
  // "v1_20"). kNotFound lists what is registered.
  Result<FlinkDistribution> Find(std::string_view flink_version) const;
  std::vector<FlinkDistribution> List() const;

 private:
  mutable std::mutex mu_;
  std::vector<FlinkDistribution> distributions_;
};

}  // namespace sluice::deploy
