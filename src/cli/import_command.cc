// `sluice import flink-run -- <flink CLI arguments>`: turns an existing `flink run` /
// `flink run-application` command line (everything after `flink`) into a job spec on
// stdout, with what flinkconf/ and spec/ find on stderr. Exit code 0: imported; 1: the
// spec was printed but has errors to fix; 2: the command line could not be read.
#include <filesystem>
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "common/strings.h"
#include "flinkconf/catalog.h"
#include "flinkconf/config_file.h"
#include "flinkconf/validate.h"
#include "flinkconf/values.h"
#include "spec/job_spec.h"
#include "spec/names.h"
#include "spec/parse.h"
#include "spec/render.h"

namespace sluice::cli {
namespace {

using spec::JobSpec;
using spec::Target;

// A -D (or an option that stands for one), with its 1-based position among the Flink
// arguments.
struct Dynamic {
  std::string key, value;
  int index = 0;
  std::string flag;
  std::string Where() const { return "argument " + std::to_string(index) + " (" + flag + ")"; }
};

struct FlinkRun {
  std::string action;
  std::string target;
  std::vector<Dynamic> dynamic;
  std::string entry_class;
  std::optional<int> parallelism;
  std::string savepoint;
  bool allow_non_restored = false;
  std::vector<std::string> classpaths;
  std::string jar;
  bool jar_from_option = false;
  std::vector<std::string> args;
  std::string yarn_name;
  std::string yarn_jm_memory, yarn_tm_memory;
  std::optional<int> yarn_slots;
  std::vector<std::string> notes;  // printed as info lines
};

enum class Opt {
  kTarget,
  kDynamic,
  kClass,
  kParallelism,
  kSavepoint,
  kAllowNonRestored,
  kClasspath,
  kDetached,
  kShutdownOnExit,
  kJarFile,
  kJobManager,
  kYarnId,
  kArguments,
  kClaimMode,
  kZookeeper,
  kYarnDynamic,
  kYarnJmMemory,
  kYarnTmMemory,
  kYarnSlots,
  kYarnQueue,
  kYarnName,
};

struct OptionSpec {
  std::string_view short_name;  // without the dash; Flink's short names can be long (-sae)
  std::string_view long_name;
  bool takes_value;
  Opt id;
};

// The options of `flink run` / `run-application` (CliFrontendParser) Sluice understands.
constexpr OptionSpec kOptions[] = {
    {"t", "target", true, Opt::kTarget},
    {"e", "executor", true, Opt::kTarget},
    {"D", "", true, Opt::kDynamic},
    {"c", "class", true, Opt::kClass},
    {"p", "parallelism", true, Opt::kParallelism},
    {"s", "fromSavepoint", true, Opt::kSavepoint},
    {"n", "allowNonRestoredState", false, Opt::kAllowNonRestored},
    {"C", "classpath", true, Opt::kClasspath},
    {"d", "detached", false, Opt::kDetached},
    {"sae", "shutdownOnAttachedExit", false, Opt::kShutdownOnExit},
    {"j", "jarfile", true, Opt::kJarFile},
    {"m", "jobmanager", true, Opt::kJobManager},
    {"yid", "yarnapplicationId", true, Opt::kYarnId},
    {"a", "arguments", true, Opt::kArguments},
    {"rm", "restoreMode", true, Opt::kClaimMode},
    {"cm", "claimMode", true, Opt::kClaimMode},
    {"z", "zookeeperNamespace", true, Opt::kZookeeper},
    {"yD", "", true, Opt::kYarnDynamic},
    {"yjm", "yarnjobManagerMemory", true, Opt::kYarnJmMemory},
    {"ytm", "yarntaskManagerMemory", true, Opt::kYarnTmMemory},
    {"ys", "yarnslots", true, Opt::kYarnSlots},
    {"yqu", "yarnqueue", true, Opt::kYarnQueue},
    {"ynm", "yarnname", true, Opt::kYarnName},
};

Error Usage(std::string message, std::string hint = "") {
  return InvalidArgument(std::move(message)).Hint(std::move(hint));
}

Result<int> Number(std::string_view flag, std::string_view value) {
  auto v = flinkconf::ParseInteger(value, 1, 1 << 20);
  if (!v.ok())
    return Usage(std::string(flag) + " expects a positive number, found " + Quote(value));
  return static_cast<int>(*v);
}

Status AddDynamic(FlinkRun& run, std::string_view flag, std::string_view text, int index) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return Usage(std::string(flag) + " expects key=value, found " + Quote(text),
                 "write -Dkey=value or -D key=value");
  }
  run.dynamic.push_back({std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)), index,
                         std::string(flag)});
  return Status::Ok();
}

Result<FlinkRun> ParseFlinkRun(const std::vector<std::string>& argv) {
  FlinkRun run;
  if (argv.empty()) {
    return Usage("no Flink command line after --",
                 "paste everything after `flink`, e.g. -- run-application --target "
                 "kubernetes-application -Dkey=value local:///opt/flink/usrlib/job.jar");
  }
  run.action = argv[0];
  if (run.action != "run" && run.action != "run-application") {
    std::string hint = run.action.starts_with("-")
                           ? "start with the action: run or run-application"
                           : "only `flink run` and `flink run-application` describe a job";
    return Usage("cannot import the Flink action " + Quote(run.action), hint);
  }
  const int n = static_cast<int>(argv.size());
  for (int i = 1; i < n; ++i) {
    const std::string& tok = argv[static_cast<size_t>(i)];
    if (!tok.starts_with("-") || tok == "-" || tok == "--") {
      int first = tok == "--" ? i + 1 : i;
      if (first >= n) break;
      if (run.jar_from_option) {
        for (int j = first; j < n; ++j)
          run.args.push_back(argv[static_cast<size_t>(j)]);
      } else {
        run.jar = argv[static_cast<size_t>(first)];
        for (int j = first + 1; j < n; ++j)
          run.args.push_back(argv[static_cast<size_t>(j)]);
      }
      break;
    }
    if (tok.starts_with("-py") || tok.starts_with("--py")) {
      return Usage("Python jobs (" + tok + ") cannot be imported",
                   "Sluice runs SQL scripts and JAR jobs; port the job to SQL or a JAR");
    }
    // -Dkey=value and -yDkey=value carry their value in the same argument.
    if ((tok.starts_with("-D") && tok.size() > 2) || (tok.starts_with("-yD") && tok.size() > 3)) {
      size_t cut = tok.starts_with("-D") ? 2 : 3;
      SLUICE_RETURN_IF_ERROR(AddDynamic(run, tok.substr(0, cut), tok.substr(cut), i + 1));
      continue;
    }
    std::string name = tok, value;
    bool has_inline_value = false;
    if (tok.starts_with("--")) {
      size_t eq = tok.find('=');
      if (eq != std::string::npos) {
        name = tok.substr(0, eq);
        value = tok.substr(eq + 1);
        has_inline_value = true;
      }
    }
    const OptionSpec* spec = nullptr;
    for (const auto& o : kOptions) {
      if (name == "-" + std::string(o.short_name) ||
          (!o.long_name.empty() && name == "--" + std::string(o.long_name))) {
        spec = &o;
      }
    }
    if (!spec) {
      std::string hint = tok.starts_with("-y")
                             ? "this YARN option has no counterpart in a job spec; set the "
                               "matching Flink option with -D instead"
                             : "Sluice understands -t, -D, -c, -p, -s, -n, -C, -d, -j, -m, -yid, "
                               "-a, -rm, -z and the jar with its arguments";
      return Usage("unknown `flink " + run.action + "` option " + Quote(tok), hint);
    }
    if (spec->takes_value && !has_inline_value) {
      if (i + 1 >= n) return Usage(tok + " needs a value");
      value = argv[static_cast<size_t>(++i)];
    }
    const int index = has_inline_value || !spec->takes_value ? i + 1 : i;  // the option's position
    switch (spec->id) {
      case Opt::kTarget:
        run.target = value;
        break;
      case Opt::kDynamic:
      case Opt::kYarnDynamic:
        SLUICE_RETURN_IF_ERROR(AddDynamic(run, tok, value, index));
        break;
      case Opt::kClass:
        run.entry_class = value;
        break;
      case Opt::kParallelism: {
        SLUICE_ASSIGN_OR_RETURN(int p, Number(tok, value));
        run.parallelism = p;
        break;
      }
      case Opt::kSavepoint:
        run.savepoint = value;
        break;
      case Opt::kAllowNonRestored:
        run.allow_non_restored = true;
        break;
      case Opt::kClasspath:
        run.classpaths.push_back(value);
        break;
      case Opt::kDetached:
        run.notes.push_back(tok +
                            " dropped: Sluice always submits detached and watches the job itself");
        break;
      case Opt::kShutdownOnExit:
        run.notes.push_back(tok + " dropped: it only applies to an attached client");
        break;
      case Opt::kJarFile:
        run.jar = value;
        run.jar_from_option = true;
        break;
      case Opt::kJobManager:
        if (value == "yarn-cluster") {
          if (run.target.empty()) run.target = "yarn-per-job";
        } else if (value == "local") {
          if (run.target.empty()) run.target = "local";
        } else {
          if (run.target.empty()) run.target = "remote";
          size_t colon = value.rfind(':');
          run.dynamic.push_back({"rest.address", value.substr(0, colon), index, tok});
          if (colon != std::string::npos) {
            run.dynamic.push_back({"rest.port", value.substr(colon + 1), index, tok});
          }
        }
        break;
      case Opt::kYarnId:
        if (run.target.empty()) run.target = "yarn-session";
        run.dynamic.push_back({"yarn.application.id", value, index, tok});
        break;
      case Opt::kArguments:
        run.args.push_back(value);
        break;
      case Opt::kClaimMode:
        run.dynamic.push_back({"$claim-mode", value, index, tok});
        break;
      case Opt::kZookeeper:
        run.dynamic.push_back({"high-availability.cluster-id", value, index, tok});
        break;
      case Opt::kYarnJmMemory:
        run.yarn_jm_memory = value;
        break;
      case Opt::kYarnTmMemory:
        run.yarn_tm_memory = value;
        break;
      case Opt::kYarnSlots: {
        SLUICE_ASSIGN_OR_RETURN(int s, Number(tok, value));
        run.yarn_slots = s;
        break;
      }
      case Opt::kYarnQueue:
        run.dynamic.push_back({"yarn.application.queue", value, index, tok});
        break;
      case Opt::kYarnName:
        run.yarn_name = value;
        break;
    }
  }
  if (run.jar.empty()) {
    bool has_pipeline_jars = false;
    for (const auto& d : run.dynamic)
      has_pipeline_jars = has_pipeline_jars || d.key == "pipeline.jars";
    if (!has_pipeline_jars && run.entry_class.empty()) {
      return Usage("the command line names no jar",
                   "the jar comes after the options: ... job.jar [args]");
    }
  }
  return run;
}

std::string ClaimModeKey(const flinkconf::Catalog& catalog) {
  for (const char* k :
       {"execution.state-recovery.claim-mode", "execution.savepoint-restore-mode"}) {
    if (catalog.Find(k)) return k;
  }
  return "execution.state-recovery.claim-mode";
}

// A jar path Flink would read on the client machine, as a URI.
std::string JarUri(const std::string& jar, std::vector<std::string>& notes) {
  if (jar.find("://") != std::string::npos) return jar;
  std::filesystem::path p = std::filesystem::absolute(jar).lexically_normal();
  notes.push_back(Quote(jar) + " is a file on this machine; spec.jar.jarURI says file://" +
                  p.string() +
                  ": put the jar where the cluster can read it (the image, HDFS, "
                  "S3) and change jarURI");
  return "file://" + p.string();
}

struct Imported {
  JobSpec job;
  std::vector<std::string> notes;
};

Result<Imported> BuildSpec(FlinkRun& run, const std::string& version,
                           const flinkconf::Catalog& catalog, const std::string& name_override) {
  Imported out;
  JobSpec& job = out.job;
  job.api_version = std::string(spec::kApiVersion);
  job.kind = std::string(spec::kKind);
  spec::Spec& s = job.spec;
  s.flink_version = version;

  // The last value of each key, as Flink sees it.
  flinkconf::FlatConfig config;
  for (const auto& d : run.dynamic)
    config[d.key] = d.value;
  auto take = [&](std::string_view key) -> std::optional<std::string> {
    auto it = config.find(std::string(key));
    if (it == config.end()) return std::nullopt;
    std::string v = it->second;
    config.erase(it);
    return v;
  };

  std::string target_name = run.target;
  if (auto t = take("execution.target"); t && target_name.empty()) target_name = *t;
  if (target_name.empty()) {
    if (run.action == "run-application") {
      return Usage("run-application needs --target", "e.g. --target kubernetes-application");
    }
    target_name = "remote";
    out.notes.push_back(
        "no --target: `flink run` then submits to the configured cluster; imported as target "
        "remote");
  }
  if (target_name == "yarn-per-job" && flinkconf::FlinkVersion::Parse(version)->AtLeast(2, 0)) {
    out.notes.push_back("Flink 2.x removed per-job mode; use yarn-application");
  }
  auto target = spec::ParseTarget(target_name);
  if (!target || *target == Target::kOperator) {
    return Usage("unknown target " + Quote(target_name),
                 "one of remote, local, kubernetes-session, "
                 "kubernetes-application, yarn-per-job, "
                 "yarn-session, yarn-application");
  }
  if (run.action == "run-application" && *target != Target::kKubernetesApplication &&
      *target != Target::kYarnApplication) {
    return Usage(
        "run-application deploys an application cluster, not " + Quote(target_name),
        "use --target kubernetes-application or yarn-application, or `run` for " + target_name);
  }
  s.target = *target;

  // The job's name: --name, else the Kubernetes cluster id, else the YARN name, else the jar.
  std::optional<std::string> cluster_id = take("kubernetes.cluster-id");
  if (cluster_id && (*target == Target::kKubernetesSession)) {
    s.session_cluster = *cluster_id;
    cluster_id.reset();
  }
  if (cluster_id && !spec::CheckClusterId(*cluster_id).ok()) {
    config["kubernetes.cluster-id"] = *cluster_id;  // kept: validation explains what is wrong
    cluster_id.reset();
  }
  std::string jar_name = std::filesystem::path(run.jar).stem().string();
  if (!name_override.empty()) {
    job.metadata.name = name_override;
    if (cluster_id && spec::ClusterIdFor(name_override) != *cluster_id) {
      config["kubernetes.cluster-id"] = *cluster_id;
    }
  } else if (cluster_id) {
    job.metadata.name = *cluster_id;
  } else if (!run.yarn_name.empty()) {
    job.metadata.name = spec::SuggestDns1035(run.yarn_name);
  } else {
    job.metadata.name = spec::SuggestDns1035(jar_name);
  }
  if (*target == Target::kYarnSession) {
    if (auto id = take("yarn.application.id")) s.session_cluster = *id;
  }

  if (auto v = take("kubernetes.namespace")) s.namespace_ = *v;
  auto image = take("kubernetes.container.image.ref");
  if (auto old = take("kubernetes.container.image"); old && !image) image = old;
  if (image) s.image = *image;
  if (auto v = take("kubernetes.container.image.pull-policy")) s.image_pull_policy = *v;
  auto account = take("kubernetes.service-account");
  auto jm_account = take("kubernetes.jobmanager.service-account");
  if (account) {
    s.service_account = *account;
    if (jm_account && *jm_account != *account)
      config["kubernetes.jobmanager.service-account"] = *jm_account;
  } else if (jm_account) {
    s.service_account = *jm_account;
  }
  if (auto v = take("kubernetes.rest-service.exposed.type")) s.rest_service.exposure = *v;

  auto number = [&](std::string_view key, std::optional<int>& field) {
    auto it = config.find(std::string(key));
    if (it == config.end()) return;
    auto v = flinkconf::ParseInteger(it->second, 1, 1 << 20);
    if (!v.ok()) return;  // stays in flinkConfiguration; validation reports it
    field = static_cast<int>(*v);
    config.erase(it);
  };
  auto cpu = [&](std::initializer_list<std::string_view> keys, std::optional<double>& field) {
    for (auto key : keys) {
      auto it = config.find(std::string(key));
      if (it == config.end()) continue;
      auto v = flinkconf::ParseFloating(it->second);
      if (!v.ok() || !(*v > 0)) continue;
      field = *v;
      config.erase(it);
    }
  };
  number("parallelism.default", s.parallelism);
  if (run.parallelism) s.parallelism = run.parallelism;
  number("taskmanager.numberOfTaskSlots", s.task_manager.slots);
  if (run.yarn_slots) s.task_manager.slots = run.yarn_slots;
  number("kubernetes.jobmanager.replicas", s.job_manager.replicas);
  if (auto v = take("jobmanager.memory.process.size")) s.job_manager.resource.memory = *v;
  if (!run.yarn_jm_memory.empty()) s.job_manager.resource.memory = run.yarn_jm_memory;
  if (auto v = take("taskmanager.memory.process.size")) s.task_manager.resource.memory = *v;
  if (!run.yarn_tm_memory.empty()) s.task_manager.resource.memory = run.yarn_tm_memory;
  cpu({"kubernetes.jobmanager.cpu", "kubernetes.jobmanager.cpu.amount"},
      s.job_manager.resource.cpu);
  cpu({"kubernetes.taskmanager.cpu", "kubernetes.taskmanager.cpu.amount"},
      s.task_manager.resource.cpu);

  for (const char* key : {"state.savepoints.dir", "execution.checkpointing.savepoint-dir"}) {
    if (auto v = take(key)) s.savepoint_directory = *v;
  }
  for (const char* key : {"state.checkpoints.dir", "execution.checkpointing.dir"}) {
    if (auto v = take(key)) s.checkpoint_directory = *v;
  }
  for (const char* key : {"execution.savepoint.path", "execution.state-recovery.path"}) {
    if (auto v = take(key)) s.restore.path = *v;
  }
  if (!run.savepoint.empty()) s.restore.path = run.savepoint;
  for (const char* key : {"execution.savepoint.ignore-unclaimed-state",
                          "execution.state-recovery.ignore-unclaimed-state"}) {
    auto it = config.find(key);
    if (it != config.end() && flinkconf::ParseBoolean(it->second).ok()) {
      s.restore.allow_non_restored_state = *flinkconf::ParseBoolean(it->second);
      config.erase(it);
    }
  }
  if (run.allow_non_restored) s.restore.allow_non_restored_state = true;
  if (!s.restore.path.empty()) s.restore.mode = spec::RestoreMode::kPath;
  if (auto v = take("$claim-mode")) config[ClaimModeKey(catalog)] = *v;

  if (!run.jar.empty() || !run.entry_class.empty() || config.count("pipeline.jars")) {
    spec::JarSpec jar;
    if (!run.jar.empty()) {
      jar.jar_uri = JarUri(run.jar, out.notes);
    } else if (auto jars = take("pipeline.jars")) {
      jar.jar_uri = *jars;
    }
    jar.entry_class = run.entry_class;
    jar.args = run.args;
    s.jar = std::move(jar);
  }
  for (const auto& c : run.classpaths)
    s.dependencies.push_back(c);
  if (auto cp = take("pipeline.classpaths")) {
    auto list = flinkconf::SplitEscaped(*cp, ';');
    if (list.ok()) {
      s.dependencies.insert(s.dependencies.end(), list->begin(), list->end());
    } else {
      config["pipeline.classpaths"] = *cp;
    }
  }
  // The same variable for both containers is a spec.env entry.
  const std::string master = "containerized.master.env.", worker = "containerized.taskmanager.env.";
  for (auto it = config.begin(); it != config.end();) {
    if (it->first.starts_with(master)) {
      std::string var = it->first.substr(master.size());
      auto other = config.find(worker + var);
      if (other != config.end() && other->second == it->second) {
        s.env[var] = it->second;
        config.erase(other);
        it = config.erase(it);
        continue;
      }
    }
    ++it;
  }
  s.flink_configuration = std::move(config);
  return out;
}

void RegisterImportCommands(CLI::App& app, Context& ctx) {
  auto* import = app.add_subcommand("import", "Turn existing deployments into job specs");
  import->require_subcommand(1);
  auto* run = import->add_subcommand(
      "flink-run",
      "Turn a `flink run` / `flink run-application` command line (everything after `flink`, "
      "after --) into a job spec on stdout; warnings on stderr");
  struct Options {
    std::string flink_version;
    std::string name;
    std::vector<std::string> args;
  };
  auto opts = std::make_shared<Options>();
  run->add_option("--flink-version", opts->flink_version,
                  "Flink version of the target (default: the newest catalog, " +
                      flinkconf::NewestCatalogVersion() + ")");
  run->add_option("--name", opts->name,
                  "the job's name (default: kubernetes.cluster-id, else the jar's name)");
  run->add_option("flink-args", opts->args, "the Flink command line, after --");
  run->callback([opts, &ctx] {
    auto fail = [&](const Error& e) {
      std::cerr << "sluice import flink-run: error: " << e.message;
      if (!e.hint.empty()) std::cerr << " (" << e.hint << ")";
      std::cerr << "\n";
      ctx.exit_code = 2;
    };
    std::string version =
        opts->flink_version.empty() ? flinkconf::NewestCatalog().version() : opts->flink_version;
    auto choice = flinkconf::CatalogFor(version);
    if (!choice.ok()) return fail(choice.error());
    version = choice->requested.ToString();
    auto parsed = ParseFlinkRun(opts->args);
    if (!parsed.ok()) return fail(parsed.error());

    // What Flink itself would make of the -D options, before Sluice maps any of them.
    flinkconf::ConfigEntries entries;
    for (const auto& d : parsed->dynamic) {
      std::string key = d.key == "$claim-mode" ? ClaimModeKey(*choice->catalog) : d.key;
      entries.push_back({key, d.value, d.Where()});
    }
    auto findings =
        flinkconf::ValidateForVersion(entries, version, {flinkconf::Severity::kWarning, ""});
    if (!findings.ok()) return fail(findings.error());

    auto imported = BuildSpec(*parsed, version, *choice->catalog, opts->name);
    if (!imported.ok()) return fail(imported.error());

    bool errors = flinkconf::HasErrors(*findings);
    for (const auto& f : *findings)
      std::cerr << flinkconf::FormatFinding(f) << "\n";
    for (const auto& note : parsed->notes)
      std::cerr << "info: " << note << "\n";
    for (const auto& note : imported->notes)
      std::cerr << "info: " << note << "\n";
    JobSpec checked = imported->job;
    spec::ApplyDefaults(checked);
    for (const auto& p : spec::ValidateJobSpec(checked)) {
      std::cerr << spec::FormatProblem(p, "") << "\n";
      errors = errors || p.severity == flinkconf::Severity::kError;
    }
    std::cout << spec::RenderYaml(imported->job);
    ctx.exit_code = errors ? 1 : 0;
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterImportCommands);
}  // namespace sluice::cli
