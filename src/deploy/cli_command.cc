#include "deploy/cli_command.h"

#include <cstdio>
#include <regex>

#include "common/redact.h"
#include "common/strings.h"
#include "deploy/cli_statements.h"
#include "deploy/sql.h"
#include "flinkconf/values.h"
#include "spec/flink_config.h"
#include "spec/render.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;
using spec::Target;

std::string Hex(uint64_t v, int digits) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return std::string(buf).substr(16 - digits);
}

// local:///x is a path on the machines that run the job; Flink's -C wants a URL.
std::string ClasspathUrl(std::string_view uri) {
  if (uri.starts_with("local://")) return "file://" + std::string(uri.substr(8));
  if (uri.starts_with("/")) return "file://" + std::string(uri);
  return std::string(uri);
}

bool FromSpecField(const spec::EffectiveConfig& ec, const std::string& key,
                   std::string_view field) {
  auto it = ec.origin.find(key);
  return it != ec.origin.end() && std::string_view(it->second).starts_with(field);
}

struct HostPort {
  std::string host;
  std::string port;
};

std::optional<HostPort> ParseRestUrl(std::string_view url) {
  static const std::regex re(R"(^https?://(\[[^\]]+\]|[^:/]+)(?::(\d+))?(/.*)?$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(url.begin(), url.end(), m, re)) return std::nullopt;
  std::string port = m[2].matched ? m[2].str() : (url.starts_with("https") ? "443" : "80");
  return HostPort{m[1].str(), port};
}

void AppendList(flinkconf::FlatConfig& config, const std::string& key,
                const std::vector<std::string>& more, char sep) {
  std::vector<std::string> items;
  auto it = config.find(key);
  if (it != config.end() && !it->second.empty()) items = Split(it->second, sep);
  for (const auto& m : more) {
    if (std::find(items.begin(), items.end(), m) == items.end()) items.push_back(m);
  }
  config[key] = Join(items, std::string(1, sep));
}

}  // namespace

uint64_t Fnv1a64(std::string_view data, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::optional<std::string> LocalPathOf(std::string_view uri) {
  for (std::string_view scheme : {"file://", "local://", "file:"}) {
    if (uri.starts_with(scheme)) {
      std::string_view rest = uri.substr(scheme.size());
      if (rest.starts_with("/")) return std::string(rest);
      return std::nullopt;  // file://host/x: not this machine
    }
  }
  if (uri.find("://") == std::string_view::npos) return std::string(uri);
  return std::nullopt;
}

JobFiles JobFilesFor(const fs::path& work_dir, std::string_view cluster_id) {
  JobFiles f;
  f.dir = work_dir / std::string(cluster_id);
  f.conf_dir = f.dir / "conf";
  f.log_dir = f.dir / "log";
  f.statements = f.dir / "sql" / "sluice-statements";
  f.script = f.dir / "sql" / "sluice-script.sql";
  return f;
}

std::string JobIdFor(const DeploymentRequest& request) {
  if (!request.job_id.empty()) return request.job_id;
  std::string key = request.cluster_id + "\n" + request.spec_version + "\n" + request.restore_path;
  return Hex(Fnv1a64(key), 16) + Hex(Fnv1a64(key, 0x84222325cbf29ce4ull), 16);
}

std::string SpecHash(const DeploymentRequest& request) {
  std::string text = spec::RenderJson(request.job);
  for (const auto& [k, v] : request.sql_set)
    text += "\nSET " + k + "=" + v;
  return Hex(Fnv1a64(text), 16);
}

uint16_t LocalRestPort(std::string_view job_id) {
  return static_cast<uint16_t>(20000 + Fnv1a64(job_id) % 20000);
}

Result<flink::FlinkRelease> CommandRelease(const DeploymentRequest& request,
                                           const FlinkDistribution* distribution) {
  if (distribution != nullptr) return distribution->release;
  auto release = flink::FlinkRelease::Parse(request.job.spec.flink_version);
  if (!release.ok()) return std::move(release).error().At("spec.flinkVersion");
  return release;
}

Result<CliCommand> BuildCliCommand(const DeploymentRequest& request, Target target,
                                   const CommandContext& context) {
  static const CliTarget kDefaults;
  const CliTarget& settings = context.target ? *context.target : kDefaults;
  const spec::Spec& s = request.job.spec;
  const std::string tname(spec::TargetName(target));
  SLUICE_ASSIGN_OR_RETURN(flink::FlinkRelease release,
                          CommandRelease(request, context.distribution));
  const bool v2 = release.major >= 2;
  if (spec::IsKubernetesTarget(target)) {
    return InvalidArgument("target " + tname + " does not run the Flink client");
  }
  if (target == Target::kYarnPerJob && v2) {
    return Error{ErrorCode::kInvalidArgument,
                 "Flink " + release.ToString() + " has no per-job mode", "spec.target",
                 "use yarn-application (the job's main runs in its own cluster as well)"};
  }
  if (request.cluster_id.empty()) return InvalidArgument("the request has no cluster id");

  CliCommand cmd;
  fs::path work_dir = context.work_dir.empty() ? settings.work_dir : context.work_dir;
  if (work_dir.empty()) work_dir = "work";
  cmd.job_files = JobFilesFor(work_dir, request.cluster_id);
  cmd.job_id = JobIdFor(request);
  cmd.spec_hash = SpecHash(request);

  SLUICE_ASSIGN_OR_RETURN(spec::EffectiveConfig ec,
                          spec::EffectiveFlinkConfiguration(request.job, request.sql_set));
  for (const auto& f : ec.findings) {
    if (f.severity != flinkconf::Severity::kInfo)
      cmd.warnings.push_back(flinkconf::FormatFinding(f));
  }
  flinkconf::FlatConfig dyn = ec.values;
  auto drop_if_from = [&](const std::string& key, std::string_view field) {
    if (FromSpecField(ec, key, field)) dyn.erase(key);
  };
  dyn.erase("execution.target");  // -t
  drop_if_from("pipeline.jars", "spec.jar");
  drop_if_from("pipeline.classpaths", "spec.dependencies");
  drop_if_from("parallelism.default", "spec.parallelism");
  for (const char* key : {"execution.state-recovery.path", "execution.savepoint.path",
                          "execution.state-recovery.ignore-unclaimed-state",
                          "execution.savepoint.ignore-unclaimed-state"}) {
    drop_if_from(key, "spec.restore");  // the request's restore path decides: -s, -n
  }
  const bool yarn = target == Target::kYarnApplication || target == Target::kYarnPerJob ||
                    target == Target::kYarnSession;
  const bool application = target == Target::kYarnApplication;

  // What runs: the user's JAR, or the SQL runner / SqlDriver with its file.
  std::string jar, entry_class;
  std::vector<std::string> args;
  std::vector<std::string> ship_files;
  if (s.jar) {
    if (s.jar->jar_uri.empty()) {
      return Error{ErrorCode::kInvalidArgument, "target " + tname + " needs the job's JAR",
                   "spec.jar.jarURI", "give the JAR's path or URI"};
    }
    auto local = LocalPathOf(s.jar->jar_uri);
    if (local) {
      jar = *local;
    } else if (application) {
      jar = s.jar->jar_uri;  // yarn-application fetches hdfs://, s3://, http(s):// itself
    } else {
      return Error{ErrorCode::kInvalidArgument,
                   "target " + tname + " runs the job's main in the Flink client on this " +
                       "machine, so the JAR must be a local file, not " + Quote(s.jar->jar_uri),
                   "spec.jar.jarURI", "copy it here and use file:///path/to/job.jar"};
    }
    entry_class = s.jar->entry_class;
    args = s.jar->args;
  } else if (!s.sql.empty() || !s.sql_file.empty()) {
    if (context.runner_jar.empty()) {
      return FailedPrecondition("no SQL runner JAR to run the SQL job with");
    }
    jar = context.runner_jar.string();
    if (v2) {
      entry_class = std::string(kSqlDriverMain);
      std::string uri;
      if (!s.sql_file.empty()) {
        uri = s.sql_file;
      } else {
        cmd.files[cmd.job_files.script] = s.sql;
        if (application) {
          ship_files.push_back(cmd.job_files.script.string());
          uri = cmd.job_files.script.filename().string();  // localized in the container
        } else {
          uri = cmd.job_files.script.string();
        }
      }
      args = {"--scriptUri", uri};
    } else {
      if (!s.sql_file.empty()) {
        return Error{ErrorCode::kInvalidArgument,
                     "spec.sqlFile is not supported with Flink " + release.ToString() +
                         ": the runner needs the script checked and split by Sluice",
                     "spec.sqlFile", "give the script in spec.sql"};
      }
      SLUICE_ASSIGN_OR_RETURN(std::string statements, RunnerStatementsFile(s.sql, release));
      cmd.files[cmd.job_files.statements] = std::move(statements);
      entry_class = std::string(kRunnerMain);
      std::string path = cmd.job_files.statements.string();
      if (application) {
        ship_files.push_back(path);
        path = cmd.job_files.statements.filename().string();  // localized in the container
      }
      args = {"--statements", path};
      auto mode = ec.values.find("execution.runtime-mode");
      if (mode != ec.values.end() && EqualsIgnoreCase(mode->second, "batch")) {
        args.insert(args.end(), {"--mode", "batch"});
      }
    }
  } else {
    return InvalidArgument("the job has neither spec.jar nor spec.sql");
  }

  // Sluice's own keys.
  dyn["$internal.pipeline.job-id"] = cmd.job_id;
  if (!request.claim_mode.empty() && !request.restore_path.empty()) {
    dyn[flink::RestoreKeysFor(release).claim_mode] = request.claim_mode;
  }
  if (yarn) {
    if (target != Target::kYarnSession) {
      cmd.yarn_name = request.cluster_id;
      if (!dyn.count("yarn.application.name")) dyn["yarn.application.name"] = cmd.yarn_name;
      cmd.yarn_name = dyn["yarn.application.name"];
      cmd.yarn_tags = {"sluice", "sluice-cluster-" + request.cluster_id,
                       "sluice-spec-" + cmd.spec_hash};
      AppendList(dyn, "yarn.tags", cmd.yarn_tags, ',');
    }
    if (settings.yarn && !settings.yarn->queue.empty() && !dyn.count("yarn.application.queue")) {
      dyn["yarn.application.queue"] = settings.yarn->queue;
    }
    if (!ship_files.empty()) AppendList(dyn, "yarn.ship-files", ship_files, ';');
    if (target == Target::kYarnSession) {
      static const std::regex app_id(R"(application_\d+_\d+)");
      if (!std::regex_match(s.session_cluster, app_id)) {
        return Error{
            ErrorCode::kInvalidArgument,
            "yarn-session needs the session's YARN application id, not " + Quote(s.session_cluster),
            "spec.sessionCluster", "e.g. application_1700000000000_0001"};
      }
      dyn["yarn.application.id"] = s.session_cluster;
    }
    if (settings.yarn) {
      const KerberosSettings& k = settings.yarn->kerberos;
      if (!k.principal.empty()) dyn["security.kerberos.login.principal"] = k.principal;
      if (!k.keytab.empty()) dyn["security.kerberos.login.keytab"] = k.keytab;
      if (k.use_ticket_cache) {
        dyn["security.kerberos.login.use-ticket-cache"] = *k.use_ticket_cache ? "true" : "false";
      }
      if (!k.krb5_conf.empty()) {
        dyn["security.kerberos.krb5-conf.path"] = k.krb5_conf;
        cmd.client_config["env.java.opts.client"] = "-Djava.security.krb5.conf=" + k.krb5_conf;
      }
    }
  }
  if (target == Target::kLocal) {
    uint16_t port = context.local_rest_port ? context.local_rest_port : LocalRestPort(cmd.job_id);
    dyn["rest.bind-address"] = settings.local_rest_address;
    dyn["rest.bind-port"] = std::to_string(port);
    cmd.rest_url = "http://" + settings.local_rest_address + ":" + std::to_string(port);
  }
  if (target == Target::kRemote) {
    if (settings.remote) {
      auto hp = ParseRestUrl(settings.remote->rest_url);
      if (!hp) {
        return InvalidArgument("the standalone cluster's REST URL " +
                               Quote(settings.remote->rest_url) + " is not http(s)://host:port");
      }
      dyn["rest.address"] = hp->host;
      dyn["rest.port"] = hp->port;
    }
    cmd.warnings.push_back(
        "target remote submits over the JobManager's REST API (jar upload and run); this is "
        "the equivalent flink command");
  }
  // Secrets go to the job's client configuration file, never into argv.
  size_t secrets = 0;
  for (auto it = dyn.begin(); it != dyn.end();) {
    if (IsSecretKey(it->first)) {
      cmd.client_config[it->first] = it->second;
      it = dyn.erase(it);
      ++secrets;
    } else {
      ++it;
    }
  }
  if (secrets > 0) {
    cmd.warnings.push_back(
        std::to_string(secrets) + " secret option(s) go into the client's configuration file " +
        (cmd.job_files.conf_dir / "config.yaml").string() + ", not into the command line");
  }

  // argv.
  std::string flink = context.distribution ? context.distribution->FlinkBin().string() : "flink";
  auto& a = cmd.argv;
  a.push_back(flink);
  if (application && !v2) {
    a.push_back("run-application");
  } else {
    a.push_back("run");
  }
  a.insert(a.end(), {"-t", tname});
  if (target == Target::kYarnPerJob || target == Target::kYarnSession ||
      target == Target::kRemote) {
    a.push_back("-d");  // the client returns once the job is submitted
  }
  if (FromSpecField(ec, "parallelism.default", "spec.parallelism")) {
    a.insert(a.end(), {"-p", ec.values.at("parallelism.default")});
  }
  if (!entry_class.empty()) a.insert(a.end(), {"-c", entry_class});
  if (!request.restore_path.empty()) {
    a.insert(a.end(), {"-s", request.restore_path});
    if (request.allow_non_restored_state) a.push_back("-n");
  }
  for (const auto& dep : s.dependencies)
    a.insert(a.end(), {"-C", ClasspathUrl(dep)});
  for (const auto& [k, v] : dyn)
    a.push_back("-D" + k + "=" + v);
  a.push_back(jar);
  a.insert(a.end(), args.begin(), args.end());
  cmd.jar = jar;
  cmd.entry_class = entry_class;
  cmd.program_args = args;
  cmd.dynamic_options = dyn;

  // The environment, complete and explicit.
  cmd.env = context.base_env;
  if (context.distribution) {
    cmd.env["FLINK_HOME"] = context.distribution->home.string();
    if (!context.distribution->java_home.empty()) {
      cmd.env["JAVA_HOME"] = context.distribution->java_home.string();
    }
  }
  cmd.env["FLINK_CONF_DIR"] = cmd.job_files.conf_dir.string();
  cmd.env["FLINK_LOG_DIR"] = cmd.job_files.log_dir.string();
  if (yarn && settings.yarn) {
    const YarnSettings& y = *settings.yarn;
    if (!y.hadoop_conf_dir.empty()) cmd.env["HADOOP_CONF_DIR"] = y.hadoop_conf_dir;
    if (!y.hadoop_classpath.empty()) cmd.env["HADOOP_CLASSPATH"] = y.hadoop_classpath;
    if (!y.kerberos.krb5_conf.empty()) cmd.env["KRB5_CONFIG"] = y.kerberos.krb5_conf;
    if (!y.kerberos.ticket_cache.empty()) cmd.env["KRB5CCNAME"] = y.kerberos.ticket_cache;
  }
  for (const auto& [k, v] : settings.env)
    cmd.env[k] = v;
  if (!context.distribution) {
    cmd.warnings.push_back("no Flink " + s.flink_version +
                           " distribution registered: argv[0] is shown as \"flink\"");
  }
  return cmd;
}

Rendered RenderedFor(const CliCommand& command) {
  Rendered r;
  r.argv = command.argv;
  for (const auto& [k, v] : command.env)
    r.env[k] = IsSecretKey(k) ? std::string(kRedacted) : v;
  r.warnings = command.warnings;
  return r;
}

}  // namespace sluice::deploy
