#include "sim/simulator.h"

#include <fstream>
#include <sstream>

#include "common/crypto.h"
#include "common/fs.h"
#include "common/ids.h"
#include "common/log.h"
#include "sim/operator.h"
#include "sim/yaml_json.h"
#include "sim/yarn.h"

namespace sluice::sim {

using nlohmann::json;

namespace {

http::Response AdminJson(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.headers["Content-Type"] = "application/json";
  r.body = body.dump();
  return r;
}

http::Response AdminError(int status, const std::string& message) {
  return AdminJson(status, {{"error", {{"message", message}}}});
}

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> seg;
  for (size_t i = 0; i < path.size();) {
    while (i < path.size() && path[i] == '/')
      ++i;
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    if (j > i) seg.push_back(http::PercentDecode(path.substr(i, j - i)));
    i = j;
  }
  return seg;
}

json TimingsJson(const Timings& t) {
  return {{"startupDelayMs", t.startup_delay.count()},
          {"savepointDurationMs", t.savepoint_duration.count()},
          {"slotRequestTimeoutMs", t.slot_request_timeout.count()},
          {"restartDelayMs", t.restart_delay.count()},
          {"defaultCheckpointIntervalMs", t.default_checkpoint_interval.count()},
          {"operatorDelayMs", t.operator_delay.count()},
          {"hangTimeoutMs", t.hang_timeout.count()}};
}

void ApplyTimings(Timings& t, const json& j) {
  auto set = [&](const char* key, std::chrono::milliseconds& field) {
    if (j.contains(key) && j[key].is_number_integer())
      field = std::chrono::milliseconds(j[key].get<int64_t>());
  };
  set("startupDelayMs", t.startup_delay);
  set("savepointDurationMs", t.savepoint_duration);
  set("slotRequestTimeoutMs", t.slot_request_timeout);
  set("restartDelayMs", t.restart_delay);
  set("defaultCheckpointIntervalMs", t.default_checkpoint_interval);
  set("operatorDelayMs", t.operator_delay);
  set("hangTimeoutMs", t.hang_timeout);
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseHostPort(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("expected HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return InvalidArgument("bad port in '" + text + "'");
  return std::make_pair(host.empty() ? std::string("127.0.0.1") : host,
                        static_cast<uint16_t>(port));
}

Result<std::unique_ptr<Simulator>> Simulator::Start(SimOptions options) {
  std::unique_ptr<Simulator> sim(new Simulator());
  sim->options_ = options;
  sim->token_ = options.token.empty() ? RandomHex(24) : options.token;
  std::vector<std::string> hosts = {"127.0.0.1", "localhost"};
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "0.0.0.0")
    hosts.push_back(options.host);
  SLUICE_ASSIGN_OR_RETURN(sim->pki_, MakePki(hosts, "sluice-sim-admin"));
  sim->settings_.set_timings(options.timings);
  if (!options.bad_image_pattern.empty())
    sim->settings_.set_bad_image_pattern(options.bad_image_pattern);
  for (const auto& i : options.known_images)
    sim->settings_.AddKnownImage(i);
  sim->settings_.set_strict_savepoints(options.strict_savepoints);
  sim->store_.SetHistoryLimit(options.history_limit);
  sim->api_ = std::make_unique<Api>(sim->store_, sim->scheduler_);
  sim->api_->set_events_enabled(options.record_events);
  sim->controllers_ = std::make_unique<Controllers>(*sim->api_, sim->scheduler_, sim->settings_);
  sim->flink_ = std::make_unique<FlinkNative>(*sim->api_, sim->scheduler_, sim->settings_,
                                              *sim->controllers_, sim->savepoints_);
  sim->controllers_->SetPodFate([s = sim.get()](const json& pod) { return s->flink_->Fate(pod); });
  if (options.operator_enabled) {
    sim->operator_ =
        std::make_unique<FlinkOperator>(*sim->api_, sim->scheduler_, sim->settings_, *sim->flink_);
  }
  for (const auto& file : options.crd_files) {
    std::ifstream in(file);
    if (!in)
      return NotFound("cannot read CRD file " + file)
          .Hint("pass a path to a CustomResourceDefinition YAML file");
    std::stringstream ss;
    ss << in.rdbuf();
    SLUICE_ASSIGN_OR_RETURN(auto docs, YamlDocumentsToJson(ss.str()));
    for (const auto& d : docs) {
      auto r = sim->api_->InstallCrd(d);
      if (!r.ok()) return InvalidArgument("CRD in " + file + " rejected: " + r.status().message);
    }
  }
  ApiServerOptions aso;
  aso.token = sim->token_;
  aso.bookmark_interval = options.bookmark_interval;
  sim->apiserver_ = std::make_unique<ApiServer>(*sim->api_, sim->scheduler_, aso);
  Simulator* s = sim.get();
  sim->apiserver_->SetAdminHandler([s](http::Request& req) { return s->Admin(req); });
  sim->apiserver_->SetProxyHandler(
      [s](const ProxyTarget& t, http::Request& req) { return s->flink_->Proxy(t, req); });
  sim->apiserver_->SetLogProvider(
      [s](const std::string& ns, const std::string& pod, const std::string& c) {
        return s->flink_->PodLog(ns, pod, c);
      });
  sim->apiserver_->SetInterceptor([s](http::Request& req) {
    return s->faults_.Check(req, s->settings_.timings().hang_timeout, true);
  });
  http::ServerOptions so;
  so.host = options.host;
  so.port = options.port;
  so.threads = options.threads;
  so.max_body_bytes = 64u << 20;
  so.idle_timeout = std::chrono::milliseconds(300'000);
  so.tls = http::TlsOptions{sim->pki_.server.cert_pem + sim->pki_.ca.cert_pem,
                            sim->pki_.server.key_pem, sim->pki_.ca.cert_pem};
  SLUICE_ASSIGN_OR_RETURN(sim->server_, http::Server::Start(so, [s](http::Request& req) {
                            return s->apiserver_->Handle(req);
                          }));
  if (!options.yarn_listen.empty()) {
    SLUICE_ASSIGN_OR_RETURN(auto hp, ParseHostPort(options.yarn_listen));
    sim->yarn_ = std::make_unique<YarnCluster>(sim->scheduler_, sim->settings_, sim->savepoints_);
    http::ServerOptions yo;
    yo.host = hp.first;
    yo.port = hp.second;
    yo.threads = 2;
    SLUICE_ASSIGN_OR_RETURN(sim->yarn_server_, http::Server::Start(yo, [s](http::Request& req) {
                              auto f =
                                  s->faults_.Check(req, s->settings_.timings().hang_timeout, false);
                              if (f) return *f;
                              return s->yarn_->Handle(req);
                            }));
    sim->yarn_->set_address(hp.first + ":" + std::to_string(sim->yarn_server_->port()));
  }
  if (!options.standalone_listen.empty())
    SLUICE_RETURN_IF_ERROR(sim->StartStandalone(options.standalone_listen));
  if (!options.kubeconfig_out.empty()) {
    SLUICE_RETURN_IF_ERROR(WriteFileAtomic(options.kubeconfig_out, sim->Kubeconfig()));
  }
  return sim;
}

Simulator::~Simulator() {
  Shutdown();
}

void Simulator::Shutdown() {
  {
    std::lock_guard lock(mu_);
    if (shut_) return;
    shut_ = true;
  }
  faults_.Shutdown();
  if (apiserver_) apiserver_->StopBookmarks();
  store_.DropWatches();
  if (server_) server_->Shutdown(std::chrono::milliseconds(500));
  if (yarn_server_) yarn_server_->Shutdown(std::chrono::milliseconds(200));
  for (auto& s : standalone_servers_)
    s->Shutdown(std::chrono::milliseconds(200));
  scheduler_.Stop();
  operator_.reset();
  flink_.reset();
  yarn_.reset();
}

std::string Simulator::url() const {
  std::string host = options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host;
  return "https://" + host + ":" + std::to_string(server_->port());
}

std::string Simulator::yarn_url() const {
  return yarn_server_ ? "http://127.0.0.1:" + std::to_string(yarn_server_->port()) : "";
}

std::string Simulator::standalone_url() const {
  return standalone_servers_.empty()
             ? ""
             : "http://127.0.0.1:" + std::to_string(standalone_servers_.front()->port());
}

std::string Simulator::Kubeconfig() const {
  std::string ca = crypto::Base64Encode(pki_.ca.cert_pem);
  std::ostringstream o;
  o << "apiVersion: v1\nkind: Config\n"
    << "clusters:\n- name: sluice-sim\n  cluster:\n    server: " << url()
    << "\n    certificate-authority-data: " << ca << "\n"
    << "users:\n- name: sluice-sim-admin\n  user:\n    token: " << token_ << "\n"
    << "- name: sluice-sim-cert\n  user:\n    client-certificate-data: "
    << crypto::Base64Encode(pki_.admin_client.cert_pem)
    << "\n    client-key-data: " << crypto::Base64Encode(pki_.admin_client.key_pem) << "\n"
    << "contexts:\n- name: sluice-sim\n  context:\n    cluster: sluice-sim\n    user: "
       "sluice-sim-admin\n    namespace: default\n"
    << "- name: sluice-sim-cert\n  context:\n    cluster: sluice-sim\n    user: sluice-sim-cert\n  "
       "  namespace: default\n"
    << "current-context: sluice-sim\n";
  return o.str();
}

Result<std::string> Simulator::StartStandalone(const std::string& listen) {
  SLUICE_ASSIGN_OR_RETURN(auto hp, ParseHostPort(listen));
  auto holder = std::make_shared<std::weak_ptr<FlinkCluster>>();
  ClusterBackend backend;
  backend.request_taskmanagers = [this, holder](int n) -> std::optional<std::string> {
    for (int i = 0; i < n; ++i) {
      std::string tm = "127.0.0.1:" + std::to_string(40000 + i) + "-" + RandomHex(3);
      scheduler_.After(settings_.timings().startup_delay, [holder, tm] {
        if (auto c = holder->lock()) c->TaskManagerRegistered(tm, c->slots_per_taskmanager());
      });
    }
    return std::nullopt;
  };
  FlinkConfig config =
      FlinkConfig::FromMap({{"taskmanager.numberOfTaskSlots", "4"},
                            {"execution.target", "remote"},
                            {"state.savepoints.dir", "file:///tmp/flink-savepoints"}});
  auto cluster = std::make_shared<FlinkCluster>("standalone", "", ClusterMode::kSession, config,
                                                FullFlinkVersion("1.20"), scheduler_, settings_,
                                                savepoints_, backend);
  *holder = cluster;
  http::ServerOptions so;
  so.host = hp.first;
  so.port = hp.second;
  so.threads = 2;
  auto server = http::Server::Start(so, [this, holder](http::Request& req) {
    auto f = faults_.Check(req, settings_.timings().hang_timeout, false);
    if (f) return *f;
    auto c = holder->lock();
    if (!c) return http::Response::Text(503, "stopped");
    return c->HandleRest(req.method, req.path, req.query, req.body, req.headers);
  });
  if (!server.ok()) return server.error();
  cluster->Start();
  std::string url = "http://" + hp.first + ":" + std::to_string(server.value()->port());
  std::lock_guard lock(mu_);
  standalone_clusters_.push_back(cluster);
  standalone_servers_.push_back(std::move(server).value());
  return url;
}

http::Response Simulator::Admin(http::Request& req) {
  auto seg = Segments(req.path);  // sim, v1, ...
  if (seg.size() < 3 || seg[1] != "v1")
    return AdminError(404, "unknown admin path " + req.path + "; see docs/simulator.md");
  json body = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
  if (body.is_discarded()) body = json::object();
  const std::string& what = seg[2];
  const std::string& m = req.method;
  if (what == "info" && m == "GET") {
    return AdminJson(200, {{"url", url()},
                           {"resourceVersion", store_.current_rv()},
                           {"objects", store_.size()},
                           {"watches", store_.watch_count()},
                           {"flinkClusters", flink_->size()},
                           {"flinkJobsRunning", flink_->running_jobs()},
                           {"pendingTimers", scheduler_.pending()},
                           {"yarn", yarn_url()},
                           {"standalone", standalone_url()}});
  }
  if (what == "settings") {
    if (m == "PUT" || m == "PATCH") {
      Timings t = settings_.timings();
      ApplyTimings(t, body);
      settings_.set_timings(t);
      if (body.contains("badImagePattern")) {
        try {
          settings_.set_bad_image_pattern(body["badImagePattern"].get<std::string>());
        } catch (const std::exception& e) {
          return AdminError(
              400, std::string("badImagePattern is not a valid regular expression: ") + e.what());
        }
      }
      if (body.contains("strictSavepoints"))
        settings_.set_strict_savepoints(body["strictSavepoints"].get<bool>());
      if (body.contains("historyLimit")) store_.SetHistoryLimit(body["historyLimit"].get<size_t>());
    }
    json out = TimingsJson(settings_.timings());
    out["badImagePattern"] = settings_.bad_image_pattern();
    out["knownImages"] = settings_.known_images();
    out["strictSavepoints"] = settings_.strict_savepoints();
    return AdminJson(200, out);
  }
  if (what == "images") {
    if (m == "POST") {
      if (!body.contains("image"))
        return AdminError(400, "expected {\"image\": \"repo/name:tag\"}");
      settings_.AddKnownImage(body["image"]);
    } else if (m == "DELETE") {
      settings_.ClearKnownImages();
    }
    return AdminJson(200, {{"knownImages", settings_.known_images()}});
  }
  if (what == "faults") {
    if (m == "POST") {
      FaultRule rule;
      rule.method = body.value("method", "");
      rule.path_pattern = body.value("path", "");
      rule.remaining = body.value("count", 1);
      rule.action = body.value("action", "error") == "hang" ? FaultRule::Action::kHang
                                                            : FaultRule::Action::kError;
      rule.status = body.value("status", 500);
      rule.message = body.value("message", "simulated failure");
      try {
        return AdminJson(201, {{"id", faults_.Add(rule)}});
      } catch (const std::exception& e) {
        return AdminError(400, std::string("path is not a valid regular expression: ") + e.what());
      }
    }
    if (m == "DELETE") faults_.Clear();
    return AdminJson(200, {{"faults", faults_.List()}});
  }
  if (what == "watches" && seg.size() == 4 && seg[3] == "drop" && m == "POST") {
    size_t n = store_.watch_count();
    store_.DropWatches();
    return AdminJson(200, {{"dropped", n}});
  }
  if (what == "savepoints") {
    if (m == "POST") {
      savepoints_.Add(body.value("path", ""), body.value("checkpointId", 1),
                      body.value("jobId", ""));
    }
    return AdminJson(200, {{"savepoints", savepoints_.List()}});
  }
  if (what == "crds" && m == "POST") {
    std::string text = req.body;
    if (body.is_object() && body.contains("path")) {
      std::ifstream in(body["path"].get<std::string>());
      if (!in) return AdminError(404, "cannot read " + body["path"].get<std::string>());
      std::stringstream ss;
      ss << in.rdbuf();
      text = ss.str();
    }
    auto docs = YamlDocumentsToJson(text);
    if (!docs.ok()) return AdminError(400, docs.error().ToString());
    json names = json::array();
    for (const auto& d : *docs) {
      auto r = api_->InstallCrd(d);
      if (!r.ok()) return AdminJson(r.status().code, r.status().ToJson());
      names.push_back(r.value()["metadata"]["name"]);
    }
    return AdminJson(200, {{"installed", names}});
  }
  if (what == "standalone" && m == "POST") {
    auto r = StartStandalone(body.value("listen", "127.0.0.1:0"));
    if (!r.ok()) return AdminError(400, r.error().ToString());
    return AdminJson(201, {{"url", *r}});
  }
  if (what == "yarn") {
    if (!yarn_)
      return AdminError(404,
                        "the simulator runs no YARN ResourceManager; start it with --yarn-listen");
    if (seg.size() == 4 && seg[3] == "apps" && m == "POST") {
      auto r = yarn_->Submit(body);
      if (!r.ok()) return AdminError(400, r.error().ToString());
      return AdminJson(201, *r);
    }
    if (seg.size() == 6 && seg[3] == "apps" && seg[5] == "jobs" && m == "POST") {
      auto r = yarn_->SubmitToSession(seg[4], body);
      if (!r.ok())
        return AdminError(r.error().code == ErrorCode::kNotFound ? 404 : 400, r.error().ToString());
      return AdminJson(201, *r);
    }
    if (seg.size() == 5 && seg[3] == "apps" && m == "GET") {
      json d = yarn_->Describe(seg[4]);
      if (d.is_null()) return AdminError(404, "no YARN application " + seg[4]);
      return AdminJson(200, d);
    }
    return AdminJson(200, {{"url", yarn_url()}});
  }
  if (what == "flink") {
    if (seg.size() == 3) return AdminJson(200, {{"clusters", flink_->List()}});
    if (seg.size() < 5) return AdminError(404, "use /sim/v1/flink/NAMESPACE/CLUSTER-ID[/ACTION]");
    const std::string& ns = seg[3];
    const std::string& cid = seg[4];
    if (seg.size() == 5) {
      json d = flink_->Describe(ns, cid);
      if (d.is_null()) return AdminError(404, "no Flink cluster " + ns + "/" + cid);
      return AdminJson(200, d);
    }
    const std::string& action = seg[5];
    if (m != "POST") return AdminError(405, "use POST for " + action);
    if (action == "listen") {
      auto port = flink_->Listen(ns, cid);
      if (!port.ok()) return AdminError(404, port.error().ToString());
      return AdminJson(200,
                       {{"port", *port}, {"url", "http://127.0.0.1:" + std::to_string(*port)}});
    }
    if (action == "restart-jobmanager") {
      if (!flink_->RestartJobManager(ns, cid))
        return AdminError(404, "no running JobManager for " + ns + "/" + cid);
      return AdminJson(200, {{"restarted", true}});
    }
    if (action == "lose-taskmanager") {
      auto pod = flink_->LoseTaskManager(ns, cid);
      if (!pod) return AdminError(404, "no TaskManager pod for " + ns + "/" + cid);
      return AdminJson(200, {{"pod", *pod}});
    }
    auto cluster = flink_->Find(ns, cid);
    if (!cluster) return AdminError(404, "no running JobManager for " + ns + "/" + cid);
    if (action == "fail-job") {
      if (!cluster->FailJob(body.value("jobId", ""), body.value("exception", "")))
        return AdminError(409, "no running job to fail");
      return AdminJson(200, {{"failed", true}});
    }
    if (action == "fail-checkpoints") {
      cluster->FailNextCheckpoints(body.value("count", 1));
      return AdminJson(200, {{"ok", true}});
    }
    if (action == "fail-savepoints") {
      cluster->FailNextSavepoints(body.value("count", 1));
      return AdminJson(200, {{"ok", true}});
    }
    return AdminError(404, "unknown action " + action);
  }
  return AdminError(404, "unknown admin path " + req.path + "; see docs/simulator.md");
}

}  // namespace sluice::sim
