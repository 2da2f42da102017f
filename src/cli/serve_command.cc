// `sluice serve`: opens the store, starts the API server, waits for SIGTERM or SIGINT,
// then lets requests in flight finish.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "api/api_server.h"
#include "api/cluster_service.h"
#include "api/job_logs.h"
#include "api/user_service.h"
#include "cli/commands.h"
#include "cli/serve_config.h"
#include "cli/serve_lock.h"
#include "cli/serve_reconcile.h"
#include "common/build_info.h"
#include "common/crypto.h"
#include "common/fs.h"
#include "common/log.h"
#include "reconcile/cluster_preflight.h"
#include "reconcile/crash_point.h"
#include "store/database.h"
#include "store/store.h"

extern char** environ;

namespace sluice::cli {
namespace {

std::map<std::string, std::string> Environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    size_t eq = kv.find('=');
    if (eq != std::string::npos && kv.starts_with("SLUICE_"))
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

std::filesystem::path DefaultWebDir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::filesystem::path> candidates;
  if (!ec) candidates.push_back(exe.parent_path() / ".." / "share" / "sluice" / "web");
  candidates.push_back(std::filesystem::current_path(ec) / "web" / "dist");
  for (const auto& c : candidates) {
    if (std::filesystem::is_regular_file(c / "index.html", ec))
      return std::filesystem::weakly_canonical(c, ec);
  }
  return {};
}

// POST /api/v1/clusters/{name}/preflight: reconcile/cluster_preflight.h behind the API's seam.
class ServePreflight : public api::ClusterPreflight {
 public:
  explicit ServePreflight(reconcile::ClusterPreflightOptions options)
      : options_(std::move(options)) {}
  nlohmann::json Check(const store::Cluster& cluster, const nlohmann::json& secrets) override {
    return reconcile::PreflightChecksJson(reconcile::PreflightCluster(cluster, secrets, options_));
  }

 private:
  reconcile::ClusterPreflightOptions options_;
};

int Fail(const Error& e, int code) {
  std::cerr << "sluice serve: " << e.ToString() << "\n";
  return code;
}

int Serve(const ConfigSources& sources) {
  auto loaded = LoadServeConfig(sources);
  if (!loaded.ok()) return Fail(loaded.error(), 2);
  ServeConfig config = std::move(loaded).value();
  log::Configure({config.log_level, config.log_json});
  if (config.web_dir.empty()) config.web_dir = DefaultWebDir();

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Status dir = EnsureWritableDirectory(config.data_dir);
  if (!dir.ok()) return Fail(std::move(dir).error().Context("data directory"), 1);
  auto dir_lock = LockDataDir(config.data_dir);
  if (!dir_lock.ok()) return Fail(std::move(dir_lock).error().Context("data directory"), 1);
  if (config.replica_id.empty()) config.replica_id = dir_lock->replica_id;

  auto store = store::Store::Open(config.DatabaseUrl());
  if (!store.ok()) return Fail(std::move(store).error().Context("database"), 1);

  auto box = config.secret_key.empty()
                 ? crypto::SecretBox::LoadOrCreate(config.data_dir / "secret.key")
                 : crypto::SecretBox::FromBase64(config.secret_key);
  if (!box.ok()) {
    Error e = std::move(box).error();
    if (e.where.empty()) e.where = "SLUICE_SECRET_KEY";
    return Fail(std::move(e).Context("secret key"), 1);
  }

  api::AuthOptions auth;
  auth.secure_cookies = config.secure_cookies;
  auth.session_idle_timeout = config.session_idle_timeout;
  auth.session_lifetime = config.session_lifetime;
  api::UserService users(**store, auth);
  auto admin_password = users.Bootstrap(config.bootstrap_admin_password);
  if (!admin_password.ok()) {
    return Fail(std::move(admin_password).error().Context("first administrator"), 1);
  }
  if (admin_password->has_value()) {
    // Outside the structured log on purpose: log pipelines keep lines, this must not stay.
    std::cerr
        << "sluice: created the administrator \"admin\" with the password " << **admin_password
        << "\nsluice: it is shown only this once; log in and change it (sluice users passwd)\n";
  }

  auto secret_box = std::make_shared<const crypto::SecretBox>(std::move(box).value());

  // The job controller (reconcile/), when enabled: started after the API, stopped after it.
  api::ClusterService cluster_secrets(**store, secret_box);
  reconcile::ClusterTargets cluster_targets(
      **store, [&](const store::Cluster& c) { return cluster_secrets.OpenSecrets(c); },
      {.work_dir = config.data_dir / "jobs"});
  std::unique_ptr<ServeReconciler> reconciler;
  std::unique_ptr<reconcile::Controller> controller;
  if (config.reconcile_workers > 0) {
    reconcile::ControllerOptions copts = ControllerOptionsFrom(config);
    Status valid = reconcile::ValidateOptions(copts);
    if (!valid.ok()) return Fail(std::move(valid).error().Context("reconcile"), 2);
    auto crash_hook = reconcile::CrashHookFromEnvironment();  // crash tests only
    if (!crash_hook.ok()) return Fail(std::move(crash_hook).error(), 2);
    reconcile::ReconcilerOptions ropts;
    ropts.at_call = std::move(crash_hook).value();
    reconciler = std::make_unique<ServeReconciler>(
        **store, cluster_targets, std::move(ropts),
        observe::JobManagerPollerOptions{.period = config.jobmanager_poll});
    controller =
        std::make_unique<reconcile::Controller>(**store, reconciler->Fn(), std::move(copts));
    reconciler->SetWaker([c = controller.get()](int64_t job_id) { c->Enqueue(job_id); });
  }

  api::ApiOptions options;
  options.auth = auth;
  options.secret_box = secret_box;
  if (controller) {
    options.on_intent = [c = controller.get()](int64_t job_id) { c->Enqueue(job_id); };
  }
  options.server.host = config.listen_host;
  options.server.port = config.listen_port;
  options.server.threads =
      config.threads > 0 ? config.threads
                         : static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  options.server.max_body_bytes = config.max_body_bytes;
  options.server.read_timeout = config.request_timeout;
  options.web_dir = config.web_dir;
  auto api = api::ApiServer::Start(options, **store);
  if (!api.ok()) return Fail(api.error(), 1);
  (*api)->services().logs.Set(std::make_shared<api::KubernetesJobLogs>(
      [&](const std::string& cluster) -> Result<std::shared_ptr<k8s::Client>> {
        if (cluster.empty()) {
          return Error{ErrorCode::kFailedPrecondition,
                       "the job names no registered cluster, so there are no pod logs to read",
                       "spec.cluster", "deploy the job to a registered Kubernetes cluster"};
        }
        SLUICE_ASSIGN_OR_RETURN(deploy::ClusterTarget target, cluster_targets.Get(cluster));
        if (!target.kubernetes) {
          return Error{ErrorCode::kFailedPrecondition,
                       "cluster " + cluster + " is not a Kubernetes cluster", "cluster",
                       "logs are served for Kubernetes targets; see the YARN or Flink UI"};
        }
        return target.kubernetes->client;
      }));
  (*api)->services().clusters.SetPreflight(std::make_shared<ServePreflight>(
      reconcile::ClusterPreflightOptions{.targets = {.work_dir = config.data_dir / "preflight"}}));
  if (controller) {
    Status started = controller->Start();
    if (!started.ok()) {
      (*api)->Shutdown(std::chrono::milliseconds(0));
      return Fail(std::move(started).error().Context("reconcile"), 1);
    }
  }

  log::Info("sluice.started")
      .With("version", kVersion)
      .With("listen", (*api)->address())
      .With("db", store::MaskDatabaseUrl(config.DatabaseUrl()))
      .With("data_dir", config.data_dir.string())
      .With("web_dir", config.web_dir.empty() ? "(none)" : config.web_dir.string())
      .With("replica", controller ? controller->replica_id() : "(controller off)");

  int sig = 0;
  sigwait(&stop_signals, &sig);
  log::Info("sluice.stopping").With("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*api)->Shutdown(config.shutdown_grace);
  if (reconciler) reconciler->StopPolling();  // no more wakes
  if (controller) controller->Stop();         // passes in flight finish, leases are released
  reconciler.reset();                         // its watch caches end
  log::Info("sluice.stopped");
  return 0;
}

void RegisterServeCommand(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("serve", "Run the Sluice server: REST API, web UI and reconciler");
  auto sources = std::make_shared<ConfigSources>();
  auto flag_values = std::make_shared<std::map<std::string, std::string>>();
  cmd->add_option("--config", sources->file, "YAML configuration file");
  for (const auto& key : ServeConfigKeys()) {
    cmd->add_option("--" + key.name, (*flag_values)[key.name],
                    key.help + " [env " + EnvName(key.name) + "]");
  }
  cmd->callback([cmd, sources, flag_values, &ctx] {
    for (const auto& key : ServeConfigKeys()) {
      if (cmd->count("--" + key.name)) sources->flags[key.name] = (*flag_values)[key.name];
    }
    sources->env = Environment();
    ctx.exit_code = Serve(*sources);
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterServeCommand);
}  // namespace sluice::cli
