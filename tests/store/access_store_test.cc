// Sessions, access lookups and the audit log, on both back ends.
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/store.h"
#include "store_backends.h"

namespace sluice::store {
namespace {

class AccessStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::Backend>(GetParam());
    auto s = Store::Open(backend_->url());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }

  User NewUser(const std::string& name, bool admin = false) {
    auto u = store_->CreateUser({.name = name, .is_admin = admin});
    EXPECT_TRUE(u.ok()) << u.error().ToString();
    return u.value_or(User{});
  }

  AuditEntry Audit(const std::string& actor, const std::string& action, const std::string& team,
                   int64_t time, const std::string& result = "success") {
    auto e = store_->AppendAudit({.time = time,
                                  .actor = actor,
                                  .actor_kind = "token",
                                  .action = action,
                                  .target_kind = "cluster",
                                  .target_name = "c-" + std::to_string(time),
                                  .team = team,
                                  .remote_address = "127.0.0.1",
                                  .request_id = "r",
                                  .result = result,
                                  .http_status = 200,
                                  .details_json = R"({"k":1})"});
    EXPECT_TRUE(e.ok()) << e.error().ToString();
    return e.value_or(AuditEntry{});
  }

  std::unique_ptr<testing::Backend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(AccessStoreTest, SchemaIsAtTheLatestVersion) {
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_GE(LatestSchemaVersion(), 2);
}

TEST_P(AccessStoreTest, SessionsByDigestTouchAndExpire) {
  User u = NewUser("alice");
  Session s{.id_hash = "h1",
            .user_id = u.id,
            .csrf_token = "c1",
            .created_at = 100,
            .expires_at = 1000,
            .last_seen_at = 100,
            .remote_address = "10.0.0.1",
            .user_agent = "test"};
  ASSERT_TRUE(store_->CreateSession(s).ok());
  EXPECT_EQ(store_->CreateSession(s).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(
      store_->CreateSession({.id_hash = "h9", .user_id = 4242, .csrf_token = "x"}).error().code,
      ErrorCode::kNotFound);
  auto found = store_->FindSession("h1");
  ASSERT_TRUE(found.ok()) << found.error().ToString();
  EXPECT_EQ(found->user_id, u.id);
  EXPECT_EQ(found->csrf_token, "c1");
  EXPECT_EQ(found->expires_at, 1000);
  EXPECT_EQ(found->remote_address, "10.0.0.1");
  ASSERT_TRUE(store_->TouchSession("h1", 500).ok());
  EXPECT_EQ(store_->FindSession("h1")->last_seen_at, 500);
  EXPECT_EQ(store_->TouchSession("nope", 1).error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_
                  ->CreateSession({.id_hash = "idle",
                                   .user_id = u.id,
                                   .csrf_token = "c",
                                   .created_at = 100,
                                   .expires_at = 5000,
                                   .last_seen_at = 100})
                  .ok());
  ASSERT_TRUE(store_
                  ->CreateSession({.id_hash = "old",
                                   .user_id = u.id,
                                   .csrf_token = "c",
                                   .created_at = 100,
                                   .expires_at = 900,
                                   .last_seen_at = 800})
                  .ok());
  // At 950: "old" is past its end, "idle" was last seen before the cutoff 400.
  EXPECT_EQ(*store_->DeleteExpiredSessions(950, 400), 2);
  EXPECT_TRUE(store_->FindSession("h1").ok());
  EXPECT_EQ(store_->FindSession("idle").error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->DeleteSession("h1").ok());
  EXPECT_EQ(store_->DeleteSession("h1").error().code, ErrorCode::kNotFound);
}

TEST_P(AccessStoreTest, SessionsOfAUserGoTogether) {
  User a = NewUser("a"), b = NewUser("b");
  for (const char* id : {"a1", "a2"}) {
    ASSERT_TRUE(store_
                    ->CreateSession({.id_hash = id,
                                     .user_id = a.id,
                                     .csrf_token = "c",
                                     .expires_at = 1,
                                     .last_seen_at = 1})
                    .ok());
  }
  ASSERT_TRUE(store_
                  ->CreateSession({.id_hash = "b1",
                                   .user_id = b.id,
                                   .csrf_token = "c",
                                   .expires_at = 1,
                                   .last_seen_at = 1})
                  .ok());
  EXPECT_EQ(*store_->DeleteSessionsOfUser(a.id), 2);
  EXPECT_TRUE(store_->FindSession("b1").ok());
}

TEST_P(AccessStoreTest, TeamRolesMembersAndAdmins) {
  User alice = NewUser("alice", true), bob = NewUser("bob");
  auto data = store_->CreateTeam({.name = "data"}).value();
  auto ads = store_->CreateTeam({.name = "ads"}).value();
  ASSERT_TRUE(store_->SetMembership({data.id, bob.id, "developer"}).ok());
  ASSERT_TRUE(store_->SetMembership({ads.id, bob.id, "viewer"}).ok());
  ASSERT_TRUE(store_->SetMembership({data.id, alice.id, "admin"}).ok());
  auto roles = store_->TeamRolesOfUser(bob.id).value();
  ASSERT_EQ(roles.size(), 2u);
  EXPECT_EQ(roles[0].team, "ads");
  EXPECT_EQ(roles[0].role, "viewer");
  EXPECT_EQ(roles[1].team, "data");
  EXPECT_EQ(roles[1].role, "developer");
  auto members = store_->ListTeamMembers(data.id).value();
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].user, "alice");
  EXPECT_EQ(members[0].role, "admin");
  EXPECT_EQ(store_->GetTeam(ads.id)->name, "ads");
  EXPECT_EQ(store_->GetTeam(999).error().code, ErrorCode::kNotFound);

  EXPECT_EQ(*store_->CountActiveAdmins(), 1);
  alice.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(alice).ok());
  EXPECT_EQ(*store_->CountActiveAdmins(), 0);
}

TEST_P(AccessStoreTest, TokenById) {
  User u = NewUser("u");
  auto t = store_->CreateToken({.user_id = u.id, .name = "ci", .token_hash = "th"}).value();
  auto found = store_->GetToken(t.id);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->user_id, u.id);
  EXPECT_EQ(store_->GetToken(t.id + 100).error().code, ErrorCode::kNotFound);
}

TEST_P(AccessStoreTest, AuditListsNewestFirstWithFiltersAndCursor) {
  for (int i = 1; i <= 7; ++i) {
    Audit(i % 2 ? "alice" : "bob", i <= 4 ? "cluster.create" : "team.create",
          i % 3 ? "data" : "ads", 1000 + i, i == 7 ? "denied" : "success");
  }
  AuditFilter all{.limit = 3};
  std::vector<int64_t> times;
  for (;;) {
    auto page = store_->ListAudit(all).value();
    for (const auto& e : page.entries)
      times.push_back(e.time);
    if (!page.next_cursor) break;
    all.before_id = page.next_cursor;
  }
  EXPECT_EQ(times, (std::vector<int64_t>{1007, 1006, 1005, 1004, 1003, 1002, 1001}));

  auto first = store_->ListAudit({.limit = 1}).value().entries.at(0);
  EXPECT_EQ(first.actor, "alice");
  EXPECT_EQ(first.actor_kind, "token");
  EXPECT_EQ(first.result, "denied");
  EXPECT_EQ(first.http_status, 200);
  EXPECT_EQ(first.details_json, R"({"k":1})");
  EXPECT_EQ(first.remote_address, "127.0.0.1");

  EXPECT_EQ(store_->ListAudit({.actor = "bob"})->entries.size(), 3u);
  EXPECT_EQ(store_->ListAudit({.action = "team.create"})->entries.size(), 3u);
  EXPECT_EQ(store_->ListAudit({.action_prefix = "cluster."})->entries.size(), 4u);
  EXPECT_EQ(store_->ListAudit({.action_prefix = "cluster%"})->entries.size(), 0u);
  EXPECT_EQ(store_->ListAudit({.target_name = "c-1003"})->entries.size(), 1u);
  EXPECT_EQ(store_->ListAudit({.team = "ads"})->entries.size(), 2u);
  EXPECT_EQ(store_->ListAudit({.result = "denied"})->entries.size(), 1u);
  EXPECT_EQ(store_->ListAudit({.since = 1003, .until = 1005})->entries.size(), 3u);
  EXPECT_EQ(store_->ListAudit({.teams_only = {"ads"}})->entries.size(), 2u);
  EXPECT_EQ(store_->ListAudit({.teams_only = {"ads", "data"}})->entries.size(), 7u);
  EXPECT_EQ(store_->ListAudit({.teams_only = {"nobody"}})->entries.size(), 0u);
}

TEST_P(AccessStoreTest, LatestEventIdAndClusterUsage) {
  EXPECT_EQ(*store_->LatestEventId(), 0);
  Job job{.name = "j", .cluster = "prod", .desired_state = "RUNNING", .state = "DRAFT"};
  auto created = store_->CreateJob(job, {.spec_json = "{}"});
  ASSERT_TRUE(created.ok());
  auto e = store_->AppendEvent({.job_id = created->id, .type = "x"}).value();
  EXPECT_EQ(*store_->LatestEventId(), e.id);
  EXPECT_EQ(*store_->CountJobsUsingCluster("prod"), 1);
  EXPECT_EQ(*store_->CountJobsUsingCluster("other"), 0);
  ASSERT_TRUE(store_->MarkJobDeleted(created->id, created->revision, 5).ok());
  EXPECT_EQ(*store_->CountJobsUsingCluster("prod"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessStoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace sluice::store
