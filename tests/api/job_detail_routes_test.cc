// GET /api/v1/jobs/{name}/exceptions|render|logs: what the store holds about failures, the
// dry run of the current version with secrets masked, and logs streamed from a log source
// (a test double here), with the permissions each needs.
#include <thread>

#include "api_fixture.h"
#include "route_fixtures.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class JobDetailRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("dev");
    CreateUser("view");
    CreateUser("other");
    AddMember(kWalkTeam, "dev", "developer");
    AddMember(kWalkTeam, "view", "viewer");
    AddMember("ads", "other", "developer");
    dev_ = TokenFor("dev");
    viewer_ = TokenFor("view");
    other_ = TokenFor("other");
    Reply r = Call("POST", "/api/v1/jobs", dev_, JobSpecJson("orders"));
    ASSERT_EQ(r.status, 201) << r.body;
  }

  void SetStatus(const std::string& state, const std::string& status_json) {
    auto job = store_->FindJob("orders").value();
    ASSERT_TRUE(store_->UpdateJobStatus(job.id, job.status_version, state, status_json).ok());
  }

  std::string dev_, viewer_, other_;
};

TEST_F(JobDetailRoutesTest, ExceptionsComeFromTheStoredStatus) {
  Reply none = Call("GET", "/api/v1/jobs/orders/exceptions", viewer_);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.json()["lastException"].is_null());
  EXPECT_EQ(none.json()["exceptions"], json::array());

  SetStatus("FAILED", R"j({"reason":"failed","lastException":"java.lang.RuntimeException: boom\n)j"
                      R"j(\tat Foo.bar(Foo.java:1)","lastExceptionTime":1700000000000})j");
  Reply last = Call("GET", "/api/v1/jobs/orders/exceptions", viewer_);
  ASSERT_EQ(last.status, 200) << last.body;
  json body = last.json();
  EXPECT_EQ(body["state"], "FAILED");
  EXPECT_EQ(body["lastException"]["exceptionName"], "java.lang.RuntimeException: boom");
  EXPECT_EQ(body["lastException"]["timestamp"], 1700000000000);
  ASSERT_EQ(body["exceptions"].size(), 1u);

  SetStatus("FAILED", R"({"lastException":"b","exceptions":[{"exceptionName":"B","timestamp":2},)"
                      R"({"exceptionName":"A","timestamp":1}]})");
  body = Call("GET", "/api/v1/jobs/orders/exceptions", viewer_).json();
  ASSERT_EQ(body["exceptions"].size(), 2u);
  EXPECT_EQ(body["exceptions"][0]["exceptionName"], "B");

  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/exceptions", other_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/nope/exceptions", viewer_).status, 404);
}

TEST_F(JobDetailRoutesTest, RenderIsADryRunWithSecretsMasked) {
  Reply r = Call("GET", "/api/v1/jobs/orders/render", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  json body = r.json();
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["target"], "kubernetes-application");
  std::vector<std::string> kinds;
  for (const auto& o : body["objects"])
    kinds.push_back(o["kind"]);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "Deployment"), kinds.end()) << r.body;
  // The job's SQL has 'password' = 'hunter2': never in the answer.
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_NE(r.body.find("******"), std::string::npos);

  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/render?version=1", viewer_).status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/render?version=7", viewer_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/render", other_).status, 404);
  // Reading changes nothing: no audit entry.
  EXPECT_TRUE(Audit({.action = "GET /api/v1/jobs/{name}/render"}).empty());
}

TEST_F(JobDetailRoutesTest, DraftRenderIsTheSameDryRunAndStoresNothing) {
  json draft = JobSpecJson("draft-orders");
  Reply r = Call("POST", "/api/v1/render", dev_, draft);
  ASSERT_EQ(r.status, 200) << r.body;
  json body = r.json();
  EXPECT_FALSE(body.contains("version"));
  EXPECT_EQ(body["target"], "kubernetes-application");
  bool deployment = false;
  for (const auto& o : body["objects"]) {
    if (o["kind"] == "Deployment" && o["metadata"]["name"] == "draft-orders") deployment = true;
  }
  EXPECT_TRUE(deployment) << r.body;
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_NE(r.body.find("******"), std::string::npos);
  EXPECT_EQ(store_->FindJob("draft-orders").error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(Audit({.action = "job.render"}).empty());

  // The draft of an existing job renders what GET .../render shows for the same spec, but as
  // the next version.
  Reply same = Call("POST", "/api/v1/render", dev_, JobSpecJson("orders"));
  ASSERT_EQ(same.status, 200) << same.body;
  json stored = Call("GET", "/api/v1/jobs/orders/render", dev_).json();
  EXPECT_EQ(same.json()["objects"].size(), stored["objects"].size());
  EXPECT_EQ(same.json()["target"], stored["target"]);
}

TEST_F(JobDetailRoutesTest, DraftRenderChecksTheSpecLikeCreate) {
  json bad = JobSpecJson("draft");
  bad["spec"]["paralelism"] = 2;
  Reply r = Call("POST", "/api/v1/render", dev_, bad);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["errors"][0]["path"], "spec.paralelism") << r.body;

  json nowhere = JobSpecJson("draft");
  nowhere["spec"]["cluster"] = "nowhere";
  Reply c = Call("POST", "/api/v1/render", dev_, nowhere);
  EXPECT_EQ(c.status, 422) << c.body;
  EXPECT_EQ(c.json()["error"]["details"]["where"], "spec.cluster");

  Reply unknown_field = Call("POST", "/api/v1/render", dev_, json{{"spec", json::object()}});
  EXPECT_EQ(unknown_field.status, 400) << unknown_field.body;
}

TEST_F(JobDetailRoutesTest, DraftRenderNeedsWhatCreatingNeeds) {
  // A cluster of another team: its name is no more visible through a draft than through create.
  ASSERT_TRUE(store_
                  ->CreateCluster({.name = "ads-k8s",
                                   .kind = "flink-version",
                                   .config_json = R"({"flinkHome":"/opt/flink","version":"2.2"})",
                                   .teams_json = R"(["ads"])"})
                  .ok());
  json probe = JobSpecJson("draft");
  probe["spec"]["cluster"] = "ads-k8s";
  Reply viewer = Call("POST", "/api/v1/render", viewer_, probe);
  EXPECT_EQ(viewer.status, 403) << viewer.body;
  EXPECT_EQ(Call("POST", "/api/v1/render", viewer_, JobSpecJson("draft")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/render", other_, JobSpecJson("draft")).status, 403);
  Reply dev = Call("POST", "/api/v1/render", dev_, probe);
  EXPECT_EQ(dev.status, 422) << dev.body;
  EXPECT_EQ(Call("POST", "/api/v1/render", "", JobSpecJson("draft")).status, 401);
  EXPECT_EQ(Audit({.action = "job.render", .result = "denied"}).size(), 4u);
}

TEST_F(JobDetailRoutesTest, LogsNeedASourceAndJobsOperate) {
  Reply none = Call("GET", "/api/v1/jobs/orders/logs", dev_);
  EXPECT_EQ(none.status, 503) << none.body;

  auto logs = std::make_shared<FakeJobLogs>();
  api_->services().logs.Set(logs);
  Reply jm = Call("GET", "/api/v1/jobs/orders/logs", dev_);
  ASSERT_EQ(jm.status, 200) << jm.body;
  EXPECT_EQ(jm.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(jm.body, "orders-jobmanager-0 line 1\norders-jobmanager-0 line 2\n");
  {
    std::lock_guard lock(logs->mu);
    ASSERT_EQ(logs->targets.size(), 1u);
    EXPECT_EQ(logs->targets[0].cluster_id, "orders");
    EXPECT_EQ(logs->targets[0].namespace_, "default");
  }

  Reply tm = Call("GET", "/api/v1/jobs/orders/logs?component=taskmanager", dev_);
  ASSERT_EQ(tm.status, 200) << tm.body;
  EXPECT_NE(tm.body.find("==> pod orders-taskmanager-1-1 <==\n"), std::string::npos);
  EXPECT_NE(tm.body.find("==> pod orders-taskmanager-1-2 <==\n"), std::string::npos);

  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/logs?pod=missing", dev_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/logs?component=client", dev_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/logs", viewer_).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/logs", other_).status, 404);
}

TEST_F(JobDetailRoutesTest, FollowStreamsUntilTheReaderLeaves) {
  auto logs = std::make_shared<FakeJobLogs>();
  api_->services().logs.Set(logs);
  std::string text;
  http::ClientRequest req{.url = Url("/api/v1/jobs/orders/logs?follow=true"),
                          .headers = {{"Authorization", "Bearer " + dev_}},
                          .timeout = 0ms};
  req.on_data = [&text](std::string_view chunk) {
    text.append(chunk);
    return text.find(" line 5\n") == std::string::npos;  // hang up after five lines
  };
  auto r = http::Send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(text.starts_with("orders-jobmanager-0 line 1\n")) << text;
  // The server notices the closed connection at its next write and ends the follow.
  for (int i = 0; i < 1000 && logs->follows_ended == 0; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(logs->follows_ended, 1);
}

TEST_F(JobDetailRoutesTest, LogsOfAJobOnAYarnTargetAnswer422) {
  json spec = JobSpecJson("on-yarn");
  spec["spec"]["target"] = "yarn-application";
  Reply created = Call("POST", "/api/v1/jobs", dev_, spec);
  ASSERT_EQ(created.status, 201) << created.body;
  api_->services().logs.Set(std::make_shared<FakeJobLogs>());
  Reply r = Call("GET", "/api/v1/jobs/on-yarn/logs", dev_);
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("yarn-application"), std::string::npos);
}

}  // namespace
}  // namespace sluice::api::testing
