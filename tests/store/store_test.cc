#include "store/store.h"

#include <gtest/gtest.h>

#include <thread>

#include "store_backends.h"

namespace sluice::store {
namespace {

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::Backend>(GetParam());
    auto s = Store::Open(backend_->url());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }

  Job NewJob(const std::string& name, int64_t team = 0) {
    Job j;
    j.name = name;
    j.team_id = team;
    j.target = "kubernetes-application";
    j.desired_state = "RUNNING";
    j.state = "DRAFT";
    auto r =
        store_->CreateJob(j, {.spec_json = R"({"name":")" + name + R"("})", .created_by = "alice"});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.value_or(Job{});
  }

  std::unique_ptr<testing::Backend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreTest, PingAndSchemaVersion) {
  EXPECT_TRUE(store_->Ping().ok());
  EXPECT_GE(*store_->SchemaVersion(), 1);
}

TEST_P(StoreTest, UsersAreUniqueByName) {
  auto alice = store_->CreateUser({.name = "alice", .password_hash = "h", .is_admin = true});
  ASSERT_TRUE(alice.ok()) << alice.error().ToString();
  EXPECT_GT(alice->id, 0);
  auto again = store_->CreateUser({.name = "alice"});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
  auto found = store_->FindUser("alice");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->is_admin);
  EXPECT_EQ(found->password_hash, "h");
  EXPECT_EQ(store_->FindUser("bob").error().code, ErrorCode::kNotFound);
  found->disabled = true;
  ASSERT_TRUE(store_->UpdateUser(*found).ok());
  EXPECT_TRUE(store_->GetUser(found->id)->disabled);
  EXPECT_EQ(*store_->CountUsers(), 1);
}

TEST_P(StoreTest, TeamsAndMemberships) {
  auto u = store_->CreateUser({.name = "u"}).value();
  auto t = store_->CreateTeam({.name = "data"}).value();
  ASSERT_TRUE(store_->SetMembership({t.id, u.id, "viewer"}).ok());
  ASSERT_TRUE(store_->SetMembership({t.id, u.id, "developer"}).ok());
  auto ms = store_->MembershipsOfUser(u.id).value();
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].role, "developer");
  EXPECT_EQ(store_->SetMembership({t.id, 9999, "viewer"}).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->RemoveMembership(t.id, u.id).ok());
  EXPECT_TRUE(store_->MembersOfTeam(t.id)->empty());
  EXPECT_EQ(store_->CreateTeam({.name = "data"}).error().code, ErrorCode::kAlreadyExists);
}

TEST_P(StoreTest, TokensByHashAndRevocation) {
  auto u = store_->CreateUser({.name = "u"}).value();
  auto tok = store_->CreateToken({.user_id = u.id,
                                  .name = "ci",
                                  .token_hash = "abc",
                                  .scopes_json = R"(["jobs:read"])",
                                  .expires_at = 123});
  ASSERT_TRUE(tok.ok());
  auto found = store_->FindTokenByHash("abc");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->scopes_json, R"(["jobs:read"])");
  EXPECT_EQ(found->expires_at, 123);
  ASSERT_TRUE(store_->RevokeToken(tok->id, 77).ok());
  EXPECT_EQ(store_->FindTokenByHash("abc")->revoked_at, 77);
  EXPECT_EQ(store_->RevokeToken(tok->id, 78).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->TouchToken(tok->id, 99).ok());
  EXPECT_EQ(store_->ListTokens(u.id)->at(0).last_used_at, 99);
}

TEST_P(StoreTest, ClustersUseOptimisticConcurrency) {
  auto c = store_->CreateCluster(
      {.name = "prod", .kind = "kubernetes", .config_json = R"({"ns":"a"})", .secrets = "enc:..."});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->revision, 1);
  Cluster first = *c, second = *c;
  first.config_json = R"({"ns":"b"})";
  auto updated = store_->UpdateCluster(first);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->revision, 2);
  second.config_json = R"({"ns":"c"})";
  auto stale = store_->UpdateCluster(second);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->FindCluster("prod")->config_json, R"({"ns":"b"})");
  ASSERT_TRUE(store_->DeleteCluster("prod").ok());
  EXPECT_EQ(store_->FindCluster("prod").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, JobsHaveVersionedSpecs) {
  Job job = NewJob("orders");
  EXPECT_EQ(job.spec_version, 1);
  auto v2 = store_->AddJobVersion("orders", job.revision,
                                  {.spec_json = R"({"v":2})", .created_by = "bob"});
  ASSERT_TRUE(v2.ok()) << v2.error().ToString();
  EXPECT_EQ(v2->spec_version, 2);
  EXPECT_EQ(v2->revision, job.revision + 1);
  auto stale = store_->AddJobVersion("orders", job.revision, {.spec_json = "{}"});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  auto versions = store_->ListJobVersions(job.id).value();
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1].spec_json, R"({"v":2})");
  EXPECT_EQ(versions[1].created_by, "bob");
  EXPECT_EQ(store_->GetJobVersion(job.id, 1)->created_by, "alice");
  EXPECT_EQ(store_->AddJobVersion("nope", 1, {}).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, IntentWritesCheckTheRevisionAndAppendEvents) {
  Job job = NewJob("clicks");
  EXPECT_TRUE(job.stop_with_savepoint);
  job.desired_state = "SUSPENDED";
  job.stop_drain = true;
  job.restart_nonce = 3;
  job.restore_path = "s3://sp/savepoint-1";
  auto updated =
      store_->UpdateJobIntent(job, {{.type = "action", .reason = "suspend", .actor = "alice"}});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->revision, job.revision + 1);
  Job read = store_->FindJob("clicks").value();
  EXPECT_EQ(read.desired_state, "SUSPENDED");
  EXPECT_TRUE(read.stop_drain);
  EXPECT_EQ(read.restart_nonce, 3);
  EXPECT_EQ(read.restore_path, "s3://sp/savepoint-1");
  auto events = store_->ListJobEvents(job.id, 0, 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].actor, "alice");

  job.desired_state = "RUNNING";  // stale revision: nothing written, no event
  auto stale = store_->UpdateJobIntent(job, {{.type = "action", .reason = "resume"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ListJobEvents(job.id, 0, 10)->size(), 1u);
  EXPECT_EQ(store_->FindJob("clicks")->desired_state, "SUSPENDED");
}

TEST_P(StoreTest, StatusWritesNeverConflictWithIntentWrites) {
  Job job = NewJob("status");
  auto deploying = store_->UpdateJobStatus(
      job.id, 0, "DEPLOYING", R"({"reason":"creating"})",
      {{.type = "transition", .from_state = "DRAFT", .to_state = "DEPLOYING"}});
  ASSERT_TRUE(deploying.ok()) << deploying.error().ToString();
  EXPECT_EQ(deploying->status_version, 1);
  EXPECT_EQ(deploying->revision, job.revision);  // the user's revision is untouched

  // A user edit made with the revision read before the status write still succeeds.
  job.desired_state = "SUSPENDED";
  ASSERT_TRUE(store_->UpdateJobIntent(job).ok());

  // A second status writer holding the old status version loses, and writes nothing.
  auto stale = store_->UpdateJobStatus(job.id, 0, "RUNNING", "{}",
                                       {{.type = "transition", .to_state = "RUNNING"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  Job read = store_->FindJob("status").value();
  EXPECT_EQ(read.state, "DEPLOYING");
  EXPECT_EQ(read.status_json, R"({"reason":"creating"})");
  EXPECT_EQ(read.desired_state, "SUSPENDED");
  EXPECT_EQ(store_->ListJobEvents(job.id, 0, 10)->size(), 1u);
  EXPECT_EQ(store_->UpdateJobStatus(424242, 0, "RUNNING", "{}").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, SavepointsFromRequestToCompletion) {
  Job job = NewJob("sp");
  auto requested = store_->CreateSavepoint(
      {.job_id = job.id, .trigger = "manual", .state = "REQUESTED", .requested_by = "alice"});
  ASSERT_TRUE(requested.ok()) << requested.error().ToString();
  EXPECT_GT(requested->requested_at, 0);
  Savepoint sp = *requested;
  sp.state = "IN_PROGRESS";
  sp.trigger_id = "0123456789abcdef0123456789abcdef";
  ASSERT_TRUE(store_->UpdateSavepoint(sp).ok());
  EXPECT_EQ(store_->ListSavepointsInState("IN_PROGRESS", 10)->size(), 1u);
  sp.state = "COMPLETED";
  sp.path = "s3://bucket/savepoints/savepoint-abc";
  sp.size_bytes = 4096;
  sp.completed_at = 99;
  ASSERT_TRUE(store_->UpdateSavepoint(sp).ok());
  Savepoint read = store_->GetSavepoint(sp.id).value();
  EXPECT_EQ(read.trigger, "manual");
  EXPECT_EQ(read.trigger_id, sp.trigger_id);
  EXPECT_EQ(read.path, sp.path);
  EXPECT_EQ(read.size_bytes, 4096);
  EXPECT_EQ(store_->ListSavepoints(job.id)->size(), 1u);
  EXPECT_TRUE(store_->ListSavepointsInState("IN_PROGRESS", 10)->empty());
  EXPECT_EQ(store_->CreateSavepoint({.job_id = 424242, .trigger = "manual", .state = "REQUESTED"})
                .error()
                .code,
            ErrorCode::kNotFound);
  sp.id = 424242;
  EXPECT_EQ(store_->UpdateSavepoint(sp).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreTest, ListJobsFiltersAndPages) {
  auto team = store_->CreateTeam({.name = "t"}).value();
  for (int i = 0; i < 7; ++i)
    NewJob("job-" + std::to_string(i), i % 2 ? team.id : 0);
  NewJob("100%_special");
  JobFilter f;
  f.limit = 3;
  std::vector<std::string> names;
  for (;;) {
    auto page = store_->ListJobs(f).value();
    for (auto& j : page.jobs)
      names.push_back(j.name);
    if (!page.next_cursor) break;
    f.after_id = page.next_cursor;
  }
  EXPECT_EQ(names.size(), 8u);
  EXPECT_EQ(names.front(), "job-0");

  JobFilter by_team{.team_id = team.id};
  EXPECT_EQ(store_->ListJobs(by_team)->jobs.size(), 3u);
  JobFilter by_text{.text = "%_"};
  auto special = store_->ListJobs(by_text)->jobs;
  ASSERT_EQ(special.size(), 1u);
  EXPECT_EQ(special[0].name, "100%_special");
  JobFilter by_state{.state = "RUNNING"};
  EXPECT_TRUE(store_->ListJobs(by_state)->jobs.empty());
}

TEST_P(StoreTest, ListJobsRestrictedToVisibleTeams) {
  auto a = store_->CreateTeam({.name = "a"}).value();
  auto b = store_->CreateTeam({.name = "b"}).value();
  NewJob("in-a", a.id);
  NewJob("in-b", b.id);
  NewJob("no-team");
  auto names = [&](JobFilter f) {
    std::vector<std::string> out;
    auto page = store_->ListJobs(f).value();
    for (auto& j : page.jobs)
      out.push_back(j.name);
    return out;
  };
  EXPECT_EQ(names({.restricted = true, .visible_teams = {a.id}}),
            (std::vector<std::string>{"in-a", "no-team"}));
  EXPECT_EQ(names({.restricted = true}), std::vector<std::string>{"no-team"});
  EXPECT_EQ(names({.restricted = true, .visible_teams = {a.id, b.id}}).size(), 3u);
  EXPECT_EQ(names({.team_id = b.id, .restricted = true, .visible_teams = {a.id}}).size(), 0u);
}

TEST_P(StoreTest, UpdateJobSpecAddsAVersionWithIntentAndEvents) {
  auto team = store_->CreateTeam({.name = "t"}).value();
  Job job = NewJob("orders");
  job.team_id = team.id;
  job.cluster = "prod";
  auto updated = store_->UpdateJobSpec(job, {.spec_json = "{\"v\":2}", .created_by = "bob"},
                                       {{.type = "spec-updated", .actor = "bob"}});
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->spec_version, 2);
  EXPECT_EQ(updated->revision, job.revision + 1);
  EXPECT_EQ(updated->team_id, team.id);
  EXPECT_EQ(updated->cluster, "prod");
  EXPECT_EQ(store_->GetJobVersion(job.id, 2)->spec_json, "{\"v\":2}");
  EXPECT_EQ(store_->ListJobEvents(job.id, 0, 10)->back().type, "spec-updated");
  // The revision read before: nothing written.
  auto stale = store_->UpdateJobSpec(job, {.spec_json = "{}"}, {{.type = "x"}});
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ListJobVersions(job.id)->size(), 2u);
  EXPECT_EQ(store_->ListJobEvents(job.id, 0, 10)->back().type, "spec-updated");
}

TEST_P(StoreTest, DeletedJobsKeepHistoryAndFreeTheName) {
  Job job = NewJob("gone");
  ASSERT_TRUE(store_->AppendEvent({.job_id = job.id, .type = "note", .reason = "before"}).ok());
  ASSERT_TRUE(store_->MarkJobDeleted(job.id, job.revision, 5).ok());
  EXPECT_EQ(store_->FindJob("gone").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->GetJob(job.id)->deleted_at, 5);
  EXPECT_EQ(store_->ListJobVersions(job.id)->size(), 1u);
  EXPECT_EQ(store_->ListJobEvents(job.id, 0, 10)->size(), 1u);
  Job again = NewJob("gone");
  EXPECT_NE(again.id, job.id);
}

TEST_P(StoreTest, EventsSinceAcrossJobs) {
  Job a = NewJob("a"), b = NewJob("b");
  auto e1 = store_->AppendEvent({.job_id = a.id, .type = "x"}).value();
  store_->AppendEvent({.job_id = b.id, .type = "y"}).value();
  auto since = store_->ListEventsSince(e1.id, 10).value();
  ASSERT_EQ(since.size(), 1u);
  EXPECT_EQ(since[0].type, "y");
  EXPECT_EQ(store_->AppendEvent({.job_id = 424242, .type = "z"}).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreTest, ConcurrentEditsOfOneJobConflictCleanly) {
  Job job = NewJob("race");
  std::atomic<int> ok{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto r = store_->AddJobVersion("race", job.revision, {.spec_json = "{}"});
      if (r.ok())
        ++ok;
      else if (r.error().code == ErrorCode::kConflict)
        ++conflicts;
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(store_->ListJobVersions(job.id)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace sluice::store
