// The exact Flink client command for a deployment: argv (never a shell line) and the
// complete environment, per target and Flink version.
//
//   1.x yarn-application  flink run-application -t yarn-application [opts] JAR [args]
//   2.x yarn-application  flink run -t yarn-application [opts] JAR [args]  (no run-application)
//   yarn-per-job (1.x)    flink run -t yarn-per-job -d [opts] JAR [args]
//   yarn-session          flink run -t yarn-session -d -Dyarn.application.id=ID [opts] JAR [args]
//   local                 flink run -t local [opts] JAR [args]   (attached: the job lives in it)
//   remote                flink run -t remote -d -Drest.address=H -Drest.port=P ...  (shown only:
//                         Sluice submits to a standalone cluster over REST)
//
// [opts]: -p (spec.parallelism), -c (entry class), -s/-n (the request's restore path and
// allowNonRestoredState), -C per dependency JAR, then -D for every other key of the
// effective configuration (spec fields, the script's SET options, spec.flinkConfiguration),
// sorted, plus Sluice's own: the fixed job id ($internal.pipeline.job-id), YARN name and
// tags from the cluster id. Secret options never go into argv (other users can read a
// process's arguments): they go into the job's own copy of the client configuration.
// SQL jobs run the runner JAR (1.x, --statements FILE) or Flink's SqlDriver (2.x,
// --scriptUri FILE); the SQL itself is in a file of the job's work directory.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "deploy/cli_target.h"
#include "deploy/deployer.h"
#include "deploy/flink_dist.h"
#include "flinkconf/config_file.h"

namespace sluice::deploy {

// A job's files on the Sluice host: <work_dir>/<cluster-id>/.
struct JobFiles {
  std::filesystem::path dir;
  std::filesystem::path conf_dir;    // the client's FLINK_CONF_DIR (distribution conf + secrets)
  std::filesystem::path log_dir;     // FLINK_LOG_DIR
  std::filesystem::path statements;  // sql/sluice-statements (1.x runner)
  std::filesystem::path script;      // sql/sluice-script.sql (2.x SqlDriver)
};
JobFiles JobFilesFor(const std::filesystem::path& work_dir, std::string_view cluster_id);

struct CommandContext {
  // The distribution the command runs with; nullptr renders without one (argv[0] is
  // "flink" and the spec's version decides the command's shape).
  const FlinkDistribution* distribution = nullptr;
  const CliTarget* target = nullptr;  // settings; nullptr = defaults
  std::filesystem::path work_dir;     // "" = target->work_dir
  std::filesystem::path runner_jar;   // the SQL runner JAR (SQL jobs)
  // Variables of Sluice's environment the client inherits (PATH, HOME, USER, LANG, TZ,
  // TMPDIR); the deployers pass InheritEnv(kInheritedEnv), golden tests fixed values.
  std::map<std::string, std::string> base_env;
  uint16_t local_rest_port = 0;  // local: 0 = LocalRestPort(job id)
};

inline const std::vector<std::string> kInheritedEnv = {"PATH",   "HOME", "USER",  "LANG",
                                                       "LC_ALL", "TZ",   "TMPDIR"};

struct CliCommand {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // the client's whole environment
  // Files to write before running (statements file or script), path -> content.
  std::map<std::filesystem::path, std::string> files;
  // The client configuration: the distribution's file plus these keys (secrets, Java
  // options), written into JobFiles::conf_dir before running.
  flinkconf::FlatConfig client_config;
  JobFiles job_files;
  std::string job_id;     // fixed in advance
  std::string spec_hash;  // of the spec and SET options (YARN tag sluice-spec-<hash>)
  std::string yarn_name;  // yarn.application.name
  std::vector<std::string> yarn_tags;
  std::string rest_url;  // local: the JobManager's REST endpoint it will bind
  // What argv carries, structured (the remote target sends it over REST instead).
  std::string jar;  // a local path, or a URI yarn-application fetches itself
  std::string entry_class;
  std::vector<std::string> program_args;
  flinkconf::FlatConfig dynamic_options;  // the -D options (secrets are in client_config)
  std::vector<std::string> warnings;
};

// The client command of a deployment for `target`. Errors: a target the version lacks
// (per-job on 2.x), a JAR the command cannot take (remote URIs for `flink run`), SQL
// the runner cannot take, a yarn-session without sessionCluster.
Result<CliCommand> BuildCliCommand(const DeploymentRequest& request, spec::Target target,
                                   const CommandContext& context);

// The version a command is shaped for: the distribution's, else spec.flinkVersion.
Result<flink::FlinkRelease> CommandRelease(const DeploymentRequest& request,
                                           const FlinkDistribution* distribution);

// The job id Sluice fixes for a deployment: the request's, else 32 hex digits derived
// from the cluster id, spec version and restore path (a repeat names the same job).
std::string JobIdFor(const DeploymentRequest& request);
// 16 hex digits identifying the spec and SET options (not the restore path).
std::string SpecHash(const DeploymentRequest& request);
// The local target's default REST port (20000-39999), derived from the job id: each run
// (a new job id after a restore) gets its own MiniCluster.
uint16_t LocalRestPort(std::string_view job_id);
// FNV-1a 64-bit.
uint64_t Fnv1a64(std::string_view data, uint64_t seed = 14695981039346656037ull);

// file:///x, file:/x, local:///x and plain paths name a file on this machine.
std::optional<std::string> LocalPathOf(std::string_view uri);

// Rendered for people: argv as is (it holds no secrets), env with secret values masked.
Rendered RenderedFor(const CliCommand& command);

}  // namespace sluice::deploy
