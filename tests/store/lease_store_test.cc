// Job leases on both back ends, including two Store instances (two replicas) racing.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "store/store.h"
#include "store_backends.h"

namespace sluice::store {
namespace {

constexpr int64_t kTtl = 30'000;

class LeaseStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::Backend>(GetParam());
    auto s = Store::Open(backend_->url());
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
  }

  int64_t NewJob(const std::string& name) {
    Job j;
    j.name = name;
    j.desired_state = "RUNNING";
    j.state = "DRAFT";
    auto r = store_->CreateJob(j, {.spec_json = "{}"});
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? r->id : 0;
  }

  std::unique_ptr<testing::Backend> backend_;
  std::unique_ptr<Store> store_;
};

TEST_P(LeaseStoreTest, AcquireRenewTakeOverRelease) {
  int64_t job = NewJob("a");
  auto first = store_->AcquireLease(job, "r1", 1000, kTtl);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->holder, "r1");
  EXPECT_EQ(first->generation, 1);
  EXPECT_EQ(first->expires_at, 1000 + kTtl);
  EXPECT_EQ(first->acquired_at, 1000);

  // Someone else while it is valid: refused, naming the holder.
  auto other = store_->AcquireLease(job, "r2", 2000, kTtl);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::kConflict);
  EXPECT_NE(other.error().message.find("r1"), std::string::npos);

  // The holder again: renewed, same generation, the original acquisition time.
  auto again = store_->AcquireLease(job, "r1", 5000, kTtl);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->generation, 1);
  EXPECT_EQ(again->expires_at, 5000 + kTtl);
  EXPECT_EQ(again->acquired_at, 1000);

  // Expired: taken over with the next generation.
  auto taken = store_->AcquireLease(job, "r2", 5000 + kTtl, kTtl);
  ASSERT_TRUE(taken.ok()) << taken.error().ToString();
  EXPECT_EQ(taken->holder, "r2");
  EXPECT_EQ(taken->generation, 2);
  EXPECT_EQ(store_->AcquireLease(job, "r1", 5001 + kTtl, kTtl).error().code, ErrorCode::kConflict);

  // Released by someone who does not hold it: nothing happens.
  ASSERT_TRUE(store_->ReleaseLease(job, "r1").ok());
  EXPECT_EQ(store_->GetLease(job)->holder, "r2");
  // Released by the holder: free at once, generations keep growing.
  ASSERT_TRUE(store_->ReleaseLease(job, "r2").ok());
  EXPECT_EQ(store_->GetLease(job)->holder, "");
  auto back = store_->AcquireLease(job, "r1", 6000 + kTtl, kTtl);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->generation, 3);
}

TEST_P(LeaseStoreTest, UnknownJobAndEmptyHolder) {
  EXPECT_EQ(store_->AcquireLease(424242, "r1", 0, kTtl).error().code, ErrorCode::kNotFound);
  int64_t job = NewJob("a");
  EXPECT_EQ(store_->AcquireLease(job, "", 0, kTtl).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->GetLease(job).error().code, ErrorCode::kNotFound);
}

TEST_P(LeaseStoreTest, RenewOnlyWhatIsStillHeld) {
  int64_t a = NewJob("a"), b = NewJob("b"), c = NewJob("c"), d = NewJob("d");
  ASSERT_TRUE(store_->AcquireLease(a, "r1", 0, 100).ok());
  ASSERT_TRUE(store_->AcquireLease(b, "r1", 0, 100).ok());
  ASSERT_TRUE(store_->AcquireLease(c, "r1", 0, 100).ok());
  ASSERT_TRUE(store_->AcquireLease(d, "r2", 0, 100).ok());
  // b expired and was taken over; c was released.
  ASSERT_TRUE(store_->AcquireLease(b, "r2", 200, kTtl).ok());
  ASSERT_TRUE(store_->ReleaseLease(c, "r1").ok());
  auto renewed = store_->RenewLeases("r1", {a, b, c, d}, 300, kTtl);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_EQ(*renewed, std::vector<int64_t>{a});
  EXPECT_EQ(store_->GetLease(a)->expires_at, 300 + kTtl);
  EXPECT_EQ(store_->GetLease(d)->expires_at, 100);  // not r1's
  EXPECT_EQ(store_->ListLeases("r1")->size(), 1u);
  EXPECT_EQ(store_->ListLeases("")->size(), 4u);
  EXPECT_TRUE(store_->RenewLeases("r1", {}, 300, kTtl)->empty());
  EXPECT_EQ(*store_->ReleaseLeases("r2"), 2);
  EXPECT_TRUE(store_->ListLeases("r2")->empty());
  EXPECT_EQ(store_->GetLease(b)->holder, "");
  EXPECT_EQ(store_->GetLease(a)->holder, "r1");
}

TEST_P(LeaseStoreTest, RenewsMoreJobsThanOneStatementTakes) {
  std::vector<int64_t> jobs;
  for (int i = 0; i < 1100; ++i)
    jobs.push_back(NewJob("j" + std::to_string(i)));
  for (int64_t j : jobs)
    ASSERT_TRUE(store_->AcquireLease(j, "r1", 0, 100).ok());
  auto renewed = store_->RenewLeases("r1", jobs, 50, kTtl);
  ASSERT_TRUE(renewed.ok()) << renewed.error().ToString();
  EXPECT_EQ(renewed->size(), jobs.size());
}

TEST_P(LeaseStoreTest, ReconcilableJobsAreLiveJobsByIdInPages) {
  int64_t a = NewJob("a"), b = NewJob("b"), c = NewJob("c");
  Job jb = store_->GetJob(b).value();
  ASSERT_TRUE(store_->MarkJobDeleted(b, jb.revision, 5).ok());
  EXPECT_EQ(*store_->ListReconcilableJobs(0, 100), (std::vector<int64_t>{a, c}));
  EXPECT_EQ(*store_->ListReconcilableJobs(0, 1), (std::vector<int64_t>{a}));
  EXPECT_EQ(*store_->ListReconcilableJobs(a, 100), (std::vector<int64_t>{c}));
  EXPECT_TRUE(store_->ListReconcilableJobs(c, 100)->empty());
}

// Two replicas, each with its own Store (its own connections), race for the same leases:
// free ones and expired ones. Every lease has exactly one winner.
TEST_P(LeaseStoreTest, TwoStoresRacingEachLeaseHasOneWinner) {
  auto second = Store::Open(backend_->url());
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  std::vector<int64_t> jobs;
  for (int i = 0; i < 20; ++i)
    jobs.push_back(NewJob("j" + std::to_string(i)));
  // Half of them start with a lease of a dead replica that has expired at t=100.
  for (size_t i = 0; i < jobs.size(); i += 2)
    ASSERT_TRUE(store_->AcquireLease(jobs[i], "dead", 0, 100).ok());

  Store* stores[2] = {store_.get(), second->get()};
  std::mutex mu;
  std::map<int64_t, std::vector<std::string>> winners;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      std::string holder = "r" + std::to_string(t);
      for (int64_t job : jobs) {
        auto r = stores[t % 2]->AcquireLease(job, holder, 1000, kTtl);
        if (r.ok()) {
          std::lock_guard lock(mu);
          winners[job].push_back(holder);
        } else if (r.error().code != ErrorCode::kConflict) {
          ++failures;
          ADD_FAILURE() << r.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  for (size_t i = 0; i < jobs.size(); ++i) {
    ASSERT_EQ(winners[jobs[i]].size(), 1u) << "job " << jobs[i];
    auto lease = store_->GetLease(jobs[i]).value();
    EXPECT_EQ(lease.holder, winners[jobs[i]][0]);
    EXPECT_EQ(lease.generation, i % 2 == 0 ? 2 : 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseStoreTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace sluice::store
