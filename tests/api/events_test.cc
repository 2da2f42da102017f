// Server-sent events over real HTTP: live delivery, resume with Last-Event-ID, filtering by
// what the caller may read, heartbeats, credentials checked again, clean unsubscribe.
#include <condition_variable>
#include <thread>

#include "api/event_hub.h"
#include "api_fixture.h"
#include "common/strings.h"

namespace sluice::api::testing {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

struct Frame {
  std::string id, event, data;
};

// Reads one event stream on a thread until stopped.
class StreamReader {
 public:
  StreamReader(std::string url, http::Headers headers) {
    thread_ = std::thread([this, url = std::move(url), headers = std::move(headers)] {
      http::ClientRequest req{.url = url, .headers = headers, .timeout = 0ms};
      req.on_data = [this](std::string_view chunk) {
        std::lock_guard lock(mu_);
        text_.append(chunk);
        cv_.notify_all();
        return !stop_;
      };
      auto r = http::Send(req);
      std::lock_guard lock(mu_);
      status_ = r.ok() ? r->status : -1;
      if (r.ok()) headers_ = r->headers;
      done_ = true;
      cv_.notify_all();
    });
  }
  ~StreamReader() { Stop(); }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

  // Waits until `pred(text so far)` holds; false after the deadline.
  bool WaitFor(const std::function<bool(const std::string&)>& pred,
               std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(text_) || done_; }) && pred(text_);
  }
  bool WaitForEvents(size_t n) {
    return WaitFor([&](const std::string&) { return Events().size() >= n; });
  }

  std::vector<Frame> Frames() const {
    std::vector<Frame> out;
    std::string text;
    {
      std::lock_guard lock(mu_);
      text = text_;
    }
    size_t start = 0;
    for (size_t end; (end = text.find("\n\n", start)) != std::string::npos; start = end + 2) {
      Frame f;
      for (const auto& line : Split(text.substr(start, end - start), '\n')) {
        if (line.starts_with("id: ")) f.id = line.substr(4);
        if (line.starts_with("event: ")) f.event = line.substr(7);
        if (line.starts_with("data: ")) f.data = line.substr(6);
      }
      out.push_back(f);
    }
    return out;
  }
  // Frames without the locks held: callable from WaitFor's predicate.
  std::vector<Frame> Events() const {
    std::vector<Frame> out;
    size_t start = 0;
    for (size_t end; (end = text_.find("\n\n", start)) != std::string::npos; start = end + 2) {
      std::string block = text_.substr(start, end - start);
      if (block.find("event: job-event") == std::string::npos) continue;
      Frame f;
      for (const auto& line : Split(block, '\n')) {
        if (line.starts_with("id: ")) f.id = line.substr(4);
        if (line.starts_with("data: ")) f.data = line.substr(6);
      }
      f.event = "job-event";
      out.push_back(f);
    }
    return out;
  }
  std::vector<std::string> EventIds() {
    std::lock_guard lock(mu_);
    std::vector<std::string> ids;
    for (const auto& f : Events())
      ids.push_back(f.id);
    return ids;
  }
  std::string text() const {
    std::lock_guard lock(mu_);
    return text_;
  }
  int status() const {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;
  bool stop_ = false, done_ = false;
  int status_ = 0;
  http::Headers headers_;
  std::thread thread_;
};

class EventsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("root", true);
    CreateUser("vic");
    AddMember("data", "vic", "viewer");
    EnsureTeam("ads");
    data_job_ = NewJob("orders", "data");
    ads_job_ = NewJob("clicks", "ads");
    loose_job_ = NewJob("loose", "");
  }

  int64_t NewJob(const std::string& name, const std::string& team) {
    store::Job j{.name = name, .desired_state = "RUNNING", .state = "DRAFT"};
    if (!team.empty()) j.team_id = store_->FindTeam(team)->id;
    return store_->CreateJob(j, {.spec_json = "{}"}).value().id;
  }

  int64_t Event(int64_t job, const std::string& to) {
    return store_
        ->AppendEvent({.job_id = job, .type = "transition", .from_state = "DRAFT", .to_state = to})
        .value()
        .id;
  }

  std::unique_ptr<StreamReader> Open(const std::string& token, http::Headers headers = {},
                                     const std::string& query = "") {
    headers["Authorization"] = "Bearer " + token;
    auto reader = std::make_unique<StreamReader>(Url("/api/v1/events" + query), headers);
    EXPECT_TRUE(reader->WaitFor(
        [](const std::string& t) { return t.find(": connected") != std::string::npos; }));
    return reader;
  }

  bool WaitForSubscribers(size_t n) {
    for (int i = 0; i < 500; ++i) {
      if (api_->services().events.subscribers() == n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  int64_t data_job_ = 0, ads_job_ = 0, loose_job_ = 0;
};

TEST_F(EventsTest, LiveEventsInOrderWithTheirIds) {
  auto reader = Open(TokenFor("root"));
  int64_t a = Event(data_job_, "DEPLOYING");
  int64_t b = Event(ads_job_, "RUNNING");
  ASSERT_TRUE(reader->WaitForEvents(2)) << reader->text();
  EXPECT_EQ(reader->EventIds(), (std::vector<std::string>{std::to_string(a), std::to_string(b)}));
  json first = json::parse(reader->Frames()[1].data);  // [0] is the connect comment
  EXPECT_EQ(first["job"], "orders");
  EXPECT_EQ(first["team"], "data");
  EXPECT_EQ(first["to"], "DEPLOYING");
  EXPECT_EQ(first["jobId"], data_job_);
  EXPECT_NE(reader->text().find("retry: 3000"), std::string::npos);
}

TEST_F(EventsTest, ReadersSeeOnlyTheirTeamsAndJobsWithoutATeam) {
  auto reader = Open(TokenFor("vic"));
  Event(ads_job_, "RUNNING");
  int64_t mine = Event(data_job_, "RUNNING");
  int64_t loose = Event(loose_job_, "RUNNING");
  ASSERT_TRUE(reader->WaitForEvents(2)) << reader->text();
  EXPECT_EQ(reader->EventIds(),
            (std::vector<std::string>{std::to_string(mine), std::to_string(loose)}));
  EXPECT_EQ(reader->text().find("clicks"), std::string::npos);
  CreateUser("nobody");
  EXPECT_EQ(Call("GET", "/api/v1/events", TokenFor("nobody")).status, 403);
}

TEST_F(EventsTest, ResumesAfterLastEventId) {
  int64_t e1 = Event(data_job_, "DEPLOYING");
  int64_t e2 = Event(data_job_, "RUNNING");
  int64_t e3 = Event(ads_job_, "RUNNING");
  // Wait until the hub has moved past them, so that they can only come from the backlog.
  for (int i = 0; i < 500 && api_->services().events.watermark() < e3; ++i)
    std::this_thread::sleep_for(10ms);
  auto reader = Open(TokenFor("root"), {{"Last-Event-ID", std::to_string(e1)}});
  int64_t e4 = Event(data_job_, "FAILED");
  ASSERT_TRUE(reader->WaitForEvents(3)) << reader->text();
  EXPECT_EQ(reader->EventIds(),
            (std::vector<std::string>{std::to_string(e2), std::to_string(e3), std::to_string(e4)}));

  auto by_query = Open(TokenFor("root"), {}, "?lastEventId=" + std::to_string(e3));
  ASSERT_TRUE(by_query->WaitForEvents(1)) << by_query->text();
  EXPECT_EQ(by_query->EventIds(), std::vector<std::string>{std::to_string(e4)});

  EXPECT_EQ(
      Call("GET", "/api/v1/events", TokenFor("root"), nullptr, {{"Last-Event-ID", "abc"}}).status,
      400);
  EXPECT_EQ(Call("GET", "/api/v1/events?lastEventId=-3", TokenFor("root")).status, 400);
}

TEST_F(EventsTest, HeartbeatsAndCleanUnsubscribe) {
  auto a = Open(TokenFor("root"));
  auto b = Open(TokenFor("root"));
  ASSERT_TRUE(WaitForSubscribers(2));
  EXPECT_TRUE(
      a->WaitFor([](const std::string& t) { return t.find(": keep-alive") != std::string::npos; }));
  a->Stop();
  ASSERT_TRUE(WaitForSubscribers(1));
  b->Stop();
  ASSERT_TRUE(WaitForSubscribers(0));
}

TEST_F(EventsTest, RevokedCredentialsEndTheStream) {
  int64_t id = 0;
  std::string token = TokenFor("root", R"(["*"])", 0, &id);
  auto reader = Open(token);
  ASSERT_TRUE(store_->RevokeToken(id, Now()).ok());
  EXPECT_TRUE(reader->WaitFor([](const std::string& t) {
    return t.find("event: end") != std::string::npos;
  })) << reader->text();
  ASSERT_TRUE(WaitForSubscribers(0));
}

}  // namespace
}  // namespace sluice::api::testing
