#include "sim/yarn.h"

#include <atomic>
#include <chrono>

#include "common/time.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.headers["Content-Type"] = "application/json";
  r.body = body.dump();
  return r;
}

http::Response RemoteException(int status, const std::string& exception,
                               const std::string& message) {
  return Json(status, {{"RemoteException",
                        {{"exception", exception},
                         {"message", message},
                         {"javaClassName", "org.apache.hadoop.yarn.webapp." + exception}}}});
}

}  // namespace

YarnCluster::YarnCluster(Scheduler& scheduler, Settings& settings, SavepointRegistry& savepoints)
    : scheduler_(scheduler),
      settings_(settings),
      savepoints_(savepoints),
      cluster_ts_(NowMillis()) {}

YarnCluster::~YarnCluster() {
  std::map<std::string, App> apps;
  {
    std::lock_guard lock(mu_);
    apps.swap(apps_);
  }
  for (auto& [_, a] : apps) {
    if (a.server) a.server->Shutdown(std::chrono::milliseconds(0));
  }
}

Result<json> YarnCluster::Submit(const json& request) {
  std::string mode = request.value("mode", "application");
  if (mode != "application" && mode != "per-job" && mode != "session") {
    return InvalidArgument("unknown YARN deployment mode '" + mode + "'");
  }
  std::map<std::string, std::string> conf;
  const json conf_in = request.value("config", json::object());
  for (auto& [k, v] : conf_in.items())
    conf[k] = v.is_string() ? v.get<std::string>() : v.dump();
  FlinkConfig config = FlinkConfig::FromMap(conf);
  std::string version = FullFlinkVersion(request.value("flinkVersion", "1.20"));
  std::string id;
  {
    std::lock_guard lock(mu_);
    id = "application_" + std::to_string(cluster_ts_) + "_" +
         std::string(4 - std::min<size_t>(4, std::to_string(next_ + 1).size()), '0') +
         std::to_string(next_ + 1);
    ++next_;
  }
  ClusterBackend backend;
  std::weak_ptr<FlinkCluster> weak;
  auto holder = std::make_shared<std::weak_ptr<FlinkCluster>>();
  int slots = static_cast<int>(config.GetInt("taskmanager.numberOfTaskSlots", 1));
  // Container 000001 is the JobManager's; TaskManagers get the next numbers, never reused.
  auto containers = std::make_shared<std::atomic<int>>(1);
  backend.request_taskmanagers = [this, holder, id, slots,
                                  containers](int n) -> std::optional<std::string> {
    auto delay = settings_.timings().startup_delay;
    for (int i = 0; i < n; ++i) {
      std::string container =
          "container_" + id.substr(12) + "_01_" + std::to_string(1000000 + ++*containers).substr(1);
      scheduler_.After(delay, [holder, container, slots] {
        if (auto c = holder->lock()) c->TaskManagerRegistered(container, slots);
      });
    }
    return std::nullopt;
  };
  backend.shutdown = [this, id, holder] {
    std::string final_status = "SUCCEEDED";
    if (auto c = holder->lock()) {
      for (const auto& j : c->job_ids()) {
        std::string s = c->job_state(j);
        if (s == "FAILED") final_status = "FAILED";
        if (s == "CANCELED") final_status = "KILLED";
      }
    }
    Finish(id, final_status, final_status == "FAILED" ? "FAILED" : "FINISHED");
  };
  ClusterMode cmode = mode == "session" ? ClusterMode::kSession : ClusterMode::kApplication;
  if (mode != "session") {
    config.Set("execution.target", mode == "application" ? "yarn-application" : "yarn-per-job");
    if (request.contains("jar")) config.Set("pipeline.jars", "[" + request.value("jar", "") + "]");
    if (request.contains("entryClass"))
      config.Set("$internal.application.main", request.value("entryClass", ""));
    json args = request.value("args", json::array());
    if (!args.empty()) config.Set("$internal.application.program-args", args.dump());
    if (request.contains("parallelism"))
      config.Set("parallelism.default", std::to_string(request.value("parallelism", 1)));
    if (request.contains("savepointPath"))
      config.Set("execution.state-recovery.path", request.value("savepointPath", ""));
    if (request.contains("jobId"))
      config.Set("$internal.pipeline.job-id", request.value("jobId", ""));
  }
  auto cluster = std::make_shared<FlinkCluster>(id, "yarn", cmode, config, version, scheduler_,
                                                settings_, savepoints_, backend);
  *holder = cluster;
  http::ServerOptions opts;
  opts.host = "127.0.0.1";
  opts.port = 0;
  opts.threads = 1;
  auto server = http::Server::Start(opts, [holder](http::Request& req) {
    auto c = holder->lock();
    if (!c) return http::Response::Text(503, "the JobManager is gone");
    return c->HandleRest(req.method, req.path, req.query, req.body, req.headers);
  });
  if (!server.ok()) return server.error();
  uint16_t port = server.value()->port();
  {
    std::lock_guard lock(mu_);
    App& app = apps_[id];
    app.id = id;
    app.name = request.value(
        "name",
        "Flink " + std::string(mode == "session" ? "session cluster" : "Application Cluster"));
    app.mode = mode;
    app.queue = request.value("queue", "default");
    app.user = request.value("user", "flink");
    app.started = NowMillis();
    app.cluster = cluster;
    app.server = std::move(server).value();
  }
  cluster->Start();
  std::string job_id;
  if (mode != "session") {
    auto ids = cluster->job_ids();
    if (!ids.empty()) job_id = ids.back();
  }
  scheduler_.After(settings_.timings().startup_delay, [this, id] {
    std::lock_guard lock(mu_);
    auto it = apps_.find(id);
    if (it != apps_.end() && it->second.state == "ACCEPTED") it->second.state = "RUNNING";
  });
  {
    std::lock_guard lock(mu_);
    apps_[id].job_id = job_id;
  }
  json out = {{"applicationId", id},
              {"trackingUrl", "http://" + address_ + "/proxy/" + id + "/"},
              {"jobManagerAddress", "127.0.0.1:" + std::to_string(port)},
              {"restUrl", "http://127.0.0.1:" + std::to_string(port)}};
  if (!job_id.empty()) out["jobId"] = job_id;
  return out;
}

Result<json> YarnCluster::SubmitToSession(const std::string& app_id, const json& request) {
  auto cluster = ClusterOf(app_id);
  if (!cluster) return NotFound("no YARN application " + app_id);
  if (cluster->mode() != ClusterMode::kSession)
    return FailedPrecondition(app_id + " is not a session cluster");
  JobSubmission sub;
  sub.jar = request.value("jar", "");
  sub.entry_class = request.value("entryClass", "");
  for (const auto& a : request.value("args", json::array()))
    sub.args.push_back(a.get<std::string>());
  sub.parallelism = request.value("parallelism", 0);
  sub.restore_path = request.value("savepointPath", "");
  return json{{"jobId", cluster->Submit(sub)}};
}

std::shared_ptr<FlinkCluster> YarnCluster::ClusterOf(const std::string& app_id) const {
  std::lock_guard lock(mu_);
  auto it = apps_.find(app_id);
  if (it == apps_.end()) return nullptr;
  return it->second.cluster;
}

void YarnCluster::Finish(const std::string& id, const std::string& final_status,
                         const std::string& state) {
  std::unique_ptr<http::Server> server;
  std::shared_ptr<FlinkCluster> cluster;
  {
    std::lock_guard lock(mu_);
    auto it = apps_.find(id);
    if (it == apps_.end() || it->second.finished) return;
    it->second.state = state;
    it->second.final_status = final_status;
    it->second.finished = NowMillis();
    server = std::move(it->second.server);
    cluster = it->second.cluster;
  }
  if (cluster) cluster->Stop();
  // Finish runs on the scheduler or the ResourceManager's threads, never on this
  // JobManager's own server threads, so it can stop that server here.
  if (server) server->Shutdown(std::chrono::milliseconds(100));
}

json YarnCluster::AppJson(const App& a) const {
  std::string tracking = a.finished ? "http://" + address_ + "/cluster/app/" + a.id
                                    : "http://" + address_ + "/proxy/" + a.id + "/";
  return {{"id", a.id},
          {"user", a.user},
          {"name", a.name},
          {"queue", a.queue},
          {"state", a.state},
          {"finalStatus", a.final_status},
          {"progress", a.finished ? 100.0 : 0.0},
          {"trackingUI", a.finished ? "History" : "ApplicationMaster"},
          {"trackingUrl", tracking},
          {"diagnostics", a.diagnostics},
          {"clusterId", cluster_ts_},
          {"applicationType", "Apache Flink"},
          {"applicationTags", ""},
          {"priority", 0},
          {"startedTime", a.started},
          {"launchTime", a.started},
          {"finishedTime", a.finished},
          {"elapsedTime", (a.finished ? a.finished : NowMillis()) - a.started},
          {"amContainerLogs", "http://127.0.0.1:8042/node/containerlogs/container_" +
                                  a.id.substr(12) + "_01_000001/" + a.user},
          {"amHostHttpAddress", "127.0.0.1:8042"},
          {"allocatedMB", a.finished ? -1 : 1728},
          {"allocatedVCores", a.finished ? -1 : 1},
          {"runningContainers", a.finished ? -1 : 2},
          {"unmanagedApplication", false}};
}

json YarnCluster::Describe(const std::string& app_id) const {
  std::lock_guard lock(mu_);
  auto it = apps_.find(app_id);
  if (it == apps_.end()) return nullptr;
  json j = AppJson(it->second);
  if (it->second.server)
    j["jobManagerAddress"] = "127.0.0.1:" + std::to_string(it->second.server->port());
  if (!it->second.job_id.empty()) j["jobId"] = it->second.job_id;
  return j;
}

http::Response YarnCluster::Handle(http::Request& req) {
  std::vector<std::string> seg;
  for (size_t i = 0; i < req.path.size();) {
    while (i < req.path.size() && req.path[i] == '/')
      ++i;
    size_t j = req.path.find('/', i);
    if (j == std::string::npos) j = req.path.size();
    if (j > i) seg.push_back(req.path.substr(i, j - i));
    i = j;
  }
  if (seg.size() >= 2 && seg[0] == "proxy") {
    auto cluster = ClusterOf(seg[1]);
    if (!cluster) return http::Response::Text(404, "Application " + seg[1] + " could not be found");
    std::string rest = req.path.substr(req.path.find(seg[1]) + seg[1].size());
    if (rest.empty()) rest = "/";
    return cluster->HandleRest(req.method, rest, req.query, req.body, req.headers);
  }
  if (seg.size() < 3 || seg[0] != "ws" || seg[1] != "v1" || seg[2] != "cluster") {
    return RemoteException(404, "NotFoundException",
                           "java.lang.Exception: no resource at " + req.path);
  }
  if (seg.size() == 3 || (seg.size() == 4 && seg[3] == "info")) {
    return Json(200, {{"clusterInfo",
                       {{"id", cluster_ts_},
                        {"startedOn", cluster_ts_},
                        {"state", "STARTED"},
                        {"haState", "ACTIVE"},
                        {"resourceManagerVersion", "3.3.6"},
                        {"hadoopVersion", "3.3.6"}}}});
  }
  if (seg[3] != "apps")
    return RemoteException(404, "NotFoundException",
                           "java.lang.Exception: no resource at " + req.path);
  if (seg.size() == 4 && req.method == "GET") {
    std::string states = req.Query("states").value_or("");
    std::string type = req.Query("applicationTypes").value_or("");
    json apps = json::array();
    std::lock_guard lock(mu_);
    for (const auto& [_, a] : apps_) {
      if (!states.empty()) {
        std::string s = states;
        for (auto& c : s)
          c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (("," + s + ",").find("," + a.state + ",") == std::string::npos) continue;
      }
      if (!type.empty() && type != "Apache Flink" && type != "apache flink") continue;
      apps.push_back(AppJson(a));
    }
    if (apps.empty()) return Json(200, {{"apps", nullptr}});
    return Json(200, {{"apps", {{"app", apps}}}});
  }
  std::string id = seg[4];
  json app = Describe(id);
  if (app.is_null()) {
    return RemoteException(404, "NotFoundException",
                           "java.lang.Exception: app with id: " + id + " not found");
  }
  if (seg.size() == 5 && req.method == "GET") {
    app.erase("jobManagerAddress");
    app.erase("jobId");
    return Json(200, {{"app", app}});
  }
  if (seg.size() == 6 && seg[5] == "state") {
    if (req.method == "GET") return Json(200, {{"state", app["state"]}});
    if (req.method == "PUT") {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || body.value("state", "") != "KILLED") {
        return RemoteException(400, "BadRequestException",
                               "java.lang.Exception: Only 'KILLED' is allowed as a target state.");
      }
      std::string state = app["state"];
      if (state == "FINISHED" || state == "FAILED" || state == "KILLED")
        return Json(200, {{"state", state}});
      {
        std::lock_guard lock(mu_);
        apps_[id].diagnostics = "Application " + id + " was killed by user " +
                                req.Header("X-Remote-User") + " at 127.0.0.1";
      }
      Finish(id, "KILLED", "KILLED");
      return Json(202, {{"state", "KILLED"}});
    }
  }
  return RemoteException(405, "WebApplicationException", "HTTP 405 Method Not Allowed");
}

}  // namespace sluice::sim
