#include "support.h"

#include "deploy/preflight.h"
#include "deploy/support.h"

namespace sluice::observe::testing {

void Recorder::Add(const std::string& ns, const std::string& cid) {
  std::lock_guard lock(mu_);
  seen_.insert(ns + "/" + cid);
}
bool Recorder::Seen(const std::string& ns, const std::string& cid) const {
  return Count(ns, cid) > 0;
}
int Recorder::Count(const std::string& ns, const std::string& cid) const {
  std::lock_guard lock(mu_);
  return static_cast<int>(seen_.count(ns + "/" + cid));
}
void Recorder::Clear() {
  std::lock_guard lock(mu_);
  seen_.clear();
}

sluice::testing::SimProcess* SimTest::sim_ = nullptr;

void SimTest::SetUpTestSuite() {
  sim_ = sluice::testing::SimProcess::Start({.extra_args = {"--bookmark-interval", "200ms"}})
             .release();
}

void SimTest::TearDownTestSuite() {
  delete sim_;
  sim_ = nullptr;
}

void SimTest::SetUp() {
  ASSERT_NE(sim_, nullptr);
  sim_->ClearFaults();
  k8s::ClientOptions o{.timeout = std::chrono::seconds(5),
                       .max_attempts = 3,
                       .initial_backoff = std::chrono::milliseconds(20),
                       .max_backoff = std::chrono::milliseconds(200)};
  client_ = sim_->NewClient("", o);
  direct_ = sim_->NewClient("", o);
  cache_ = WatchCache::Start(client_, {.cluster_name = "sim",
                                       .watch_timeout_seconds = 30,
                                       .initial_backoff = std::chrono::milliseconds(50),
                                       .max_backoff = std::chrono::milliseconds(500)});
  subscription_ = cache_->Subscribe(
      [this](const std::string& ns, const std::string& cid) { recorder_.Add(ns, cid); });
  ASSERT_TRUE(cache_->WaitForSync(std::chrono::seconds(60)));
  client_->SetReadCache(cache_);
  deploy::ClusterTarget cluster{.name = "sim",
                                .kubernetes = deploy::KubernetesTarget{.client = client_}};
  auto d = deploy::NewDeployer(spec::Target::kKubernetesApplication, cluster);
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  deployer_ = std::move(*d);
}

void SimTest::TearDown() {
  if (sim_) sim_->ClearFaults();
  if (cache_) {
    cache_->Unsubscribe(subscription_);
    cache_->Stop();
  }
}

deploy::DeploymentRequest SimTest::Prepare(const std::string& name) {
  std::string text = deploy::testing::CaseText("lifecycle-1.20");
  size_t at = text.find("name: lifecycle");
  EXPECT_NE(at, std::string::npos);
  text.replace(at, 15, "name: " + name);
  deploy::DeploymentRequest request =
      deploy::testing::RequestFor(deploy::testing::LoadCaseText(text, name));
  auto report =
      deploy::Preflight(*direct_, request, spec::Target::kKubernetesApplication, {.setup = true});
  EXPECT_TRUE(report.ok() && report->ok());
  return request;
}

deploy::Observation SimTest::WaitFor(const deploy::DeploymentRequest& request,
                                     const std::function<bool(const deploy::Observation&)>& pred) {
  deploy::Observation last;
  std::string error;
  bool ok = sluice::testing::WaitUntil(
      [&] {
        auto o = deployer_->Observe(request);
        if (!o.ok()) {
          error = o.error().ToString();
          return false;
        }
        last = *o;
        return pred(last);
      },
      std::chrono::seconds(60));
  EXPECT_TRUE(ok) << "phase " << last.phase << " (" << last.reason << "), job " << last.job_state
                  << "; last error: " << error;
  return last;
}

WatchCache::TypeState SimTest::StateOf(const std::string& resource) const {
  for (const auto& s : cache_->State()) {
    if (s.resource == resource) return s;
  }
  ADD_FAILURE() << "no watch of " << resource;
  return {};
}

}  // namespace sluice::observe::testing
