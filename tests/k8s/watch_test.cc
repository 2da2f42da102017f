// Watches against sluice-sim: the initial list, live events, resuming after the server
// drops every watch (no duplicates, nothing missed), and relisting after 410 Gone.
#include "k8s/watcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "k8s/sim_process.h"

namespace sluice::k8s {
namespace {

using testing::SimProcess;
using testing::WaitUntil;

json WatchedConfigMap(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"watched", "yes"}}}}},
          {"data", {{"v", value}}}};
}

// Collects events on a thread; the final value per name is what a consumer would know.
struct Collector {
  std::mutex mu;
  std::vector<WatchEvent> events;
  std::map<std::string, std::string> values;  // name -> data.v, erased on DELETED
  std::map<std::string, int> versions_seen;   // "name@rv" duplicates would count twice

  bool On(const WatchEvent& ev) {
    std::lock_guard lock(mu);
    events.push_back(ev);
    std::string name = ev.object["metadata"]["name"];
    if (ev.type == "DELETED") {
      values.erase(name);
    } else {
      values[name] = ev.object["data"].value("v", "");
    }
    versions_seen[ev.type + ":" + name + "@" +
                  ev.object["metadata"].value("resourceVersion", "")]++;
    return true;
  }
  std::string Value(const std::string& name) {
    std::lock_guard lock(mu);
    auto it = values.find(name);
    return it == values.end() ? "<none>" : it->second;
  }
  int Duplicates() {
    std::lock_guard lock(mu);
    int d = 0;
    for (auto& [_, n] : versions_seen)
      d += n - 1;
    return d;
  }
};

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Frequent bookmarks: they move the version on and let Stop() take effect quickly.
    sim_ = SimProcess::Start({.extra_args = {"--bookmark-interval", "200ms"}});
    ASSERT_NE(sim_, nullptr);
    client_ = sim_->NewClient();
    ASSERT_TRUE(
        client_
            ->Create(types::Namespace(), "",
                     {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "w"}}}})
            .ok());
  }
  void TearDown() override {
    if (watcher_) watcher_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  void StartWatching() {
    watcher_ =
        std::make_unique<Watcher>(client_, types::ConfigMap(), "w",
                                  WatcherOptions{.label_selector = "watched=yes",
                                                 .timeout_seconds = 2,
                                                 .initial_backoff = std::chrono::milliseconds(20)});
    thread_ = std::thread([this] {
      run_status_ = watcher_->Run([this](const WatchEvent& ev) { return collector_.On(ev); });
    });
  }

  std::unique_ptr<SimProcess> sim_;
  std::shared_ptr<Client> client_;
  std::unique_ptr<Watcher> watcher_;
  std::thread thread_;
  Collector collector_;
  Status run_status_;
};

TEST_F(WatchTest, InitialListThenLiveEvents) {
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("before", "1")).ok());
  StartWatching();
  ASSERT_TRUE(WaitUntil([&] { return collector_.Value("before") == "1"; }));
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("after", "a")).ok());
  ASSERT_TRUE(
      client_
          ->Patch(types::ConfigMap(), "w", "after", PatchType::kJsonMerge, {{"data", {{"v", "b"}}}})
          .ok());
  ASSERT_TRUE(WaitUntil([&] { return collector_.Value("after") == "b"; }));
  ASSERT_TRUE(client_->Delete(types::ConfigMap(), "w", "before").ok());
  ASSERT_TRUE(WaitUntil([&] { return collector_.Value("before") == "<none>"; }));
  EXPECT_EQ(collector_.Duplicates(), 0);
  EXPECT_EQ(watcher_->lists(), 1);
}

TEST_F(WatchTest, ResumesAfterTheServerDropsTheWatch) {
  StartWatching();
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("a", "1")).ok());
  ASSERT_TRUE(WaitUntil([&] { return collector_.Value("a") == "1"; }));
  int streams = watcher_->streams();
  sim_->DropWatches();
  // Changes made while no watch is open arrive once the watcher resumes.
  ASSERT_TRUE(
      client_->Patch(types::ConfigMap(), "w", "a", PatchType::kJsonMerge, {{"data", {{"v", "2"}}}})
          .ok());
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("b", "x")).ok());
  ASSERT_TRUE(
      WaitUntil([&] { return collector_.Value("a") == "2" && collector_.Value("b") == "x"; }));
  EXPECT_GT(watcher_->streams(), streams);
  EXPECT_EQ(watcher_->lists(), 1);  // resumed, not relisted
  EXPECT_EQ(collector_.Duplicates(), 0);
}

TEST_F(WatchTest, RelistsWhenTheVersionIsGone) {
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("keep", "1")).ok());
  ASSERT_TRUE(client_->Create(types::ConfigMap(), "w", WatchedConfigMap("drop", "1")).ok());
  StartWatching();
  ASSERT_TRUE(WaitUntil([&] { return collector_.Value("drop") == "1"; }));
  // Keep only a tiny history, drop the watch, and make more changes than it holds: the
  // watcher's version is then too old (410) and it must list again.
  sim_->Settings({{"historyLimit", 2}});
  sim_->FailNext("GET", "/namespaces/w/configmaps$", 3, 503);  // keep the watch closed a while
  sim_->DropWatches();
  ASSERT_TRUE(client_->Delete(types::ConfigMap(), "w", "drop").ok());
  ASSERT_TRUE(
      client_
          ->Patch(types::ConfigMap(), "w", "keep", PatchType::kJsonMerge, {{"data", {{"v", "2"}}}})
          .ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        client_
            ->Create(types::ConfigMap(), "w", WatchedConfigMap("noise-" + std::to_string(i), "n"))
            .ok());
  }
  ASSERT_TRUE(WaitUntil(
      [&] {
        return collector_.Value("keep") == "2" && collector_.Value("drop") == "<none>" &&
               collector_.Value("noise-4") == "n";
      },
      std::chrono::seconds(15)));
  EXPECT_GE(watcher_->lists(), 2);
  EXPECT_EQ(collector_.Duplicates(), 0);
}

TEST_F(WatchTest, ABadSelectorIsAPermanentError) {
  Watcher w(client_, types::ConfigMap(), "w", {.label_selector = "=nonsense"});
  Status st = w.Run([](const WatchEvent&) { return true; });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(WatchTest, SingleWatchReportsExpiredVersions) {
  sim_->Settings({{"historyLimit", 2}});
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        client_->Create(types::ConfigMap(), "w", WatchedConfigMap("e" + std::to_string(i), "x"))
            .ok());
  auto end = client_->WatchOnce(types::ConfigMap(), "w", {.resource_version = "1"},
                                [](const WatchEvent&) { return true; });
  ASSERT_TRUE(end.ok()) << end.error().ToString();
  EXPECT_TRUE(end->expired);
}

}  // namespace
}  // namespace sluice::k8s
