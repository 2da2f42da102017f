// observe::WatchCache against a sluice-sim process: label selectors and slim objects, the
// operator's types skipped without their CRDs, change notifications, the deployers'
// Observe served from memory, no twin when the cache lags behind a Submit, and a cached
// "absent" confirmed by the server.
#include <fstream>

#include <gtest/gtest.h>

#include "k8s/errors.h"
#include "observe/label_selector.h"
#include "observe/slim.h"
#include "support.h"
#include "support/test_env.h"

namespace sluice::observe {
namespace {

using nlohmann::json;
using sluice::testing::WaitUntil;
namespace types = k8s::types;

TEST(LabelSelectorTest, EqualityTermsAndExistence) {
  json labels = {{"app", "orders"}, {"type", "flink-native-kubernetes"}, {"component", "jm"}};
  auto s = LabelSelector::Parse("type=flink-native-kubernetes,app==orders,component!=tm,app");
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->Matches(labels));
  EXPECT_EQ(s->Required("app"), "orders");
  EXPECT_EQ(s->Required("component"), "");
  EXPECT_FALSE(LabelSelector::Parse("app=other")->Matches(labels));
  EXPECT_FALSE(LabelSelector::Parse("!app")->Matches(labels));
  EXPECT_TRUE(LabelSelector::Parse("")->Matches(json()));
  EXPECT_FALSE(LabelSelector::Parse("env in (a,b)").has_value()) << "set-based: the server's";
}

TEST(SlimTest, KeepsWhatObserveReadsAndDropsTheRest) {
  std::ifstream in(sluice::testing::SourceDir() / "tests/observe/testdata/pod.json");
  ASSERT_TRUE(in);
  json pod = Slim(json::parse(in));
  EXPECT_FALSE(pod.contains("spec"));
  EXPECT_FALSE(pod["metadata"].contains("managedFields"));
  EXPECT_EQ(pod["metadata"]["annotations"], (json{{"sluice.dev/spec-hash", "abc123"}}));
  EXPECT_EQ(pod["metadata"]["labels"]["app"], "orders");
  EXPECT_EQ(pod["metadata"]["resourceVersion"], "42");
  EXPECT_EQ(pod["status"]["phase"], "Running");
  EXPECT_FALSE(pod["status"].contains("podIP"));
  EXPECT_EQ(pod["status"]["conditions"][0], (json{{"type", "Ready"}, {"status", "True"}}));
  const json& cs = pod["status"]["containerStatuses"][0];
  EXPECT_EQ(cs["restartCount"], 2);
  EXPECT_EQ(cs["lastState"]["terminated"]["reason"], "OOMKilled");
  EXPECT_FALSE(cs.contains("imageID"));
  EXPECT_EQ(ClusterIdOf(pod), "orders");
  EXPECT_EQ(ClusterIdOf({{"kind", "FlinkDeployment"}, {"metadata", {{"name", "fd"}}}}), "fd");
}

class WatchCacheTest : public testing::SimTest {};

TEST_F(WatchCacheTest, OperatorTypesAreSkippedWithoutTheirCrds) {
  auto fd = StateOf("flinkdeployments.flink.apache.org");
  EXPECT_FALSE(fd.healthy);
  EXPECT_NE(fd.note.find("not installed"), std::string::npos) << fd.note;
  EXPECT_TRUE(StateOf("deployments.apps").healthy);
  EXPECT_TRUE(StateOf("pods").healthy);
  // Not watched: reads of that type go to the server (nullopt), never "absent".
  k8s::ResourceType t{"flink.apache.org", "v1beta1", "flinkdeployments", "FlinkDeployment"};
  EXPECT_FALSE(cache_->Get(t, "lifecycle", "x").has_value());
}

TEST_F(WatchCacheTest, NotifiesChangesAndServesObserveFromMemory) {
  deploy::DeploymentRequest request = Prepare("watched");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  EXPECT_TRUE(WaitUntil([&] { return recorder_.Seen(request.namespace_, request.cluster_id); },
                        std::chrono::seconds(60)));
  deploy::Observation running =
      WaitFor(request, [](const deploy::Observation& o) { return o.job_state == "RUNNING"; });
  EXPECT_TRUE(running.jobmanager_answered);

  // The API server now fails every read of this deployment's objects: Observe through the
  // cache still sees them, the same Observe without the cache does not.
  std::string ns = request.namespace_, cid = request.cluster_id;
  sim_->FailNext("GET", "^/apis/apps/v1/namespaces/" + ns + "/deployments/" + cid + "$", -1);
  sim_->FailNext("GET", "^/api/v1/namespaces/" + ns + "/pods$", -1);
  auto cached = deployer_->Observe(request);
  ASSERT_TRUE(cached.ok()) << cached.error().ToString();
  EXPECT_EQ(cached->phase, "RUNNING");
  EXPECT_TRUE(cached->exists);
  EXPECT_TRUE(cached->matches_request);
  deploy::ClusterTarget plain{.name = "sim",
                              .kubernetes = deploy::KubernetesTarget{.client = direct_}};
  auto uncached =
      (*deploy::NewDeployer(spec::Target::kKubernetesApplication, plain))->Observe(request);
  EXPECT_FALSE(uncached.ok()) << "the fault is in place";
  sim_->ClearFaults();

  recorder_.Clear();
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
  EXPECT_TRUE(WaitUntil([&] { return recorder_.Seen(ns, cid); }, std::chrono::seconds(60)));
  WaitFor(request, [](const deploy::Observation& o) { return o.phase == "ABSENT"; });
  auto gone = cache_->Get(types::Deployment(), ns, cid);
  ASSERT_TRUE(gone.has_value());
  ASSERT_FALSE(gone->ok());
  EXPECT_TRUE(k8s::IsNotFound(gone->error()));
}

TEST_F(WatchCacheTest, ASubmitRightAfterASubmitFindsItsClusterWhateverTheCacheSays) {
  deploy::DeploymentRequest request = Prepare("twinless");
  auto first = deployer_->Submit(request);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  // Observe may still read "absent" from the cache; a reconciler acting on that submits
  // again, and Submit reads the server: it finds the cluster instead of making a twin.
  auto observed = deployer_->Observe(request);
  ASSERT_TRUE(observed.ok()) << observed.error().ToString();
  auto second = deployer_->Submit(request);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_TRUE(second->existed);
  auto deployments = direct_->ListAll(types::Deployment(), request.namespace_,
                                      {.label_selector = "app=" + request.cluster_id});
  ASSERT_TRUE(deployments.ok());
  EXPECT_EQ(deployments->size(), 1u);
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
}

// A cache that has seen nothing yet, like a watch that lags behind a Create.
class LaggingCache : public k8s::ReadCache {
 public:
  std::optional<Result<json>> Get(const k8s::ResourceType& type, std::string_view,
                                  std::string_view name) override {
    ++gets;
    return Result<json>(Error{.code = ErrorCode::kNotFound,
                              .message = type.kind + " \"" + std::string(name) + "\" not found"});
  }
  std::optional<Result<std::vector<json>>> List(const k8s::ResourceType&, std::string_view,
                                                std::string_view) override {
    return std::nullopt;
  }
  int gets = 0;
};

TEST_F(WatchCacheTest, ACachedMissIsAskedOfTheServer) {
  deploy::DeploymentRequest request = Prepare("lagged");
  ASSERT_TRUE(deployer_->Submit(request).ok());
  auto lagging = std::make_shared<LaggingCache>();
  direct_->SetReadCache(lagging);
  // Right after a submit, Observe through a cache that has not seen it finds the cluster
  // (a reconciler reading "absent" there would call a fresh upgrade gone and roll it back).
  deploy::ClusterTarget plain{.name = "sim",
                              .kubernetes = deploy::KubernetesTarget{.client = direct_}};
  auto observed =
      (*deploy::NewDeployer(spec::Target::kKubernetesApplication, plain))->Observe(request);
  direct_->SetReadCache({});
  ASSERT_TRUE(observed.ok()) << observed.error().ToString();
  EXPECT_TRUE(observed->exists);
  EXPECT_GE(lagging->gets, 1) << "Observe did not consult the cache";
  ASSERT_TRUE(deployer_->Delete(request, deploy::HaMetadata::kWipe).ok());
}

}  // namespace
}  // namespace sluice::observe
