// ApiOptions::on_intent: every intent the API writes wakes the reconcile controller for
// that job; reads and refused actions do not.
#include <mutex>

#include "api_fixture.h"
#include "route_fixtures.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

class IntentNotifierTest : public ApiFixture {
 protected:
  void Configure(ApiOptions& options) override {
    options.on_intent = [this](int64_t id) {
      std::lock_guard lock(mu_);
      notified_.push_back(id);
    };
  }
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("dev");
    AddMember(kWalkTeam, "dev", "developer");
    dev_ = TokenFor("dev");
  }
  std::vector<int64_t> Notified() {
    std::lock_guard lock(mu_);
    return notified_;
  }

  std::mutex mu_;
  std::vector<int64_t> notified_;
  std::string dev_;
};

TEST_F(IntentNotifierTest, ActionsUpdatesAndDeletesNotifyReadsDoNot) {
  Reply created = Call("POST", "/api/v1/jobs", dev_, JobSpecJson("orders"));
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t id = store_->FindJob("orders")->id;
  EXPECT_TRUE(Notified().empty());  // a new job is not meant to run yet

  ASSERT_EQ(Call("POST", "/api/v1/jobs/orders/actions/deploy", dev_, json::object()).status, 202);
  EXPECT_EQ(Notified(), std::vector<int64_t>{id});

  // Refused (already deployed): nothing written, nobody woken.
  EXPECT_EQ(Call("POST", "/api/v1/jobs/orders/actions/deploy", dev_, json::object()).status, 409);
  ASSERT_EQ(Call("GET", "/api/v1/jobs/orders", dev_).status, 200);
  EXPECT_EQ(Notified().size(), 1u);

  json spec = JobSpecJson("orders");
  spec["spec"]["parallelism"] = 4;
  spec["revision"] = store_->FindJob("orders")->revision;
  ASSERT_EQ(Call("PUT", "/api/v1/jobs/orders", dev_, spec).status, 200);
  EXPECT_EQ(Notified().size(), 2u);

  Reply deleted = Call("DELETE", "/api/v1/jobs/orders", dev_);
  EXPECT_EQ(deleted.status, 202) << deleted.body;
  EXPECT_EQ(Notified(), (std::vector<int64_t>{id, id, id}));
}

}  // namespace
}  // namespace sluice::api::testing
