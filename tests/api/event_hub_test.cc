// The event hub on both back ends, and on PostgreSQL the case it exists for: an event id
// that commits after a later one.
#include "api/event_hub.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "common/strings.h"
#include "common/time.h"
#include "store/store_backends.h"

namespace sluice::api {
namespace {

using namespace std::chrono_literals;

class FakeWriter : public http::StreamWriter {
 public:
  bool Write(std::string data) override {
    std::lock_guard lock(mu_);
    if (closed_) return false;
    text_ += data;
    return true;
  }
  void Close() override {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  bool closed() const override {
    std::lock_guard lock(mu_);
    return closed_;
  }
  void OnClose(std::function<void()>) override {}
  std::vector<int64_t> Ids() const {
    std::lock_guard lock(mu_);
    std::vector<int64_t> out;
    for (const auto& line : Split(text_, '\n')) {
      if (line.starts_with("id: ")) out.push_back(std::stoll(line.substr(4)));
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::string text_;
  bool closed_ = false;
};

template <typename Pred>
bool Eventually(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

class EventHubTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<store::testing::Backend>(GetParam());
    store_ = store::Store::Open(backend_->url()).value();
    job_ = store_
               ->CreateJob({.name = "j", .desired_state = "RUNNING", .state = "DRAFT"},
                           {.spec_json = "{}"})
               .value()
               .id;
    hub_ = std::make_unique<EventHub>(
        *store_, EventOptions{.poll_interval = 10ms, .heartbeat = 1h, .gap_grace = 60s},
        [] { return NowMillis(); });
    ASSERT_TRUE(hub_->Start().ok());
  }
  void TearDown() override { hub_->Stop(); }

  std::shared_ptr<FakeWriter> Subscribe(int64_t last = -1) {
    auto w = std::make_shared<FakeWriter>();
    hub_->Subscribe(
        {.writer = w, .may_read = [](const std::string&) { return true; }, .last_event_id = last});
    return w;
  }
  int64_t Append() { return store_->AppendEvent({.job_id = job_, .type = "x"}).value().id; }

  std::unique_ptr<store::testing::Backend> backend_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<EventHub> hub_;
  int64_t job_ = 0;
};

TEST_P(EventHubTest, FansOutAndResumes) {
  int64_t before = Append();
  ASSERT_TRUE(Eventually([&] { return hub_->watermark() >= before; }));
  auto live = Subscribe();
  auto resumed = Subscribe(0);
  int64_t a = Append(), b = Append();
  ASSERT_TRUE(Eventually([&] { return live->Ids().size() == 2 && resumed->Ids().size() == 3; }));
  EXPECT_EQ(live->Ids(), (std::vector<int64_t>{a, b}));
  EXPECT_EQ(resumed->Ids(), (std::vector<int64_t>{before, a, b}));
  live->Close();
  ASSERT_TRUE(Eventually([&] { return hub_->subscribers() == 1; }));
}

TEST_P(EventHubTest, AResumeTooFarBehindStartsWithAReset) {
  hub_->Stop();
  hub_ = std::make_unique<EventHub>(*store_, EventOptions{.poll_interval = 10ms, .max_backlog = 2},
                                    [] { return NowMillis(); });
  for (int i = 0; i < 4; ++i)
    Append();
  ASSERT_TRUE(hub_->Start().ok());
  auto w = Subscribe(0);
  int64_t next = Append();
  ASSERT_TRUE(Eventually([&] { return !w->Ids().empty() && w->Ids().back() == next; }));
  EXPECT_EQ(w->Ids().size(), 2u);  // the reset (its id: where it resumes) and the new event
}

INSTANTIATE_TEST_SUITE_P(Backends, EventHubTest, ::testing::Values("sqlite", "postgres"));

class EventHubPostgresTest : public EventHubTest {};

TEST_P(EventHubPostgresTest, AnEventCommittedLateIsDeliveredInOrder) {
  auto w = Subscribe();
  std::promise<int64_t> inserted;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::thread slow([&] {
    Status st = store_->database().Transaction([&](store::Connection& c) -> Status {
      auto rows = c.Query(
          "INSERT INTO job_events (job_id, time, type) VALUES ($1, $2, 'slow') RETURNING id",
          {job_, NowMillis()});
      if (!rows.ok()) return std::move(rows).error();
      inserted.set_value((*rows)[0].Int(0));
      released.wait();
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
  });
  int64_t slow_id = inserted.get_future().get();
  int64_t fast_id = Append();  // commits first, with the higher id
  ASSERT_GT(fast_id, slow_id);
  ASSERT_TRUE(Eventually([&] { return hub_->held_back() == 1; }));
  EXPECT_TRUE(w->Ids().empty());  // held back behind the open transaction
  release.set_value();
  slow.join();
  ASSERT_TRUE(Eventually([&] { return w->Ids().size() == 2; }));
  EXPECT_EQ(w->Ids(), (std::vector<int64_t>{slow_id, fast_id}));
}

INSTANTIATE_TEST_SUITE_P(Postgres, EventHubPostgresTest, ::testing::Values("postgres"));

}  // namespace
}  // namespace sluice::api
