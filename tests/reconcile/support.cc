#include "support.h"

#include <cstdlib>
#include <thread>

#include "common/crypto.h"
#include "common/fs.h"
#include "common/strings.h"
#include "deploy/preflight.h"
#include "http/client.h"
#include "k8s/resource.h"
#include "sim/test_support.h"
#include "spec/parse.h"
#include "spec/render.h"

namespace sluice::reconcile::testing {

ServeProcess::ServeProcess(const std::filesystem::path& data_dir, const std::string& admin_password,
                           std::map<std::string, std::string> env,
                           std::chrono::milliseconds call_timeout)
    : password_(admin_password), call_timeout_(call_timeout) {
  sluice::testing::ProcessOptions options;
  options.env = std::move(env);
  proc_ = std::make_unique<sluice::testing::BackgroundProcess>(
      std::vector<std::string>{std::getenv("SLUICE_BIN"), "serve", "--listen", "127.0.0.1:0",
                               "--data-dir", data_dir.string(), "--bootstrap-admin-password",
                               password_, "--reconcile-resync", "1s"},
      options);
}

bool ServeProcess::Ready(std::chrono::milliseconds timeout, const std::string& token_name) {
  if (!proc_->WaitForStderr(
          [](const std::string& e) { return e.find("sluice.started") != std::string::npos; },
          timeout)) {
    return false;
  }
  for (const auto& line : Split(proc_->err(), '\n')) {
    if (line.find("sluice.started") == std::string::npos) continue;
    base_ = "http://" + nlohmann::json::parse(line)["listen"].get<std::string>();
  }
  auto token = http::Send(
      {.method = "POST",
       .url = base_ + "/api/v1/auth/tokens",
       .headers = {{"Authorization", "Basic " + crypto::Base64Encode("admin:" + password_)}},
       .body = nlohmann::json{{"name", token_name}}.dump()});
  if (!token.ok() || token->status != 201) return false;
  token_ = nlohmann::json::parse(token->body)["token"];
  return true;
}

nlohmann::json ServeProcess::Call(const std::string& method, const std::string& path,
                                  const nlohmann::json& body, int* status) {
  auto r = http::Send(
      {.method = method,
       .url = base_ + path,
       .headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}},
       .body = body.is_null() ? "" : body.dump(),
       .timeout = call_timeout_});
  if (!r.ok()) return nullptr;
  if (status) *status = r->status;
  return nlohmann::json::parse(r->body, nullptr, false);
}

using json = nlohmann::json;

sim::Simulator* SimTest::sim_ = nullptr;

void SimTest::SetUpTestSuite() {
  sim_ = sim::testing::StartSim().release();
}

void SimTest::TearDownTestSuite() {
  delete sim_;
  sim_ = nullptr;
}

void SimTest::SetUp() {
  ASSERT_NE(sim_, nullptr);
  sim_->faults().Clear();
  sim_->settings().set_bad_image_pattern("does-not-exist");
  auto s = store::Store::Open("sqlite://" + (dir_.path() / "sluice.db").string());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  store_ = std::move(s).value();
  k8s::RestConfig rc;
  rc.server = sim_->url();
  rc.tls.ca_pem = sim_->pki().ca.cert_pem;
  rc.auth.token = sim_->token();
  auto c = k8s::Client::Create(rc, {.timeout = std::chrono::seconds(10),
                                    .initial_backoff = std::chrono::milliseconds(10),
                                    .max_backoff = std::chrono::milliseconds(200)});
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  client_ = *c;
  reconciler_ = NewReconciler(Options());
}

ReconcilerOptions SimTest::Options() const {
  ReconcilerOptions o;
  o.grace = std::chrono::seconds(30);
  o.upgrade_deadline = std::chrono::seconds(60);
  return o;
}

std::unique_ptr<Reconciler> SimTest::NewReconciler(ReconcilerOptions options) {
  std::shared_ptr<k8s::Client> client = client_;
  DeployerFor deployer_for = [client](const store::Job&, const spec::JobSpec& spec) {
    deploy::ClusterTarget target{.name = "sim",
                                 .kubernetes = deploy::KubernetesTarget{.client = client}};
    return deploy::NewDeployer(*spec.spec.target, target);
  };
  return std::make_unique<Reconciler>(*store_, deployer_for, std::move(options));
}

std::string SimTest::SpecText(const std::string& file, const std::string& name,
                              const Edits& edits) {
  auto path = sluice::testing::SourceDir() / "tests/reconcile/testdata/jobs" / (file + ".yaml");
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.ok()) << path;
  std::string t = text.ok() ? *text : "";
  t.replace(t.find("NAME"), 4, name);
  for (const auto& [from, to] : edits) {
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
  }
  return t;
}

int64_t SimTest::Create(const std::string& text, const std::string& desired) {
  auto spec = spec::LoadJobSpec(text, "test");
  EXPECT_TRUE(spec.ok()) << spec.error().ToString();
  if (!spec.ok()) return 0;
  auto request = deploy::MakeRequest(*spec);
  EXPECT_TRUE(request.ok());
  auto report = deploy::Preflight(*client_, *request, *spec->spec.target, {.setup = true});
  EXPECT_TRUE(report.ok()) << report.error().ToString();
  store::Job job;
  job.name = spec->metadata.name;
  job.target = std::string(spec::TargetName(*spec->spec.target));
  job.desired_state = desired;
  job.state = "DRAFT";
  auto created = store_->CreateJob(job, {.spec_json = spec::RenderJson(*spec), .created_by = "t"});
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  return created.ok() ? created->id : 0;
}

void SimTest::AddVersion(int64_t id, const std::string& text) {
  auto spec = spec::LoadJobSpec(text, "test");
  ASSERT_TRUE(spec.ok()) << spec.error().ToString();
  store::Job job = Job(id);
  auto r = store_->UpdateJobSpec(job, {.spec_json = spec::RenderJson(*spec), .created_by = "t"});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

void SimTest::SetIntent(int64_t id, const std::function<void(store::Job&)>& edit) {
  store::Job job = Job(id);
  edit(job);
  auto r = store_->UpdateJobIntent(job);
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

store::Job SimTest::Job(int64_t id) {
  auto j = store_->GetJob(id);
  EXPECT_TRUE(j.ok());
  return j.ok() ? *j : store::Job{};
}

json SimTest::Status(int64_t id) {
  return json::parse(Job(id).status_json);
}

bool SimTest::Until(int64_t id, const std::function<bool(const store::Job&)>& pred,
                    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::unique_ptr<Reconciler> own;
    Reconciler* r = reconciler_.get();
    if (fresh_) {
      own = fresh_();
      r = own.get();
    }
    auto pass = r->Reconcile(id);
    if (!pass.ok()) last_ = pass.error().ToString();
    auto job = store_->GetJob(id);
    if (job.ok() && pred(*job)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool SimTest::UntilState(int64_t id, const std::string& state, int64_t version) {
  bool ok = Until(id, [&](const store::Job& j) {
    if (j.state != state) return false;
    if (!version) return true;
    return json::parse(j.status_json).value("deployedVersion", 0) == version;
  });
  if (!ok) {
    ADD_FAILURE() << "job " << id << " did not reach " << state << " (version " << version
                  << "): state " << Job(id).state << ", status " << Job(id).status_json
                  << ", last error " << last_;
  }
  return ok;
}

int SimTest::Deployments(const std::string& ns, const std::string& cluster_id) {
  auto items = client_->ListAll(k8s::types::Deployment(), ns,
                                {.label_selector = "app=" + cluster_id + ",component=jobmanager"});
  EXPECT_TRUE(items.ok());
  return items.ok() ? static_cast<int>(items->size()) : -1;
}

std::vector<store::Savepoint> SimTest::Savepoints(int64_t id) {
  auto s = store_->ListSavepoints(id);
  EXPECT_TRUE(s.ok());
  return s.ok() ? *s : std::vector<store::Savepoint>{};
}

std::vector<store::JobEvent> SimTest::Events(int64_t id) {
  auto e = store_->ListJobEvents(id, 0, 1000);
  EXPECT_TRUE(e.ok());
  return e.ok() ? *e : std::vector<store::JobEvent>{};
}

bool SimTest::HasEvent(int64_t id, const std::string& type) {
  for (const auto& e : Events(id))
    if (e.type == type) return true;
  return false;
}

std::string SimTest::LatestCheckpointPath(const std::string& ns, const std::string& cluster_id,
                                          const std::string& kind) {
  auto cluster = sim_->flink().Find(ns, cluster_id);
  if (!cluster) return "<no cluster>";
  auto ids = cluster->job_ids();
  if (ids.empty()) return "<no job>";
  http::Response r = cluster->HandleRest("GET", "/jobs/" + ids.back() + "/checkpoints", {}, "", {});
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.contains("latest")) return "";
  return body["latest"].value(kind, json::object()).value("external_path", "");
}

std::string SimTest::RestoredFrom(const std::string& ns, const std::string& cluster_id) {
  return LatestCheckpointPath(ns, cluster_id, "restored");
}

int64_t SimTest::SimSavepointSize(const std::string& ns, const std::string& cluster_id,
                                  const std::string& path) {
  auto cluster = sim_->flink().Find(ns, cluster_id);
  if (!cluster || cluster->job_ids().empty()) return -1;
  http::Response r =
      cluster->HandleRest("GET", "/jobs/" + cluster->job_ids().back() + "/checkpoints", {}, "", {});
  json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded()) return -1;
  for (const auto& h : body.value("history", json::array())) {
    std::string p = h.value("external_path", "");
    if (h.value("is_savepoint", false) && !p.empty() && path.ends_with(p))
      return h.value("state_size", int64_t{-1});
  }
  return -1;
}

}  // namespace sluice::reconcile::testing
