// /api/v1/jobs: create, read, list, update with versions and optimistic concurrency,
// delete, actions as recorded intent, permissions by team, audit entries and job events.
#include "api_fixture.h"
#include "route_fixtures.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

class JobRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("root", true);
    root_ = TokenFor("root");
    for (const char* u : {"dev", "view", "other"})
      CreateUser(u);
    AddMember(kWalkTeam, "dev", "developer");
    AddMember(kWalkTeam, "view", "viewer");
    AddMember("ads", "other", "developer");
    dev_ = TokenFor("dev");
    viewer_ = TokenFor("view");
    other_ = TokenFor("other");
  }

  json Create(const std::string& name, const std::string& token = "") {
    Reply r = Call("POST", "/api/v1/jobs", token.empty() ? dev_ : token, JobSpecJson(name));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }

  Reply Act(const std::string& name, const std::string& action, json body = json::object(),
            const std::string& token = "") {
    return Call("POST", "/api/v1/jobs/" + name + "/actions/" + action, token.empty() ? dev_ : token,
                body);
  }

  // What the reconciler would write after observing the job.
  void Observe(const std::string& name, const std::string& state) {
    auto job = store_->FindJob(name).value();
    ASSERT_TRUE(store_
                    ->UpdateJobStatus(job.id, job.status_version, state,
                                      R"({"reason":"observed","webUrl":"http://jm:8081"})")
                    .ok());
  }

  std::vector<std::string> Paths(const Reply& r) {
    std::vector<std::string> out;
    json body = r.json();
    for (const auto& e : body["error"]["details"]["errors"])
      out.push_back(e["path"]);
    return out;
  }

  std::string root_, dev_, viewer_, other_;
};

TEST_F(JobRoutesTest, CreateGetUpdateVersionsAndDiff) {
  json created = Create("orders");
  EXPECT_EQ(created["status"]["state"], "DRAFT");
  EXPECT_EQ(created["status"]["reason"], "");
  EXPECT_TRUE(created["status"]["webUrl"].is_null());
  EXPECT_EQ(created["intent"]["desiredState"], "CANCELED");
  EXPECT_EQ(created["specVersion"], 1);
  EXPECT_EQ(created["team"], kWalkTeam);
  EXPECT_EQ(created["spec"]["spec"]["parallelism"], 2);

  Reply got = Call("GET", "/api/v1/jobs/orders", viewer_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["spec"], created["spec"]);

  json spec = JobSpecJson("orders");
  spec["spec"]["parallelism"] = 4;
  spec["revision"] = created["revision"];
  Reply updated = Call("PUT", "/api/v1/jobs/orders", dev_, spec);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["specVersion"], 2);
  EXPECT_EQ(updated.json()["spec"]["spec"]["parallelism"], 4);

  // The same revision again: someone else wrote in between.
  spec["spec"]["parallelism"] = 8;
  Reply stale = Call("PUT", "/api/v1/jobs/orders", dev_, spec);
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.json()["error"]["details"]["currentRevision"], updated.json()["revision"]);

  // Nothing changed: no new version.
  spec["spec"]["parallelism"] = 4;
  spec["revision"] = updated.json()["revision"];
  Reply same = Call("PUT", "/api/v1/jobs/orders", dev_, spec);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["specVersion"], 2);

  Reply versions = Call("GET", "/api/v1/jobs/orders/versions", viewer_);
  ASSERT_EQ(versions.json()["versions"].size(), 2u);
  EXPECT_EQ(versions.json()["versions"][1]["current"], true);
  EXPECT_EQ(versions.json()["versions"][0]["createdBy"], "dev");
  Reply v1 = Call("GET", "/api/v1/jobs/orders/versions/1", viewer_);
  EXPECT_EQ(v1.json()["spec"]["spec"]["parallelism"], 2);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders/versions/7", viewer_).status, 404);

  Reply diff = Call("GET", "/api/v1/jobs/orders/diff?from=1&to=2", viewer_);
  ASSERT_EQ(diff.status, 200) << diff.body;
  ASSERT_EQ(diff.json()["changes"].size(), 1u) << diff.body;
  EXPECT_EQ(diff.json()["changes"][0]["path"], "spec.parallelism");
  EXPECT_EQ(diff.json()["changes"][0]["old"], 2);
  EXPECT_EQ(diff.json()["changes"][0]["new"], 4);
  EXPECT_EQ(diff.json()["impact"], "redeploy");

  auto audit = Audit({.action = "job.update"});
  ASSERT_EQ(audit.size(), 3u);  // newest first: unchanged, conflict, update
  EXPECT_EQ(audit[1].result, "failure");
  EXPECT_EQ(audit[2].result, "success");
  EXPECT_EQ(audit[2].team, kWalkTeam);
  EXPECT_EQ(audit[2].target_name, "orders");
  EXPECT_EQ(Audit({.action = "job.create", .result = "success"}).size(), 1u);

  Reply events = Call("GET", "/api/v1/jobs/orders/events", viewer_);
  ASSERT_EQ(events.json()["events"].size(), 2u) << events.body;
  EXPECT_EQ(events.json()["events"][0]["type"], "created");
  EXPECT_EQ(events.json()["events"][1]["type"], "spec-updated");
  EXPECT_EQ(events.json()["events"][1]["details"]["changed"][0], "spec.parallelism");
}

TEST_F(JobRoutesTest, InvalidSpecsAnswerFieldPaths) {
  json spec = JobSpecJson("orders");
  spec["spec"]["paralelism"] = 2;
  spec["spec"]["upgradeMode"] = "sometimes";
  Reply r = Call("POST", "/api/v1/jobs", dev_, spec);
  ASSERT_EQ(r.status, 400) << r.body;
  auto paths = Paths(r);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "spec.paralelism"), paths.end()) << r.body;
  EXPECT_NE(std::find(paths.begin(), paths.end(), "spec.upgradeMode"), paths.end()) << r.body;
  EXPECT_NE(r.body.find("parallelism"), std::string::npos);  // did you mean

  Reply unknown_team = Call("POST", "/api/v1/jobs", root_, JobSpecJson("orders", "nosuch"));
  EXPECT_EQ(unknown_team.status, 422) << unknown_team.body;
  EXPECT_EQ(unknown_team.json()["error"]["details"]["where"], "metadata.team");

  json no_cluster = JobSpecJson("orders");
  no_cluster["spec"]["cluster"] = "nowhere";
  Reply c = Call("POST", "/api/v1/jobs", dev_, no_cluster);
  EXPECT_EQ(c.status, 422) << c.body;
  EXPECT_EQ(c.json()["error"]["details"]["where"], "spec.cluster");

  Create("orders");
  EXPECT_EQ(Call("POST", "/api/v1/jobs", dev_, JobSpecJson("orders")).status, 409);
  json renamed = JobSpecJson("other-name");
  renamed["revision"] = 1;
  Reply rn = Call("PUT", "/api/v1/jobs/orders", dev_, renamed);
  EXPECT_EQ(rn.status, 400);
  EXPECT_EQ(Paths(rn), std::vector<std::string>{"metadata.name"});
  EXPECT_EQ(store_->FindJob("orders")->revision, 1);
}

TEST_F(JobRoutesTest, TeamsDecideWhoReadsAndWrites) {
  Create("orders");
  // A developer elsewhere does not see it.
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders", other_).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/jobs", other_).json()["jobs"].size(), 0u);
  EXPECT_EQ(Act("orders", "deploy", json::object(), other_).status, 404);
  // Nor may they move it into their team, or create in a team they are not in.
  EXPECT_EQ(Call("POST", "/api/v1/jobs", other_, JobSpecJson("mine")).status, 403);
  // A viewer reads but does not change or operate.
  EXPECT_EQ(Call("GET", "/api/v1/jobs", viewer_).json()["jobs"].size(), 1u);
  EXPECT_EQ(Call("DELETE", "/api/v1/jobs/orders", viewer_).status, 403);
  EXPECT_EQ(Act("orders", "deploy", json::object(), viewer_).status, 403);
  // A job without a team: everyone who reads jobs sees it; only administrators change it.
  ASSERT_EQ(Call("POST", "/api/v1/jobs", dev_, JobSpecJson("shared", "")).status, 403);
  ASSERT_EQ(Call("POST", "/api/v1/jobs", root_, JobSpecJson("shared", "")).status, 201);
  EXPECT_EQ(Call("GET", "/api/v1/jobs", other_).json()["jobs"].size(), 1u);
  EXPECT_EQ(Act("shared", "deploy", json::object(), dev_).status, 403);
  auto denied = Audit({.action = "job.deploy", .result = "denied"});
  EXPECT_EQ(denied.size(), 2u);
}

TEST_F(JobRoutesTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i)
    Create("job-" + std::to_string(i));
  Create("clicks");
  Observe("clicks", "RUNNING");
  std::vector<std::string> names;
  std::string query = "/api/v1/jobs?limit=2";
  for (int pages = 0; pages < 10; ++pages) {
    json page = Call("GET", query, viewer_).json();
    for (const auto& j : page["jobs"])
      names.push_back(j["name"]);
    if (page["nextCursor"].is_null()) break;
    query = "/api/v1/jobs?limit=2&cursor=" + std::to_string(page["nextCursor"].get<int64_t>());
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"job-0", "job-1", "job-2", "job-3", "job-4", "clicks"}));
  json running = Call("GET", "/api/v1/jobs?state=RUNNING", viewer_).json();
  ASSERT_EQ(running["jobs"].size(), 1u);
  EXPECT_EQ(running["jobs"][0]["status"]["webUrl"], "http://jm:8081");
  EXPECT_EQ(Call("GET", "/api/v1/jobs?text=JOB-3", viewer_).json()["jobs"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/jobs?team=ads", viewer_).json()["jobs"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/jobs?target=kubernetes-application&team=walk", viewer_)
                .json()["jobs"]
                .size(),
            6u);
  EXPECT_EQ(Call("GET", "/api/v1/jobs?state=RUNNIN", viewer_).status, 400);
}

// List entries are rendered once and kept: a status write or an action shows at once.
TEST_F(JobRoutesTest, ListShowsEveryChangeDespiteItsRenderingCache) {
  Create("orders");
  auto entry = [&] { return Call("GET", "/api/v1/jobs", viewer_).json()["jobs"][0]; };
  EXPECT_EQ(entry()["status"]["state"], "DRAFT");
  EXPECT_EQ(entry()["status"]["state"], "DRAFT");  // from the cache
  Observe("orders", "RUNNING");
  EXPECT_EQ(entry()["status"]["state"], "RUNNING");
  EXPECT_EQ(entry()["status"]["reason"], "observed");
  ASSERT_EQ(Act("orders", "deploy").status, 202);
  EXPECT_EQ(entry()["intent"]["desiredState"], "RUNNING");
  json plain = Call("GET", "/api/v1/jobs/orders", viewer_).json();
  plain.erase("spec");
  EXPECT_EQ(entry(), plain);
}

TEST_F(JobRoutesTest, ActionsRecordIntentOrAnswer409) {
  Create("orders");
  EXPECT_EQ(Act("orders", "stop").status, 409);
  Reply deployed = Act("orders", "deploy");
  ASSERT_EQ(deployed.status, 202) << deployed.body;
  EXPECT_EQ(deployed.json()["job"]["intent"]["desiredState"], "RUNNING");
  Reply again = Act("orders", "deploy");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.ErrorCode(), "invalid_state");
  EXPECT_NE(again.json()["error"]["message"].get<std::string>().find("already deployed"),
            std::string::npos);

  // A savepoint needs a job observed running.
  EXPECT_EQ(Act("orders", "savepoint").status, 409);
  Observe("orders", "RUNNING");
  Reply sp = Act("orders", "savepoint");
  ASSERT_EQ(sp.status, 202) << sp.body;
  std::string trigger = sp.json()["savepoint"]["triggerId"];
  EXPECT_EQ(trigger.size(), 32u);
  EXPECT_EQ(Act("orders", "savepoint").status, 409);  // one at a time
  json sps = Call("GET", "/api/v1/jobs/orders/savepoints", viewer_).json()["savepoints"];
  ASSERT_EQ(sps.size(), 1u);
  EXPECT_EQ(sps[0]["state"], "REQUESTED");
  EXPECT_EQ(sps[0]["triggerId"], trigger);
  EXPECT_EQ(sps[0]["requestedBy"], "dev");

  Reply restart = Act("orders", "restart", {{"savepointPath", "s3://sp/1"}});
  ASSERT_EQ(restart.status, 202) << restart.body;
  EXPECT_EQ(restart.json()["job"]["intent"]["restartNonce"], 1);
  EXPECT_EQ(restart.json()["job"]["intent"]["restorePath"], "s3://sp/1");

  EXPECT_EQ(Act("orders", "resume").status, 409);
  ASSERT_EQ(Act("orders", "suspend").status, 202);
  EXPECT_EQ(store_->FindJob("orders")->desired_state, "SUSPENDED");
  ASSERT_EQ(Act("orders", "resume").status, 202);
  Reply stop = Act("orders", "stop", {{"withSavepoint", false}, {"drain", true}});
  ASSERT_EQ(stop.status, 202) << stop.body;
  EXPECT_EQ(stop.json()["job"]["intent"]["stopWithSavepoint"], false);
  EXPECT_EQ(stop.json()["job"]["intent"]["stopDrain"], true);
  EXPECT_EQ(Act("orders", "cancel").status, 409);

  // Rollback: a copy of version 1 becomes the newest version.
  json spec = JobSpecJson("orders");
  spec["spec"]["parallelism"] = 9;
  spec["revision"] = store_->FindJob("orders")->revision;
  ASSERT_EQ(Call("PUT", "/api/v1/jobs/orders", dev_, spec).status, 200);
  EXPECT_EQ(Act("orders", "rollback", {{"version", 2}}).status, 409);
  EXPECT_EQ(Act("orders", "rollback", {{"version", 5}}).status, 422);
  Reply back = Act("orders", "rollback", {{"version", 1}});
  ASSERT_EQ(back.status, 202) << back.body;
  EXPECT_EQ(back.json()["job"]["specVersion"], 3);
  EXPECT_EQ(Call("GET", "/api/v1/jobs/orders", viewer_).json()["spec"]["spec"]["parallelism"], 2);

  for (const char* a : {"deploy", "savepoint", "restart", "suspend", "resume", "stop", "rollback"})
    EXPECT_FALSE(Audit({.action = std::string("job.") + a}).empty()) << a;
  auto events = store_->ListJobEvents(store_->FindJob("orders")->id, 0, 100).value();
  int actions = 0;
  for (const auto& e : events)
    actions += e.type == "action";
  EXPECT_EQ(actions, 7);  // deploy savepoint restart suspend resume stop rollback
}

TEST_F(JobRoutesTest, ResumeGoesOnAfterASuspendOrAStopWithASavepoint) {
  Create("orders");
  EXPECT_EQ(Act("orders", "resume").status, 409);  // never deployed: deploy it
  ASSERT_EQ(Act("orders", "deploy").status, 202);
  EXPECT_EQ(Act("orders", "resume").status, 409);  // running
  Observe("orders", "RUNNING");
  ASSERT_EQ(Act("orders", "stop").status, 202);
  Observe("orders", "FINISHED");
  Reply resumed = Act("orders", "resume");
  ASSERT_EQ(resumed.status, 202) << resumed.body;
  EXPECT_EQ(resumed.json()["job"]["intent"]["desiredState"], "RUNNING");
  EXPECT_EQ(resumed.json()["job"]["intent"]["restorePath"], "");  // the latest savepoint

  // Canceled, or stopped without a savepoint: there is no state to go on from.
  ASSERT_EQ(Act("orders", "cancel").status, 202);
  Reply refused = Act("orders", "resume");
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(refused.body.find("deploy starts it again"), std::string::npos) << refused.body;
  ASSERT_EQ(Act("orders", "deploy").status, 202);
  ASSERT_EQ(Act("orders", "stop", {{"withSavepoint", false}}).status, 202);
  EXPECT_EQ(Act("orders", "resume").status, 409);
}

TEST_F(JobRoutesTest, DeleteRecordsIntentUnlessNothingEverRan) {
  Create("draft");
  Reply gone = Call("DELETE", "/api/v1/jobs/draft", dev_);
  EXPECT_EQ(gone.status, 204) << gone.body;
  EXPECT_EQ(Call("GET", "/api/v1/jobs/draft", dev_).status, 404);
  Create("draft");  // the name is free again

  Create("live");
  ASSERT_EQ(Act("live", "deploy").status, 202);
  EXPECT_EQ(Call("DELETE", "/api/v1/jobs/live?revision=1", dev_).status, 409);
  Reply deleting = Call("DELETE", "/api/v1/jobs/live", dev_);
  ASSERT_EQ(deleting.status, 202) << deleting.body;
  EXPECT_EQ(deleting.json()["intent"]["desiredState"], "DELETED");
  EXPECT_EQ(Act("live", "stop").status, 409);
  EXPECT_EQ(Call("DELETE", "/api/v1/jobs/live", dev_).status, 409);
  json spec = JobSpecJson("live");
  spec["revision"] = store_->FindJob("live")->revision;
  EXPECT_EQ(Call("PUT", "/api/v1/jobs/live", dev_, spec).ErrorCode(), "invalid_state");
  EXPECT_EQ(Audit({.action = "job.delete", .result = "success"}).size(), 2u);
}

TEST_F(JobRoutesTest, LineageOfTheJobsSqlMasksSecrets) {
  Create("orders");
  Reply r = Call("GET", "/api/v1/jobs/orders/lineage", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_NE(r.body.find("\"sink\""), std::string::npos) << r.body;
}

}  // namespace
}  // namespace sluice::api::testing
