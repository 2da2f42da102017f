// yarn::ResourceManagerClient against sluice-sim's ResourceManager (in process): the
// applications are simulated Flink clusters submitted the way the fake CLI submits them.
#include "yarn/rm_client.h"

#include <gtest/gtest.h>

#include "sim/test_support.h"
#include "sim/yarn.h"

namespace sluice::yarn {
namespace {

using nlohmann::json;
using sim::testing::Eventually;

class RmClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::SimOptions o = sim::testing::FastOptions();
    o.yarn_listen = "127.0.0.1:0";
    sim_ = sim::testing::StartSim(o);
  }

  std::string SubmitApp(const std::string& name, const std::string& mode = "application") {
    json req = {{"name", name},           {"mode", mode},
                {"flinkVersion", "1.20"}, {"jar", "local:///opt/flink/usrlib/job.jar"},
                {"parallelism", 1},       {"config", {{"yarn.application.name", name}}}};
    auto r = sim_->yarn()->Submit(req);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? (*r)["applicationId"].get<std::string>() : "";
  }

  ResourceManagerClient Client(std::vector<std::string> urls = {}) {
    if (urls.empty()) urls = {sim_->yarn_url()};
    return ResourceManagerClient({.urls = urls, .user = "flink"});
  }

  std::unique_ptr<sim::Simulator> sim_;
};

TEST_F(RmClientTest, ClusterInfo) {
  auto rm = Client();
  auto info = rm.ClusterInfo();
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ((*info)["state"], "STARTED");
  EXPECT_EQ((*info)["haState"], "ACTIVE");
}

TEST_F(RmClientTest, AnApplicationsStateTrackingUrlAndKill) {
  std::string id = SubmitApp("orders");
  ASSERT_TRUE(IsApplicationId(id)) << id;
  auto rm = Client();
  Application app;
  ASSERT_TRUE(Eventually([&] {
    auto a = rm.GetApplication(id);
    if (!a.ok()) return false;
    app = *a;
    return app.state == "RUNNING";
  })) << app.state;
  EXPECT_EQ(app.id, id);
  EXPECT_EQ(app.name, "orders");
  EXPECT_EQ(app.application_type, "Apache Flink");
  EXPECT_EQ(app.final_status, "UNDEFINED");
  EXPECT_FALSE(app.Terminal());
  EXPECT_EQ(app.tracking_url, sim_->yarn_url() + "/proxy/" + id + "/");
  EXPECT_GT(app.started_time, 0);

  // The tracking URL leads to the JobManager's REST API.
  auto overview = http::Send({.method = "GET", .url = app.tracking_url + "overview"});
  ASSERT_TRUE(overview.ok());
  EXPECT_EQ(overview->status, 200) << overview->body;
  EXPECT_NE(overview->body.find("flink-version"), std::string::npos) << overview->body;

  auto running = rm.ListApplications({.states = {"RUNNING"}});
  ASSERT_TRUE(running.ok()) << running.error().message;
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].id, id);

  auto killed = rm.Kill(id);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
  EXPECT_EQ(*killed, "KILLED");
  auto after = rm.GetApplication(id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->state, "KILLED");
  EXPECT_EQ(after->final_status, "KILLED");
  EXPECT_TRUE(after->Terminal());
  EXPECT_NE(after->diagnostics.find("was killed"), std::string::npos) << after->diagnostics;
  // Killing it again is not an error: the RM reports the final state.
  auto again = rm.Kill(id);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, "KILLED");
  auto none = rm.ListApplications({.states = {"RUNNING"}});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_F(RmClientTest, ListsNewestFirstAndFiltersByTagClientSide) {
  std::string first = SubmitApp("a");
  std::string second = SubmitApp("b", "session");
  auto rm = Client();
  ASSERT_TRUE(Eventually([&] {
    auto all = rm.ListApplications({.states = {"RUNNING"}});
    return all.ok() && all->size() == 2;
  }));
  auto all = rm.ListApplications({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  std::vector<std::string> ids = {(*all)[0].id, (*all)[1].id};
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), first) != ids.end());
  EXPECT_TRUE(std::find(ids.begin(), ids.end(), second) != ids.end());
  EXPECT_GE((*all)[0].started_time, (*all)[1].started_time);
  // The simulated RM stores no tags, so a tag filter (applied here too) finds nothing.
  auto tagged = rm.ListApplications({.tags = {"sluice-cluster-a"}});
  ASSERT_TRUE(tagged.ok());
  EXPECT_TRUE(tagged->empty());
  auto other_type = rm.ListApplications({.application_type = "MAPREDUCE"});
  ASSERT_TRUE(other_type.ok());
  EXPECT_TRUE(other_type->empty());
}

TEST_F(RmClientTest, ErrorsQuoteTheResourceManager) {
  auto rm = Client();
  auto missing = rm.GetApplication("application_1_9999");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("NotFoundException"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find("app with id: application_1_9999 not found"),
            std::string::npos)
      << missing.error().message;
  EXPECT_EQ(rm.Kill("application_1_9999").error().code, ErrorCode::kNotFound);
  auto bad = rm.GetApplication("orders; rm -rf /");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);

  ResourceManagerClient none({});
  EXPECT_EQ(none.ClusterInfo().error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(RmClientTest, TheNextResourceManagerIsTriedWhenOneDoesNotAnswer) {
  // A port nobody listens on (RM HA with the first RM down), then the simulated RM.
  std::string id = SubmitApp("ha");
  ResourceManagerClient rm({.urls = {"http://127.0.0.1:1", sim_->yarn_url()},
                            .timeout = std::chrono::seconds(5),
                            .retry = {.max_attempts = 1}});
  auto app = rm.GetApplication(id);
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->id, id);
  // The RM that answered is remembered: killing goes straight to it.
  auto killed = rm.Kill(id);
  ASSERT_TRUE(killed.ok()) << killed.error().message;
}

TEST_F(RmClientTest, AStandbyResourceManagerIsSkipped) {
  std::string id = SubmitApp("standby");
  // The first address answers like a standby RM (an HTTP redirect to the active one).
  auto standby = http::Server::Start({.host = "127.0.0.1", .port = 0}, [](http::Request&) {
    http::Response r = http::Response::Text(307, "This is standby RM. The redirect url is: ...");
    return r;
  });
  ASSERT_TRUE(standby.ok()) << standby.error().message;
  std::string standby_url = "http://127.0.0.1:" + std::to_string((*standby)->port());
  auto rm = Client({standby_url, sim_->yarn_url()});
  auto app = rm.GetApplication(id);
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->name, "standby");
  ResourceManagerClient only_standby({.urls = {standby_url}});
  auto err = only_standby.GetApplication(id);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(err.error().message.find("standby"), std::string::npos) << err.error().message;
  (*standby)->Shutdown(std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace sluice::yarn
