#include "sim/flink_cluster.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>

#include "common/ids.h"
#include "common/redact.h"
#include "common/time.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

std::string LogTime(int64_t ms) {
  std::time_t t = ms / 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s,%03d", buf, static_cast<int>(ms % 1000));
  return out;
}

http::Response RestJson(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.headers["Content-Type"] = "application/json; charset=UTF-8";
  r.headers["Access-Control-Allow-Origin"] = "*";
  r.body = body.dump();
  return r;
}

http::Response RestError(int status, const std::string& message) {
  return RestJson(status, {{"errors", {message}}});
}

bool IsHex32(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool Terminal(const std::string& s) {
  return s == "FINISHED" || s == "CANCELED" || s == "FAILED";
}

std::string VertexState(const std::string& job_state, bool waiting) {
  if (job_state == "RUNNING") return "RUNNING";
  if (job_state == "FINISHED") return "FINISHED";
  if (job_state == "CANCELED" || job_state == "RESTARTING") return "CANCELED";
  if (job_state == "FAILED" || job_state == "FAILING") return "FAILED";
  if (job_state == "CANCELLING") return "CANCELING";
  return waiting ? "SCHEDULED" : "CREATED";
}

json TaskCounts(const std::string& state, int n) {
  json t = json::object();
  for (const char* s : {"CREATED", "SCHEDULED", "DEPLOYING", "RUNNING", "FINISHED", "CANCELING",
                        "CANCELED", "FAILED", "RECONCILING", "INITIALIZING"}) {
    t[s] = 0;
  }
  t[state] = n;
  return t;
}

json Throwable(const std::string& cls, const std::string& message) {
  std::string trace =
      cls + ": " + message +
      "\n\tat org.apache.flink.runtime.sim.SimulatedCluster(SimulatedCluster.java:1)\n";
  return {
      {"class", cls}, {"stack-trace", trace}, {"serialized-throwable", "rO0ABXNy" + RandomHex(24)}};
}

json Summary(int64_t v) {
  return {{"min", v},
          {"max", v},
          {"avg", v},
          {"p50", static_cast<double>(v)},
          {"p90", static_cast<double>(v)},
          {"p95", static_cast<double>(v)},
          {"p99", static_cast<double>(v)},
          {"p999", static_cast<double>(v)}};
}

// True when the version (1.17.2, 2.2.1, ...) is at least major.minor.
bool AtLeast(const std::string& version, int major, int minor) {
  int ma = 0, mi = 0;
  std::sscanf(version.c_str(), "%d.%d", &ma, &mi);
  return ma > major || (ma == major && mi >= minor);
}

std::string StripScheme(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/')
    dir.pop_back();
  return dir;
}

}  // namespace

// --- savepoint registry -------------------------------------------------------------------

void SavepointRegistry::Add(const std::string& path, int64_t id, const std::string& job_id) {
  std::lock_guard lock(mu_);
  paths_[path] = {id, job_id};
}

std::optional<int64_t> SavepointRegistry::Find(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = paths_.find(path);
  if (it == paths_.end()) it = paths_.find(StripScheme(path));
  if (it == paths_.end()) return std::nullopt;
  return it->second.first;
}

void SavepointRegistry::Dispose(const std::string& path) {
  std::lock_guard lock(mu_);
  paths_.erase(path);
  paths_.erase(StripScheme(path));
}

json SavepointRegistry::List() const {
  std::lock_guard lock(mu_);
  json out = json::array();
  for (const auto& [p, v] : paths_)
    out.push_back({{"path", p}, {"checkpointId", v.first}, {"jobId", v.second}});
  return out;
}

// --- versions and ids ---------------------------------------------------------------------

std::string FullFlinkVersion(const std::string& v) {
  static const std::map<std::string, std::string> latest = {
      {"1.15", "1.15.4"}, {"1.16", "1.16.3"}, {"1.17", "1.17.2"},
      {"1.18", "1.18.1"}, {"1.19", "1.19.2"}, {"1.20", "1.20.4"},
      {"2.0", "2.0.1"},   {"2.1", "2.1.1"},   {"2.2", "2.2.1"}};
  auto it = latest.find(v);
  return it == latest.end() ? v : it->second;
}

std::string FlinkVersionFromImage(const std::string& image) {
  // flink:1.17.2-scala_2.12, apache/flink:2.2.1-java17, v1_20 (operator) ...
  std::string s = image;
  if (s.rfind("v", 0) == 0 && s.find('_') != std::string::npos &&
      s.find(':') == std::string::npos) {
    std::string v = s.substr(1);
    std::replace(v.begin(), v.end(), '_', '.');
    return FullFlinkVersion(v);
  }
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return "";
  std::string tag = s.substr(colon + 1);
  size_t i = 0;
  while (i < tag.size() && (std::isdigit(static_cast<unsigned char>(tag[i])) || tag[i] == '.'))
    ++i;
  std::string v = tag.substr(0, i);
  if (v.empty() || v.find('.') == std::string::npos) return "";
  if (std::count(v.begin(), v.end(), '.') == 1) return FullFlinkVersion(v);
  return v;
}

std::string NewJobId() {
  return RandomHex(16);
}

std::string JobIdFromClusterId(const std::string& cluster_id) {
  int32_t h = 0;
  for (unsigned char c : cluster_id)
    h = static_cast<int32_t>(31u * static_cast<uint32_t>(h) + c);
  int64_t l = h;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(l),
                static_cast<unsigned long long>(l));
  return buf;
}

// --- the cluster --------------------------------------------------------------------------

FlinkCluster::FlinkCluster(std::string cluster_id, std::string ns, ClusterMode mode,
                           FlinkConfig config, std::string flink_version, Scheduler& scheduler,
                           Settings& settings, SavepointRegistry& savepoints,
                           ClusterBackend backend)
    : id_(std::move(cluster_id)),
      ns_(std::move(ns)),
      mode_(mode),
      config_(std::move(config)),
      version_(std::move(flink_version)),
      scheduler_(scheduler),
      settings_(settings),
      savepoints_(savepoints),
      backend_(std::move(backend)) {}

void FlinkCluster::AppendLog(const std::string& level, const std::string& logger,
                             const std::string& message) {
  std::string lvl = level;
  lvl.resize(5, ' ');
  std::string lg = logger;
  if (lg.size() < 60) lg.resize(60, ' ');
  log_.push_back(LogTime(NowMillis()) + " " + lvl + " " + lg + " [] - " + message);
  if (log_.size() > 2000) log_.erase(log_.begin(), log_.begin() + 500);
}

std::string FlinkCluster::Log() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& l : log_)
    out += l + "\n";
  return out;
}

bool FlinkCluster::ha_enabled() const {
  std::string ha =
      config_.GetOr("high-availability.type", config_.GetOr("high-availability", "NONE"));
  for (auto& c : ha)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return !ha.empty() && ha != "none";
}

int FlinkCluster::slots_per_taskmanager() const {
  return static_cast<int>(std::max<int64_t>(1, config_.GetInt("taskmanager.numberOfTaskSlots", 1)));
}

void FlinkCluster::Schedule(std::chrono::milliseconds delay,
                            std::function<void(FlinkCluster&)> fn) {
  std::weak_ptr<FlinkCluster> weak = weak_from_this();
  scheduler_.After(delay, [weak, fn] {
    if (auto self = weak.lock()) fn(*self);
  });
}

void FlinkCluster::Start(std::optional<Recovery> recovered) {
  std::unique_lock lock(mu_);
  running_ = true;
  start_time_ = NowMillis();
  bool app = mode_ == ClusterMode::kApplication;
  std::string entry =
      app ? "KubernetesApplicationClusterEntrypoint" : "KubernetesSessionClusterEntrypoint";
  std::string cls = "org.apache.flink.runtime.entrypoint.ClusterEntrypoint";
  AppendLog("INFO", cls,
            "--------------------------------------------------------------------------------");
  AppendLog("INFO", cls,
            " Starting " + entry + " (Version: " + version_ +
                ", Scala: 2.12, Rev:sim0000, Date:2026-01-01T00:00:00+00:00)");
  AppendLog("INFO", cls, " OS current user: flink");
  AppendLog("INFO", cls,
            "--------------------------------------------------------------------------------");
  for (const auto& [k, v] : config_.values()) {
    AppendLog("INFO", "org.apache.flink.configuration.GlobalConfiguration",
              "Loading configuration property: " + k + ", " +
                  (IsSecretKey(k) ? std::string("******") : v));
  }
  AppendLog("INFO", "org.apache.flink.runtime.rest.RestServerEndpoint",
            "Rest endpoint listening at " + id_ + "-rest." + ns_ + ":8081");
  AppendLog("INFO", "org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunner",
            "DefaultDispatcherRunner was granted leadership with leader id " + RandomHex(16) +
                ". Creating new DispatcherLeaderProcess.");
  AppendLog("INFO", "org.apache.flink.runtime.resourcemanager.ResourceManagerServiceImpl",
            "Starting resource manager service.");
  lock.unlock();
  if (!app) return;
  JobSubmission job;
  job.job_id = config_.GetOr("$internal.pipeline.job-id", "");
  if (recovered && !recovered->job_id.empty()) job.job_id = recovered->job_id;
  if (job.job_id.empty() && ha_enabled())
    job.job_id = JobIdFromClusterId(config_.GetOr("high-availability.cluster-id", id_));
  job.name = config_.GetOr("pipeline.name", "");
  job.entry_class = config_.GetOr("$internal.application.main", "");
  auto jars = config_.GetList("pipeline.jars");
  if (!jars.empty()) job.jar = jars[0];
  job.args = config_.GetList("$internal.application.program-args");
  job.parallelism = static_cast<int>(config_.GetInt("parallelism.default", 1));
  job.restore_path =
      config_.GetOr("execution.state-recovery.path", config_.GetOr("execution.savepoint.path", ""));
  if (recovered && !recovered->checkpoint_path.empty())
    job.restore_path = recovered->checkpoint_path;
  job.allow_non_restored =
      config_.GetBool("execution.state-recovery.ignore-unclaimed-state",
                      config_.GetBool("execution.savepoint.ignore-unclaimed-state", false));
  Submit(job);
}

std::string FlinkCluster::Submit(const JobSubmission& sub) {
  std::unique_lock lock(mu_);
  Job job;
  job.id = sub.job_id.empty() ? NewJobId() : sub.job_id;
  job.submission = sub;
  if (!sub.name.empty()) {
    job.name = sub.name;
  } else if (auto n = config_.Get("pipeline.name")) {
    job.name = *n;
  } else {
    job.name = mode_ == ClusterMode::kApplication ? "Flink Streaming Job" : "Flink Streaming Job";
  }
  job.parallelism = sub.parallelism > 0
                        ? sub.parallelism
                        : static_cast<int>(config_.GetInt("parallelism.default", 1));
  job.start_time = NowMillis();
  job.vertex_source = RandomHex(16);
  job.vertex_sink = RandomHex(16);
  auto interval = config_.GetDurationMs("execution.checkpointing.interval");
  auto it = sub.config.find("execution.checkpointing.interval");
  if (it != sub.config.end()) interval = ParseFlinkDuration(it->second);
  job.interval_ms = interval.value_or(settings_.timings().default_checkpoint_interval.count());
  job.timestamps["INITIALIZING"] = job.start_time;
  job.state = "INITIALIZING";
  std::string jid = job.id;
  AppendLog("INFO", "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            "Received JobGraph submission '" + job.name + "' (" + jid + ").");
  AppendLog("INFO", "org.apache.flink.runtime.dispatcher.StandaloneDispatcher",
            "Submitting job '" + job.name + "' (" + jid + ").");
  if (!sub.restore_path.empty()) {
    auto id = savepoints_.Find(sub.restore_path);
    if (!id && settings_.strict_savepoints()) {
      jobs_[jid] = job;
      job_order_.push_back(jid);
      Job& j = jobs_[jid];
      Transition(j, "CREATED");
      FailJobLocked(j, "java.io.FileNotFoundException",
                    "Cannot find checkpoint or savepoint file/directory '" + sub.restore_path +
                        "' on file system '" +
                        sub.restore_path.substr(0, sub.restore_path.find(':')) + "'.");
      return jid;
    }
    Checkpoint c;
    c.id = id.value_or(1);
    c.path = sub.restore_path;
    c.savepoint = sub.restore_path.find("savepoint-") != std::string::npos || !id;
    job.restored = c;
    job.restore_ts = NowMillis();
    job.next_checkpoint_id = c.id + 1;
    AppendLog("INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
              "Starting job " + jid + " from " +
                  std::string(c.savepoint ? "savepoint " : "checkpoint ") + sub.restore_path +
                  " (allowing non restored state: " + (sub.allow_non_restored ? "true" : "false") +
                  ")");
    AppendLog("INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
              "Restoring job " + jid + " from Savepoint " + std::to_string(c.id) + " @ 0 for " +
                  jid + " located at " + sub.restore_path + ".");
  }
  jobs_[jid] = job;
  job_order_.erase(std::remove(job_order_.begin(), job_order_.end(), jid), job_order_.end());
  job_order_.push_back(jid);
  Job& j = jobs_[jid];
  Transition(j, "CREATED");
  RequestResources(j);
  lock.unlock();
  return jid;
}

void FlinkCluster::Transition(Job& job, const std::string& state) {
  if (job.state == state) return;
  AppendLog("INFO", "org.apache.flink.runtime.executiongraph.ExecutionGraph",
            "Job " + job.name + " (" + job.id + ") switched from state " + job.state + " to " +
                state + ".");
  job.state = state;
  job.timestamps[state] = NowMillis();
  if (!Terminal(state)) return;
  job.end_time = NowMillis();
  if (backend_.job_terminal && ha_enabled()) {
    auto forget = backend_.job_terminal;
    scheduler_.Post([forget, jid = job.id] { forget(jid); });
  }
}

int FlinkCluster::needed_slots() const {
  int n = 0;
  for (const auto& [_, j] : jobs_) {
    if (!Terminal(j.state)) n += j.parallelism;
  }
  return n;
}

int FlinkCluster::free_slots() const {
  int total = 0;
  for (const auto& [_, s] : taskmanagers_)
    total += s;
  for (const auto& [_, j] : jobs_) {
    if (j.state == "RUNNING" || j.state == "CANCELLING") total -= j.parallelism;
  }
  return total;
}

int FlinkCluster::taskmanager_count() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(taskmanagers_.size());
}

void FlinkCluster::RequestResources(Job& job) {
  int slots = slots_per_taskmanager();
  int want_tms = (needed_slots() + slots - 1) / slots;
  int delta = want_tms - static_cast<int>(taskmanagers_.size()) - requested_tms_;
  job.slot_deadline = NowMillis() + settings_.timings().slot_request_timeout.count();
  if (delta > 0 && backend_.request_taskmanagers) {
    AppendLog("INFO", "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
              "Requesting new worker with resource spec WorkerResourceSpec {cpuCores=1.0, "
              "taskHeapSize=384.000mb (402653174 bytes), "
              "taskOffHeapSize=0 bytes, networkMemSize=128.000mb (134217730 bytes), "
              "managedMemSize=512.000mb (536870920 bytes), "
              "numSlots=" +
                  std::to_string(slots) + "}, current pending count: " + std::to_string(delta) +
                  ".");
    requested_tms_ += delta;
    auto backend = backend_.request_taskmanagers;
    // The platform call happens outside the lock; it may call back into the cluster.
    Schedule(std::chrono::milliseconds(0), [backend, delta](FlinkCluster& self) {
      auto err = backend(delta);
      if (err) {
        std::lock_guard lock(self.mu_);
        self.requested_tms_ = std::max(0, self.requested_tms_ - delta);
        self.AppendLog("WARN",
                       "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
                       "Failed requesting worker with resource spec WorkerResourceSpec "
                       "{cpuCores=1.0}, current pending count: 0");
        self.AppendLog("ERROR", "org.apache.flink.kubernetes.KubernetesResourceManagerDriver",
                       *err);
      }
    });
  }
  TryRun(job);
  if (job.state == "CREATED") {
    std::string jid = job.id;
    Schedule(settings_.timings().slot_request_timeout + std::chrono::milliseconds(5),
             [jid](FlinkCluster& self) {
               std::lock_guard lock(self.mu_);
               Job* j = self.FindJob(jid);
               if (!j || j->state != "CREATED" || NowMillis() + 2 < j->slot_deadline) return;
               self.FailJobLocked(
                   *j, "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException",
                   "Could not acquire the minimum required resources.");
             });
  }
}

void FlinkCluster::TryRun(Job& job) {
  if (job.state != "CREATED" || stopped_) return;
  if (free_slots() < job.parallelism) return;
  Transition(job, "RUNNING");
  job.running_since = NowMillis();
  job.next_checkpoint_due = job.interval_ms > 0 ? job.running_since + job.interval_ms : 0;
}

void FlinkCluster::TaskManagerRegistered(const std::string& tm_id, int slots) {
  std::lock_guard lock(mu_);
  if (taskmanagers_.count(tm_id)) return;
  taskmanagers_[tm_id] = slots;
  requested_tms_ = std::max(0, requested_tms_ - 1);
  AppendLog("INFO", "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
            "Registering TaskManager with ResourceID " + tm_id + " (pekko.tcp://flink@" + tm_id +
                ":6122/user/rpc/taskmanager_0) at ResourceManager");
  for (const auto& jid : job_order_)
    TryRun(jobs_[jid]);
}

void FlinkCluster::TaskManagerLost(const std::string& tm_id) {
  std::lock_guard lock(mu_);
  if (!taskmanagers_.erase(tm_id)) return;
  AppendLog("INFO", "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager",
            "Worker " + tm_id +
                " is terminated. Diagnostics: Pod terminated, container termination statuses: "
                "[flink-main-container(exitCode=143)], pod status: Failed");
  for (const auto& jid : job_order_) {
    Job& j = jobs_[jid];
    if (j.state == "RUNNING") {
      FailJobLocked(j, "org.apache.flink.runtime.jobmaster.JobMasterException",
                    "TaskManager with id " + tm_id + " is no longer reachable.");
    }
  }
}

bool FlinkCluster::RestartAllowed(const Job& job) const {
  std::string strategy =
      config_.GetOr("restart-strategy.type", config_.GetOr("restart-strategy", ""));
  for (auto& c : strategy)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (strategy.empty()) strategy = job.interval_ms > 0 ? "exponential-delay" : "none";
  if (strategy == "none" || strategy == "off" || strategy == "disable") return false;
  if (strategy == "fixed-delay" || strategy == "fixeddelay") {
    return job.restarts < config_.GetInt("restart-strategy.fixed-delay.attempts", 1);
  }
  return true;
}

void FlinkCluster::FailJobLocked(Job& job, const std::string& exception_class,
                                 const std::string& message) {
  if (Terminal(job.state)) return;
  int64_t now = NowMillis();
  std::string trace =
      exception_class + ": " + message +
      "\n\tat org.apache.flink.runtime.sim.SimulatedTask.invoke(SimulatedTask.java:42)\n";
  json entry = {
      {"exceptionName", exception_class},
      {"stacktrace", trace},
      {"timestamp", now},
      {"taskName", "Source: source -> Sink: sink (1/" + std::to_string(job.parallelism) + ")"},
      {"endpoint", "10.244.0.1:6122"},
      {"taskManagerId", id_ + "-taskmanager-1-1"},
      {"failureLabels", json::object()},
      {"concurrentExceptions", json::array()}};
  // Flink 2 removed the deprecated "location" (its 2.x specs list only "endpoint").
  if (!AtLeast(version_, 2, 0)) entry["location"] = "10.244.0.1:6122";
  job.exceptions.insert(job.exceptions.begin(), entry);
  AppendLog("INFO", "org.apache.flink.runtime.executiongraph.ExecutionGraph",
            "Source: source -> Sink: sink (1/" + std::to_string(job.parallelism) +
                ") switched from RUNNING to FAILED with failure cause: " + exception_class + ": " +
                message);
  Transition(job, "FAILING");
  if (RestartAllowed(job)) {
    Transition(job, "RESTARTING");
    ++job.restarts;
    std::string jid = job.id;
    Schedule(settings_.timings().restart_delay, [jid](FlinkCluster& self) {
      std::lock_guard lock(self.mu_);
      Job* j = self.FindJob(jid);
      if (!j || j->state != "RESTARTING" || self.stopped_) return;
      // Restarts resume from the latest completed checkpoint.
      if (j->latest_completed) {
        j->restored = j->latest_completed;
        j->restore_ts = NowMillis();
      }
      self.Transition(*j, "CREATED");
      self.RequestResources(*j);
    });
  } else {
    AppendLog("INFO", "org.apache.flink.runtime.executiongraph.ExecutionGraph",
              "Job " + job.name + " (" + job.id + ") switched from state FAILING to FAILED.");
    Transition(job, "FAILED");
    MaybeShutdown(job);
  }
}

void FlinkCluster::MaybeShutdown(const Job& job) {
  if (mode_ != ClusterMode::kApplication || !Terminal(job.state) || shutdown_requested_) return;
  if (!config_.GetBool("execution.shutdown-on-application-finish", true)) return;
  shutdown_requested_ = true;
  AppendLog("INFO", "org.apache.flink.runtime.entrypoint.ClusterEntrypoint",
            "Shutting KubernetesApplicationClusterEntrypoint down with application status " +
                std::string(job.state == "FINISHED"   ? "SUCCEEDED"
                            : job.state == "CANCELED" ? "CANCELED"
                                                      : "FAILED") +
                ". Diagnostics null.");
  auto shutdown = backend_.shutdown;
  if (shutdown) {
    Schedule(std::chrono::milliseconds(100), [shutdown](FlinkCluster&) { shutdown(); });
  }
}

FlinkCluster::Job* FlinkCluster::FindJob(const std::string& id) {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::string FlinkCluster::SavepointDir(const std::string& requested) const {
  if (!requested.empty()) return requested;
  return config_.GetOr("execution.checkpointing.savepoint-dir",
                       config_.GetOr("state.savepoints.dir", ""));
}

void FlinkCluster::Advance(int64_t now) {
  for (const auto& jid : job_order_)
    AdvanceJob(jobs_[jid], now);
  for (auto& [tid, op] : operations_) {
    if (op.status != "IN_PROGRESS" || op.done_at > now) continue;
    Job* job = FindJob(op.job_id);
    if (op.kind == "disposal") {
      op.status = "COMPLETED";
      // Flink reads the savepoint's metadata first: a path that holds none fails.
      if (!savepoints_.Find(op.location)) {
        op.failure =
            "java.io.FileNotFoundException: Cannot find checkpoint or savepoint "
            "file/directory '" +
            op.location + "' on file system 'file'.";
        continue;
      }
      savepoints_.Dispose(op.location);
      continue;
    }
    if (!job) continue;
    if (op.fail || op.failure.size()) {
      op.status = "COMPLETED";
      if (op.failure.empty())
        op.failure =
            "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint Coordinator is "
            "suspending. Failure reason: simulated savepoint failure.";
      Checkpoint c;
      c.id = job->next_checkpoint_id++;
      c.status = "FAILED";
      c.trigger_ts = op.done_at - settings_.timings().savepoint_duration.count();
      c.end_ts = op.done_at;
      c.savepoint = op.kind != "checkpoint";
      c.failure = op.failure;
      job->latest_failed = c;
      job->failed++;
      job->history.insert(job->history.begin(), c);
      if (job->history.size() > 10) job->history.pop_back();
      AppendLog("WARN", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
                "Failed to trigger or complete checkpoint " + std::to_string(c.id) + " for job " +
                    job->id + ". (0 consecutive failed attempts so far)");
      continue;
    }
    op.status = "COMPLETED";
    Checkpoint c;
    c.id = job->next_checkpoint_id++;
    op.checkpoint_id = c.id;
    c.status = "COMPLETED";
    c.trigger_ts = op.done_at - settings_.timings().savepoint_duration.count();
    c.end_ts = op.done_at;
    c.savepoint = op.kind != "checkpoint";
    c.path = op.location;
    if (op.kind == "checkpoint") {
      std::string dir =
          config_.GetOr("execution.checkpointing.dir", config_.GetOr("state.checkpoints.dir", ""));
      c.path = dir.empty() ? "<checkpoint-not-externally-addressable>"
                           : StripScheme(dir) + "/" + job->id + "/chk-" + std::to_string(c.id);
      job->latest_completed = c;
    } else {
      job->latest_savepoint = c;
    }
    if (c.path.rfind("<", 0) != 0) savepoints_.Add(c.path, c.id, job->id);
    job->completed++;
    job->history.insert(job->history.begin(), c);
    if (job->history.size() > 10) job->history.pop_back();
    AppendLog("INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator",
              "Completed checkpoint " + std::to_string(c.id) + " for job " + job->id + " (" +
                  std::to_string(1024 * c.id) + " bytes, checkpointDuration=" +
                  std::to_string(c.end_ts - c.trigger_ts) + " ms, finalizationTime=0 ms).");
    if (op.kind == "stop") {
      Transition(*job, "FINISHED");
      MaybeShutdown(*job);
    } else if (op.cancel_job) {
      Transition(*job, "CANCELED");
      MaybeShutdown(*job);
    }
  }
}

void FlinkCluster::AdvanceJob(Job& job, int64_t now) {
  if (job.state != "RUNNING" || job.interval_ms <= 0 || job.next_checkpoint_due == 0) return;
  int64_t due =
      (now - job.next_checkpoint_due) / job.interval_ms + (now >= job.next_checkpoint_due ? 1 : 0);
  if (due <= 0) return;
  if (due > 20) {
    // A long gap: count the old ones without keeping their details.
    int64_t skip = due - 20;
    job.completed += skip;
    job.next_checkpoint_id += skip;
    job.next_checkpoint_due += skip * job.interval_ms;
  }
  std::string dir =
      config_.GetOr("execution.checkpointing.dir", config_.GetOr("state.checkpoints.dir", ""));
  while (job.next_checkpoint_due <= now) {
    Checkpoint c;
    c.id = job.next_checkpoint_id++;
    c.trigger_ts = job.next_checkpoint_due;
    c.end_ts = c.trigger_ts + std::min<int64_t>(job.interval_ms / 2, 150);
    if (fail_checkpoints_ > 0) {
      --fail_checkpoints_;
      c.status = "FAILED";
      c.failure =
          "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before "
          "completing.";
      job.failed++;
      job.latest_failed = c;
      AppendLog("WARN", "org.apache.flink.runtime.checkpoint.CheckpointFailureManager",
                "Failed to trigger or complete checkpoint " + std::to_string(c.id) + " for job " +
                    job.id + ". (1 consecutive failed attempts so far)");
    } else {
      c.status = "COMPLETED";
      c.path = dir.empty() ? "<checkpoint-not-externally-addressable>"
                           : StripScheme(dir) + "/" + job.id + "/chk-" + std::to_string(c.id);
      job.completed++;
      job.latest_completed = c;
      if (!dir.empty()) savepoints_.Add(c.path, c.id, job.id);
    }
    job.history.insert(job.history.begin(), c);
    if (job.history.size() > 10) job.history.pop_back();
    job.next_checkpoint_due += job.interval_ms;
  }
}

bool FlinkCluster::FailJob(const std::string& job_id, const std::string& exception) {
  std::lock_guard lock(mu_);
  Job* j = job_id.empty() && !job_order_.empty() ? FindJob(job_order_.back()) : FindJob(job_id);
  if (!j || Terminal(j->state)) return false;
  std::string cls = "java.lang.RuntimeException";
  std::string msg = exception.empty() ? "simulated failure" : exception;
  auto colon = msg.find(": ");
  if (colon != std::string::npos && msg.substr(0, colon).find(' ') == std::string::npos &&
      msg.substr(0, colon).find('.') != std::string::npos) {
    cls = msg.substr(0, colon);
    msg = msg.substr(colon + 2);
  }
  FailJobLocked(*j, cls, msg);
  return true;
}

void FlinkCluster::FailNextCheckpoints(int n) {
  std::lock_guard lock(mu_);
  fail_checkpoints_ += n;
}

void FlinkCluster::FailNextSavepoints(int n) {
  std::lock_guard lock(mu_);
  fail_savepoints_ += n;
}

void FlinkCluster::Stop() {
  std::lock_guard lock(mu_);
  Advance(NowMillis());
  stopped_ = true;
  running_ = false;
}

std::optional<FlinkCluster::Recovery> FlinkCluster::LatestRecovery() const {
  std::lock_guard lock(mu_);
  if (job_order_.empty()) return std::nullopt;
  const Job& j = jobs_.at(job_order_.back());
  Recovery r;
  r.job_id = j.id;
  if (j.latest_completed) {
    r.checkpoint_path = j.latest_completed->path;
    r.checkpoint_id = j.latest_completed->id;
  } else if (j.restored) {
    r.checkpoint_path = j.restored->path;
    r.checkpoint_id = j.restored->id;
  }
  return r;
}

std::vector<std::string> FlinkCluster::job_ids() const {
  std::lock_guard lock(mu_);
  return job_order_;
}

std::string FlinkCluster::job_state(const std::string& job_id) const {
  std::lock_guard lock(mu_);
  const_cast<FlinkCluster*>(this)->Advance(NowMillis());
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? "" : it->second.state;
}

// --- REST -----------------------------------------------------------------------------------

json FlinkCluster::JobOverview(const Job& job, int64_t now) const {
  bool waiting = job.state == "CREATED";
  std::string vs = VertexState(job.state, waiting);
  json tasks = {{"running", 0},  {"canceling", 0},    {"canceled", 0},  {"total", 2},
                {"created", 0},  {"scheduled", 0},    {"deploying", 0}, {"reconciling", 0},
                {"finished", 0}, {"initializing", 0}, {"failed", 0}};
  std::string key = vs;
  for (auto& c : key)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  tasks[key] = 2;
  int64_t end = job.end_time;
  return {{"jid", job.id},
          {"name", job.name},
          {"state", job.state},
          {"start-time", job.start_time},
          {"end-time", end},
          {"duration", (end > 0 ? end : now) - job.start_time},
          {"last-modification",
           job.timestamps.empty()
               ? job.start_time
               : std::max_element(job.timestamps.begin(), job.timestamps.end(),
                                  [](auto& a, auto& b) { return a.second < b.second; })
                     ->second},
          {"tasks", tasks}};
}

json FlinkCluster::JobDetails(const Job& job, int64_t now) const {
  bool waiting = job.state == "CREATED";
  std::string vs = VertexState(job.state, waiting);
  int64_t end = job.end_time;
  auto vertex = [&](const std::string& id, const std::string& name) {
    return json{
        {"id", id},
        {"name", name},
        {"maxParallelism", 128},
        {"parallelism", job.parallelism},
        {"status", vs},
        {"start-time", job.running_since > 0 ? job.running_since : -1},
        {"end-time", end},
        {"duration", job.running_since > 0 ? (end > 0 ? end : now) - job.running_since : -1},
        {"tasks", TaskCounts(vs, job.parallelism)},
        {"metrics",
         {{"read-bytes", 0},
          {"read-bytes-complete", true},
          {"write-bytes", 0},
          {"write-bytes-complete", true},
          {"read-records", 0},
          {"read-records-complete", true},
          {"write-records", 0},
          {"write-records-complete", true},
          {"accumulated-backpressured-time", 0},
          {"accumulated-idle-time", 0},
          {"accumulated-busy-time", 0.0}}}};
  };
  json timestamps = json::object();
  for (const char* s : {"INITIALIZING", "CREATED", "RUNNING", "FAILING", "FAILED", "CANCELLING",
                        "CANCELED", "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING"}) {
    auto it = job.timestamps.find(s);
    timestamps[s] = it == job.timestamps.end() ? 0 : it->second;
  }
  json counts = TaskCounts(vs, 2);
  json plan = {{"jid", job.id},
               {"name", job.name},
               {"type", "STREAMING"},
               {"nodes",
                {{{"id", job.vertex_sink},
                  {"parallelism", job.parallelism},
                  {"operator", ""},
                  {"operator_strategy", ""},
                  {"description", "Sink: sink"},
                  {"inputs",
                   {{{"num", 0},
                     {"id", job.vertex_source},
                     {"ship_strategy", "FORWARD"},
                     {"exchange", "pipelined_bounded"}}}},
                  {"optimizer_properties", json::object()}},
                 {{"id", job.vertex_source},
                  {"parallelism", job.parallelism},
                  {"operator", ""},
                  {"operator_strategy", ""},
                  {"description", "Source: source"},
                  {"optimizer_properties", json::object()}}}}};
  json details = {
      {"jid", job.id},
      {"name", job.name},
      {"isStoppable", false},
      {"state", job.state},
      {"start-time", job.start_time},
      {"end-time", end},
      {"duration", (end > 0 ? end : now) - job.start_time},
      {"maxParallelism", -1},
      {"now", now},
      {"timestamps", timestamps},
      {"vertices",
       {vertex(job.vertex_source, "Source: source"), vertex(job.vertex_sink, "Sink: sink")}},
      {"status-counts", counts},
      {"plan", plan}};
  if (AtLeast(version_, 1, 18)) details["job-type"] = "STREAMING";
  return details;
}

json FlinkCluster::CheckpointJson(const Job& job, const Checkpoint& c) const {
  std::string cls = c.status == "COMPLETED" ? "completed"
                    : c.status == "FAILED"  ? "failed"
                                            : "in_progress";
  json j = {{"className", cls},
            {"id", c.id},
            {"status", c.status},
            {"is_savepoint", c.savepoint},
            {"trigger_timestamp", c.trigger_ts},
            {"latest_ack_timestamp", c.end_ts},
            {"checkpointed_size", 1024 * c.id},
            {"state_size", 1024 * c.id},
            {"end_to_end_duration", c.end_ts - c.trigger_ts},
            {"alignment_buffered", 0},
            {"processed_data", 0},
            {"persisted_data", 0},
            {"num_subtasks", 2 * job.parallelism},
            {"num_acknowledged_subtasks", c.status == "COMPLETED" ? 2 * job.parallelism : 0},
            {"checkpoint_type",
             c.savepoint ? (c.status == "COMPLETED" && c.path.empty() ? "SAVEPOINT" : "SAVEPOINT")
                         : "CHECKPOINT"},
            {"tasks", json::object()}};
  if (c.savepoint) j["savepointFormat"] = "CANONICAL";
  if (cls == "completed") {
    j["external_path"] = c.path;
    j["discarded"] = false;
  } else if (cls == "failed") {
    j["failure_timestamp"] = c.end_ts;
    j["failure_message"] = c.failure;
  }
  return j;
}

http::Response FlinkCluster::TriggerSavepoint(Job& job, const json& body, bool stop) {
  std::string trigger = body.value("triggerId", "");
  if (!trigger.empty() && operations_.count(OperationKey(job.id, trigger)))
    return RestJson(202, {{"request-id", trigger}});
  if (trigger.empty()) trigger = RandomHex(16);
  std::string requested =
      stop ? body.value("targetDirectory", "") : body.value("target-directory", "");
  std::string dir = SavepointDir(requested);
  Operation op;
  op.kind = stop ? "stop" : "savepoint";
  op.job_id = job.id;
  op.cancel_job = !stop && body.value("cancel-job", false);
  op.drain = body.value("drain", false);
  op.done_at = NowMillis() + settings_.timings().savepoint_duration.count();
  if (dir.empty()) {
    op.failure =
        "java.lang.IllegalStateException: No savepoint directory configured. You can either "
        "specify a directory while cancelling via -s :targetDirectory or configure a cluster-wide "
        "default via key 'state.savepoints.dir'.";
  } else if (job.state != "RUNNING") {
    op.failure =
        "org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint triggering task "
        "Source: source (1/1) of job " +
        job.id +
        " is not being executed at the moment. Aborting checkpoint. Failure reason: Not all "
        "required tasks are currently running.";
  } else if (fail_savepoints_ > 0) {
    --fail_savepoints_;
    op.fail = true;
  }
  op.location = StripScheme(dir) + "/savepoint-" + job.id.substr(0, 6) + "-" + RandomHex(6);
  operations_[OperationKey(job.id, trigger)] = op;
  AppendLog("INFO", "org.apache.flink.runtime.jobmaster.JobMaster",
            std::string(stop ? "Triggering stop-with-savepoint" : "Triggering savepoint") +
                " for job " + job.id + ".");
  auto delay = settings_.timings().savepoint_duration + std::chrono::milliseconds(1);
  Schedule(delay, [](FlinkCluster& self) {
    std::lock_guard lock(self.mu_);
    self.Advance(NowMillis());
  });
  return RestJson(202, {{"request-id", trigger}});
}

http::Response FlinkCluster::UploadJar(const std::string& body, const http::Headers& headers) {
  auto ct_it = headers.find("Content-Type");
  std::string ct = ct_it == headers.end() ? "" : ct_it->second;
  auto b = ct.find("boundary=");
  if (b == std::string::npos)
    return RestError(400, "Request did not match expected format MultipartForm.");
  std::string boundary = ct.substr(b + 9);
  if (!boundary.empty() && boundary.front() == '"')
    boundary = boundary.substr(1, boundary.find('"', 1) - 1);
  std::string delim = "--" + boundary;
  size_t pos = 0;
  std::string filename;
  size_t size = 0;
  while ((pos = body.find(delim, pos)) != std::string::npos) {
    pos += delim.size();
    size_t header_end = body.find("\r\n\r\n", pos);
    if (header_end == std::string::npos) break;
    std::string part_headers = body.substr(pos, header_end - pos);
    size_t next = body.find(delim, header_end);
    if (part_headers.find("name=\"jarfile\"") != std::string::npos) {
      auto f = part_headers.find("filename=\"");
      if (f != std::string::npos) {
        filename = part_headers.substr(f + 10, part_headers.find('"', f + 10) - f - 10);
        size = (next == std::string::npos ? body.size() : next) - header_end - 6;
      }
    }
    pos = header_end;
  }
  if (filename.empty()) return RestError(400, "Exactly 1 file must be sent, received 0.");
  if (filename.size() < 4 || filename.substr(filename.size() - 4) != ".jar") {
    return RestError(400, "Only Jar files are allowed.");
  }
  auto slash = filename.find_last_of("/\\");
  if (slash != std::string::npos) filename = filename.substr(slash + 1);
  std::string uuid = NewRequestId() + RandomHex(8);
  std::string id = uuid.substr(0, 8) + "-" + uuid.substr(8, 4) + "-" + uuid.substr(12, 4) + "-" +
                   uuid.substr(16, 4) + "-" + RandomHex(6) + "_" + filename;
  std::string path = "/tmp/flink-web-" + RandomHex(16) + "/flink-web-upload/" + id;
  jars_[id] = {
      {"id", id}, {"name", filename}, {"uploaded", NowMillis()}, {"size", size}, {"path", path}};
  return RestJson(200, {{"filename", path}, {"status", "success"}});
}

http::Response FlinkCluster::RunJar(const std::string& jar_id, const json& body,
                                    const std::vector<std::pair<std::string, std::string>>& query) {
  auto it = jars_.find(jar_id);
  if (it == jars_.end()) {
    return RestError(400,
                     "org.apache.flink.runtime.rest.handler.RestHandlerException: Jar file "
                     "/tmp/flink-web-upload/" +
                         jar_id + " does not exist");
  }
  JobSubmission sub;
  sub.jar = it->second.value("path", "");
  sub.entry_class = body.value("entryClass", "");
  auto q = [&](const std::string& k) -> std::string {
    for (const auto& [a, b] : query) {
      if (a == k) return b;
    }
    return "";
  };
  if (sub.entry_class.empty()) sub.entry_class = q("entry-class");
  if (body.contains("programArgsList") && body["programArgsList"].is_array()) {
    for (const auto& a : body["programArgsList"])
      sub.args.push_back(a.get<std::string>());
  } else if (body.contains("programArgs") && body["programArgs"].is_string()) {
    if (version_.rfind("1.", 0) != 0)
      return RestError(400, "Request did not match expected format JarRunRequestBody.");
    std::string s = body["programArgs"];
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ')
        ++i;
      size_t j = s.find(' ', i);
      if (j == std::string::npos) j = s.size();
      if (j > i) sub.args.push_back(s.substr(i, j - i));
      i = j;
    }
  }
  if (body.contains("parallelism") && body["parallelism"].is_number_integer())
    sub.parallelism = body["parallelism"];
  if (sub.parallelism == 0 && !q("parallelism").empty())
    sub.parallelism = std::atoi(q("parallelism").c_str());
  sub.job_id = body.value("jobId", "");
  if (!sub.job_id.empty() && !IsHex32(sub.job_id))
    return RestError(400, "Request did not match expected format JarRunRequestBody.");
  if (!sub.job_id.empty() && jobs_.count(sub.job_id)) {
    return RestError(500,
                     "org.apache.flink.runtime.client.DuplicateJobSubmissionException: Job has "
                     "already been submitted.");
  }
  sub.restore_path = body.value("savepointPath", "");
  if (sub.restore_path.empty()) sub.restore_path = q("savepointPath");
  sub.allow_non_restored = body.value("allowNonRestoredState", false);
  if (body.contains("flinkConfiguration") && body["flinkConfiguration"].is_object()) {
    for (auto& [k, v] : body["flinkConfiguration"].items())
      sub.config[k] = v.is_string() ? v.get<std::string>() : v.dump();
    auto pn = sub.config.find("pipeline.name");
    if (pn != sub.config.end()) sub.name = pn->second;
  }
  // Sluice's SQL runner and Flink's SqlDriver read their script in main(), which a session
  // cluster runs on the JobManager: only files uploaded to it are there.
  if (sub.entry_class == "dev.sluice.runner.SqlRunner" ||
      sub.entry_class == "org.apache.flink.table.runtime.application.SqlDriver") {
    for (size_t i = 0; i + 1 < sub.args.size(); ++i) {
      if (sub.args[i] != "--statements" && sub.args[i] != "--scriptUri") continue;
      std::string script = sub.args[i + 1];
      if (script.rfind("file://", 0) == 0) script = script.substr(7);
      bool uploaded = false;
      for (const auto& [_, jar] : jars_)
        uploaded = uploaded || jar.value("path", "") == script;
      if (!uploaded) {
        return RestError(400,
                         "org.apache.flink.client.program.ProgramInvocationException: The main "
                         "method caused an error: java.io.FileNotFoundException: " +
                             script + " (No such file or directory)");
      }
    }
  }
  mu_.unlock();
  std::string jid = Submit(sub);
  mu_.lock();
  return RestJson(200, {{"jobid", jid}});
}

http::Response FlinkCluster::HandleRest(
    const std::string& method, const std::string& path_in,
    const std::vector<std::pair<std::string, std::string>>& query, const std::string& body_text,
    const http::Headers& headers) {
  std::lock_guard lock(mu_);
  int64_t now = NowMillis();
  Advance(now);
  std::string path = path_in;
  if (path.rfind("/v1/", 0) == 0) path = path.substr(3);
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  std::vector<std::string> seg;
  {
    size_t i = 0;
    while (i < path.size()) {
      while (i < path.size() && path[i] == '/')
        ++i;
      size_t j = path.find('/', i);
      if (j == std::string::npos) j = path.size();
      if (j > i) seg.push_back(path.substr(i, j - i));
      i = j;
    }
  }
  json body = body_text.empty() ? json::object() : json::parse(body_text, nullptr, false);
  bool is_upload = seg.size() == 2 && seg[0] == "jars" && seg[1] == "upload";
  if (body.is_discarded() && !is_upload) return RestError(400, "Request body is not valid JSON.");
  auto qv = [&](const std::string& k) -> std::string {
    for (const auto& [a, b] : query) {
      if (a == k) return b;
    }
    return "";
  };
  auto not_found = [&] { return RestError(404, "Not found: " + path_in); };
  bool session = mode_ == ClusterMode::kSession;
  const std::string& m = method;

  if (seg.size() == 1 && seg[0] == "config" && m == "GET") {
    return RestJson(
        200, {{"refresh-interval", 3000},
              {"timezone-name", "Coordinated Universal Time"},
              {"timezone-offset", 0},
              {"flink-version", version_},
              {"flink-revision", "sim0000 @ 2026-01-01T00:00:00+00:00"},
              {"features", AtLeast(version_, 1, 18)
                               ? json{{"web-submit", session},
                                      {"web-cancel", config_.GetBool("web.cancel.enable", true)},
                                      {"web-rescale", false},
                                      {"web-history", false}}
                               : json{{"web-submit", session},
                                      {"web-cancel", config_.GetBool("web.cancel.enable", true)},
                                      {"web-history", false}}}});
  }
  if (seg.size() == 1 && seg[0] == "overview" && m == "GET") {
    int running = 0, finished = 0, cancelled = 0, failed = 0;
    for (const auto& [_, j] : jobs_) {
      if (j.state == "FINISHED")
        ++finished;
      else if (j.state == "CANCELED")
        ++cancelled;
      else if (j.state == "FAILED")
        ++failed;
      else
        ++running;
    }
    int total = 0;
    for (const auto& [_, s] : taskmanagers_)
      total += s;
    int used = 0;
    for (const auto& [_, j] : jobs_) {
      if (j.state == "RUNNING") used += j.parallelism;
    }
    return RestJson(200, {{"taskmanagers", static_cast<int>(taskmanagers_.size())},
                          {"slots-total", total},
                          {"slots-available", std::max(0, total - used)},
                          {"slots-free-and-blocked", 0},
                          {"taskmanagers-blocked", 0},
                          {"jobs-running", running},
                          {"jobs-finished", finished},
                          {"jobs-cancelled", cancelled},
                          {"jobs-failed", failed},
                          {"flink-version", version_},
                          {"flink-commit", "sim0000"}});
  }
  if (seg.size() == 2 && seg[0] == "jobmanager" && seg[1] == "config" && m == "GET") {
    json arr = json::array();
    for (const auto& [k, v] : config_.values())
      arr.push_back({{"key", k}, {"value", IsSecretKey(k) ? std::string("******") : v}});
    return RestJson(200, arr);
  }
  if (seg.size() == 1 && seg[0] == "taskmanagers" && m == "GET") {
    json tms = json::array();
    for (const auto& [tm, slots] : taskmanagers_) {
      int free = slots;
      json res = {{"cpuCores", static_cast<double>(slots)},
                  {"taskHeapMemory", 384},
                  {"taskOffHeapMemory", 0},
                  {"managedMemory", 512},
                  {"networkMemory", 128},
                  {"extendedResources", json::object()}};
      tms.push_back({{"id", tm},
                     {"path", "pekko.tcp://flink@" + tm + ":6122/user/rpc/taskmanager_0"},
                     {"dataPort", 6121},
                     {"jmxPort", -1},
                     {"timeSinceLastHeartbeat", now},
                     {"slotsNumber", slots},
                     {"freeSlots", free},
                     {"totalResource", res},
                     {"freeResource", res},
                     {"blocked", false},
                     {"hardware",
                      {{"cpuCores", 2},
                       {"physicalMemory", 8589934592LL},
                       {"freeMemory", 536870912},
                       {"managedMemory", 536870920}}},
                     {"memoryConfiguration",
                      {{"frameworkHeap", 134217728},
                       {"taskHeap", 402653174},
                       {"frameworkOffHeap", 134217728},
                       {"taskOffHeap", 0},
                       {"networkMemory", 134217730},
                       {"managedMemory", 536870920},
                       {"jvmMetaspace", 268435456},
                       {"jvmOverhead", 201326592},
                       {"totalFlinkMemory", 1342177280},
                       {"totalProcessMemory", 1811939328}}}});
    }
    return RestJson(200, {{"taskmanagers", tms}});
  }
  if (seg.size() == 1 && seg[0] == "jobs" && m == "GET") {
    json arr = json::array();
    for (const auto& jid : job_order_)
      arr.push_back({{"id", jid}, {"status", jobs_[jid].state}});
    return RestJson(200, {{"jobs", arr}});
  }
  if (seg.size() == 2 && seg[0] == "jobs" && seg[1] == "overview" && m == "GET") {
    json arr = json::array();
    for (auto it = job_order_.rbegin(); it != job_order_.rend(); ++it)
      arr.push_back(JobOverview(jobs_[*it], now));
    return RestJson(200, {{"jobs", arr}});
  }
  if (seg.size() == 1 && seg[0] == "cluster" && m == "DELETE") {
    shutdown_requested_ = true;
    auto shutdown = backend_.shutdown;
    if (shutdown)
      Schedule(std::chrono::milliseconds(50), [shutdown](FlinkCluster&) { shutdown(); });
    return RestJson(200, json::object());
  }
  if (!seg.empty() && seg[0] == "jars") {
    if (!session) return not_found();
    if (seg.size() == 1 && m == "GET") {
      json files = json::array();
      for (const auto& [id, j] : jars_) {
        files.push_back({{"id", id},
                         {"name", j["name"]},
                         {"uploaded", j["uploaded"]},
                         {"entry", json::array()}});
      }
      return RestJson(200,
                      {{"address", "http://" + id_ + "-rest." + ns_ + ":8081"}, {"files", files}});
    }
    if (is_upload && m == "POST") return UploadJar(body_text, headers);
    if (seg.size() == 2 && m == "DELETE") {
      if (!jars_.erase(seg[1]))
        return RestError(400, "org.apache.flink.runtime.rest.handler.RestHandlerException: File " +
                                  seg[1] + " does not exist in /tmp/flink-web-upload.");
      return RestJson(200, json::object());
    }
    if (seg.size() == 3 && seg[2] == "run" && m == "POST") return RunJar(seg[1], body, query);
    return not_found();
  }
  if (seg.size() == 1 && seg[0] == "savepoint-disposal" && m == "POST") {
    std::string trigger = RandomHex(16);
    Operation op;
    op.kind = "disposal";
    op.location = body.value("savepoint-path", "");
    op.done_at = now + settings_.timings().savepoint_duration.count();
    if (op.location.empty())
      return RestError(400, "Request did not match expected format SavepointDisposalRequest.");
    operations_[OperationKey("", trigger)] = op;
    Schedule(settings_.timings().savepoint_duration + std::chrono::milliseconds(1),
             [](FlinkCluster& self) {
               std::lock_guard lock2(self.mu_);
               self.Advance(NowMillis());
             });
    return RestJson(200, {{"request-id", trigger}});  // 200, not 202 (the spec)
  }
  if (seg.size() == 2 && seg[0] == "savepoint-disposal" && m == "GET") {
    auto it = operations_.find(OperationKey("", seg[1]));
    if (it == operations_.end() || it->second.kind != "disposal") {
      return RestError(404,
                       "Operation not found under key: "
                       "org.apache.flink.runtime.rest.handler.job.AsynchronousJobOperationKey@" +
                           seg[1]);
    }
    if (it->second.status == "IN_PROGRESS")
      return RestJson(200, {{"status", {{"id", "IN_PROGRESS"}}}});
    json operation = json::object();
    if (!it->second.failure.empty()) {
      operation["failure-cause"] = {{"class", "java.io.FileNotFoundException"},
                                    {"stack-trace", it->second.failure},
                                    {"serialized-throwable", ""}};
    }
    return RestJson(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", operation}});
  }
  if (seg.size() >= 2 && seg[0] == "jobs") {
    const std::string& jid = seg[1];
    if (!IsHex32(jid))
      return RestError(400,
                       "Bad request, could not parse parameters: Cannot resolve path parameter "
                       "(jobid) from value \"" +
                           jid + "\".");
    Job* job = FindJob(jid);
    if (!job)
      return RestError(404,
                       "org.apache.flink.runtime.messages.FlinkJobNotFoundException: Could not "
                       "find Flink job (" +
                           jid + ")");
    if (seg.size() == 2 && m == "GET") return RestJson(200, JobDetails(*job, now));
    if (seg.size() == 2 && m == "PATCH") {
      std::string mode = qv("mode");
      if (mode.empty()) mode = "cancel";
      if (mode != "cancel" && mode != "stop")
        return RestError(400,
                         "Bad request, could not parse parameters: Cannot resolve query parameter "
                         "(mode) from value \"" +
                             mode + "\".");
      if (Terminal(job->state)) {
        return RestError(409,
                         "Job " + jid + " is in state " + job->state + " and cannot be canceled.");
      }
      Transition(*job, "CANCELLING");
      Schedule(std::chrono::milliseconds(50), [jid](FlinkCluster& self) {
        std::lock_guard lock2(self.mu_);
        Job* j = self.FindJob(jid);
        if (!j || j->state != "CANCELLING") return;
        self.Transition(*j, "CANCELED");
        self.MaybeShutdown(*j);
      });
      return RestJson(202, json::object());
    }
    if (seg.size() == 3 && seg[2] == "status" && m == "GET")
      return RestJson(200, {{"status", job->state}});
    if (seg.size() == 3 && seg[2] == "config" && m == "GET") {
      json user = json::object();
      for (const auto& [k, v] : job->submission.config)
        user[k] = v;
      return RestJson(
          200,
          {{"jid", jid},
           {"name", job->name},
           {"execution-config",
            {{"execution-mode", "PIPELINED"},
             {"restart-strategy", RestartAllowed(*job) ? "Cluster level default restart strategy"
                                                       : "Restart deactivated."},
             {"job-parallelism", job->parallelism},
             {"object-reuse-mode", false},
             {"user-config", user}}}});
    }
    if (seg.size() == 3 && seg[2] == "plan" && m == "GET")
      return RestJson(200, {{"plan", JobDetails(*job, now)["plan"]}});
    if (seg.size() == 3 && seg[2] == "metrics" && m == "GET") {
      // The job-scope metrics the simulator keeps (Flink's names); the body as the spec's
      // MetricCollectionResponseBody: without ?get the available ids, with it the values.
      std::map<std::string, std::string> values = {
          {"numRestarts", std::to_string(job->restarts)},
          {"numberOfCompletedCheckpoints", std::to_string(job->completed)},
          {"numberOfFailedCheckpoints", std::to_string(job->failed)},
          {"uptime", std::to_string(job->state == "RUNNING" && job->running_since > 0
                                        ? now - job->running_since
                                        : 0)}};
      json metrics = json::array();
      std::string get = qv("get");
      if (get.empty()) {
        for (const auto& [name, value] : values)
          metrics.push_back({{"id", name}});
      } else {
        size_t start = 0;
        while (start <= get.size()) {
          size_t comma = get.find(',', start);
          std::string name =
              get.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
          auto it = values.find(name);
          if (it != values.end()) metrics.push_back({{"id", name}, {"value", it->second}});
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
      }
      return RestJson(200, {{"metrics", metrics}});
    }
    if (seg.size() == 3 && seg[2] == "exceptions" && m == "GET") {
      int64_t max = 20;
      if (!qv("maxExceptions").empty()) max = std::atoll(qv("maxExceptions").c_str());
      json entries = json::array();
      for (size_t i = 0; i < job->exceptions.size() && static_cast<int64_t>(i) < max; ++i)
        entries.push_back(job->exceptions[i]);
      json out = {{"exceptionHistory",
                   {{"entries", entries},
                    {"truncated", static_cast<int64_t>(job->exceptions.size()) > max}}}};
      if (version_.rfind("1.", 0) == 0) {
        out["all-exceptions"] = json::array();
        out["truncated"] = false;
        if (!job->exceptions.empty()) {
          out["root-exception"] = job->exceptions[0]["stacktrace"];
          out["timestamp"] = job->exceptions[0]["timestamp"];
        }
      }
      return RestJson(200, out);
    }
    if (seg.size() == 3 && seg[2] == "checkpoints" && m == "GET") {
      json history = json::array();
      for (const auto& c : job->history)
        history.push_back(CheckpointJson(*job, c));
      json latest = json::object();
      if (job->latest_completed) latest["completed"] = CheckpointJson(*job, *job->latest_completed);
      if (job->latest_savepoint) latest["savepoint"] = CheckpointJson(*job, *job->latest_savepoint);
      if (job->latest_failed) latest["failed"] = CheckpointJson(*job, *job->latest_failed);
      if (job->restored) {
        latest["restored"] = {{"id", job->restored->id},
                              {"restore_timestamp", job->restore_ts},
                              {"is_savepoint", job->restored->savepoint},
                              {"external_path", job->restored->path}};
      }
      int64_t size = job->latest_completed ? 1024 * job->latest_completed->id : 0;
      return RestJson(
          200, {{"counts",
                 {{"restored", job->restored ? 1 : 0},
                  {"total", job->completed + job->failed},
                  {"in_progress", 0},
                  {"completed", job->completed},
                  {"failed", job->failed}}},
                {"summary", AtLeast(version_, 1, 18)
                                ? json{{"checkpointed_size", Summary(size)},
                                       {"state_size", Summary(size)},
                                       {"end_to_end_duration",
                                        Summary(std::min<int64_t>(job->interval_ms / 2, 150))},
                                       {"alignment_buffered", Summary(0)},
                                       {"processed_data", Summary(0)},
                                       {"persisted_data", Summary(0)}}
                                : json{{"checkpointed_size", Summary(size)},
                                       {"state_size", Summary(size)},
                                       {"end_to_end_duration",
                                        Summary(std::min<int64_t>(job->interval_ms / 2, 150))}}},
                {"latest", latest},
                {"history", history}});
    }
    if (seg.size() == 4 && seg[2] == "checkpoints" && seg[3] == "config" && m == "GET") {
      if (job->interval_ms <= 0)
        return RestError(404, "Checkpointing is not enabled for this job (" + jid + ").");
      std::string storage =
          config_.Get("execution.checkpointing.dir") || config_.Get("state.checkpoints.dir")
              ? "FileSystemCheckpointStorage"
              : "JobManagerCheckpointStorage";
      return RestJson(
          200,
          {{"mode", config_.GetOr("execution.checkpointing.mode", "EXACTLY_ONCE")},
           {"interval", job->interval_ms},
           {"timeout", 600000},
           {"min_pause", 0},
           {"max_concurrent", 1},
           {"externalization", {{"enabled", true}, {"delete_on_cancellation", false}}},
           {"state_backend", config_.GetOr("state.backend.type",
                                           config_.GetOr("state.backend", "hashmap")) == "rocksdb"
                                 ? "EmbeddedRocksDBStateBackend"
                                 : "HashMapStateBackend"},
           {"checkpoint_storage", storage},
           {"unaligned_checkpoints", false},
           {"tolerable_failed_checkpoints", 0},
           {"aligned_checkpoint_timeout", 0},
           {"checkpoints_after_tasks_finish", true},
           {"state_changelog_enabled", false},
           {"changelog_periodic_materialization_interval", 600000},
           {"changelog_storage", "memory"}});
    }
    if (seg.size() == 3 && seg[2] == "checkpoints" && m == "POST") {
      std::string trigger = body.value("triggerId", RandomHex(16));
      Operation op;
      op.kind = "checkpoint";
      op.job_id = jid;
      op.done_at = now + settings_.timings().savepoint_duration.count();
      if (job->state != "RUNNING")
        op.failure =
            "org.apache.flink.runtime.checkpoint.CheckpointException: Not all required tasks are "
            "currently running.";
      else if (fail_checkpoints_ > 0) {
        --fail_checkpoints_;
        op.fail = true;
      }
      operations_[OperationKey(jid, trigger)] = op;
      Schedule(settings_.timings().savepoint_duration + std::chrono::milliseconds(1),
               [](FlinkCluster& self) {
                 std::lock_guard lock2(self.mu_);
                 self.Advance(NowMillis());
               });
      return RestJson(202, {{"request-id", trigger}});
    }
    if (seg.size() == 4 && (seg[2] == "savepoints" || seg[2] == "checkpoints") && m == "GET") {
      auto it = operations_.find(OperationKey(jid, seg[3]));
      bool want_checkpoint = seg[2] == "checkpoints";
      if (it == operations_.end() || it->second.job_id != jid ||
          (it->second.kind == "checkpoint") != want_checkpoint) {
        return RestError(404,
                         "Operation not found under key: "
                         "org.apache.flink.runtime.rest.handler.job.AsynchronousJobOperationKey@" +
                             seg[3]);
      }
      const Operation& op = it->second;
      if (op.status == "IN_PROGRESS") return RestJson(200, {{"status", {{"id", "IN_PROGRESS"}}}});
      json operation = json::object();
      if (want_checkpoint) {
        if (!op.failure.empty() || op.fail)
          operation["failureCause"] =
              Throwable("org.apache.flink.runtime.checkpoint.CheckpointException", op.failure);
        else
          operation["checkpointId"] = op.checkpoint_id;
      } else if (!op.failure.empty()) {
        std::string cls = op.failure.substr(0, op.failure.find(':'));
        operation["failure-cause"] = Throwable(cls, op.failure.substr(op.failure.find(':') + 2));
      } else {
        operation["location"] = op.location;
      }
      return RestJson(200, {{"status", {{"id", "COMPLETED"}}}, {"operation", operation}});
    }
    if (seg.size() == 3 && seg[2] == "savepoints" && m == "POST")
      return TriggerSavepoint(*job, body, false);
    if (seg.size() == 3 && seg[2] == "stop" && m == "POST")
      return TriggerSavepoint(*job, body, true);
    if (seg.size() == 3 && seg[2] == "rescaling" && m == "PATCH") {
      return RestError(503, "Rescaling is temporarily disabled. See FLINK-12312.");
    }
    return not_found();
  }
  return not_found();
}

}  // namespace sluice::sim
