// The JobManager REST client against sluice-sim's JobManagers: a standalone session
// cluster (jar upload and run, savepoints, stop, restore, cancel) and a Flink 2.2
// application cluster (exceptions, failed savepoints). Every request body is checked
// against the REST spec of the cluster's version.
#include "flink/rest_client.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "k8s/encoding.h"
#include "k8s/sim_process.h"
#include "rest_spec.h"

namespace sluice::flink {
namespace {

using nlohmann::json;
using sluice::testing::SourceDir;
using sluice::testing::WaitUntil;
using testing::CheckRequest;
using testing::RecordingTransport;

UrlTransportOptions Fast() {
  UrlTransportOptions o;
  o.timeout = std::chrono::seconds(5);
  o.retry.initial_backoff = std::chrono::milliseconds(10);
  o.retry.max_backoff = std::chrono::milliseconds(100);
  return o;
}

void ExpectRequestsMatchTheSpec(const RecordingTransport& rec, const std::string& version) {
  ASSERT_FALSE(rec.requests().empty());
  for (const auto& r : rec.requests()) {
    for (const auto& problem : CheckRequest(version, r.method, r.path, r.body))
      ADD_FAILURE() << problem << "\n  body: " << r.body;
  }
}

bool JobIs(RestClient& jm, const std::string& id, const std::string& state) {
  auto j = jm.Job(id);
  return j.ok() && j->summary.state == state;
}

class RestClientTest : public sluice::testing::SimProcessSuite {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(SimProcessSuite::SetUp());
    sim_->ClearFaults();
  }
  static std::string Standalone() {
    json r = sim_->Admin("POST", "/sim/v1/standalone", {{"listen", "127.0.0.1:0"}});
    return r.value("url", "");
  }
};

TEST_F(RestClientTest, SessionClusterJobLifecycle) {
  std::string url = Standalone();
  ASSERT_FALSE(url.empty());
  RecordingTransport rec(UrlTransport(url, Fast()));
  RestClient jm(rec.transport(), {1, 20});

  auto overview = jm.Overview();
  ASSERT_TRUE(overview.ok()) << overview.error().ToString();
  EXPECT_TRUE(overview->flink_version.starts_with("1.20")) << overview->flink_version;
  auto dashboard = jm.DashboardConfig();
  ASSERT_TRUE(dashboard.ok());
  EXPECT_TRUE(dashboard->contains("flink-version"));

  auto jar = jm.UploadJar("top-speed.jar", std::string(2048, 'x'));
  ASSERT_TRUE(jar.ok()) << jar.error().ToString();
  EXPECT_TRUE(jar->id.ends_with("_top-speed.jar")) << jar->id;
  EXPECT_TRUE(jar->path.ends_with("/" + jar->id)) << jar->path;

  std::string job_id = RestClient::NewId();
  JarRunRequest run{
      .jar_id = jar->id,
      .entry_class = "org.apache.flink.streaming.examples.windowing.TopSpeedWindowing",
      .args = {"--output", "a path with spaces", "it's"},
      .parallelism = 2,
      .job_id = job_id};
  auto started = jm.RunJar(run);
  ASSERT_TRUE(started.ok()) << started.error().ToString();
  EXPECT_EQ(*started, job_id);
  ASSERT_TRUE(WaitUntil([&] { return JobIs(jm, job_id, "RUNNING"); }));

  auto jobs = jm.JobsOverview();
  ASSERT_TRUE(jobs.ok());
  ASSERT_FALSE(jobs->empty());
  EXPECT_EQ(jobs->back().id, job_id);
  auto details = jm.Job(job_id);
  ASSERT_TRUE(details.ok());
  EXPECT_TRUE(details->timestamps.count("RUNNING"));
  EXPECT_FALSE(details->vertices.empty());

  // A savepoint with the caller's trigger id; asking again is the same request.
  std::string trigger = RestClient::NewId();
  auto t1 =
      jm.TriggerSavepoint(job_id, {.target_directory = "file:///tmp/sp", .trigger_id = trigger});
  auto t2 =
      jm.TriggerSavepoint(job_id, {.target_directory = "file:///tmp/sp", .trigger_id = trigger});
  ASSERT_TRUE(t1.ok() && t2.ok());
  EXPECT_EQ(*t1, trigger);
  EXPECT_EQ(*t2, trigger);
  auto done =
      jm.WaitForSavepoint(job_id, trigger, std::chrono::seconds(10), std::chrono::milliseconds(20));
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  ASSERT_TRUE(done->ok()) << done->failure;
  EXPECT_NE(done->location.find("/tmp/sp/savepoint-"), std::string::npos) << done->location;
  auto stats = jm.CheckpointStats(job_id);
  ASSERT_TRUE(stats.ok());
  ASSERT_TRUE(stats->latest_savepoint.has_value());
  EXPECT_EQ(stats->latest_savepoint->external_path, done->location);
  // Its size is in the history (the savepoint status has none).
  bool sized = false;
  for (const auto& h : stats->history)
    sized |= h.is_savepoint && h.external_path == done->location && h.state_size > 0;
  EXPECT_TRUE(sized);

  // Disposal: Flink deletes it; asked again, the files are gone.
  auto dispose = [&](const std::string& path) -> OperationStatus {
    auto id = jm.DisposeSavepoint(path);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    if (!id.ok()) return {};
    OperationStatus s;
    EXPECT_TRUE(WaitUntil([&] {
      auto st = jm.DisposalStatus(*id);
      if (st.ok()) s = *st;
      return st.ok() && st->completed;
    }));
    return s;
  };
  OperationStatus disposed = dispose(done->location);
  EXPECT_TRUE(disposed.ok()) << disposed.failure;
  OperationStatus again = dispose(done->location);
  EXPECT_TRUE(again.completed);
  EXPECT_NE(again.failure.find("FileNotFoundException"), std::string::npos) << again.failure;

  // Stop with savepoint, then start again from it.
  std::string stop_trigger = RestClient::NewId();
  auto stop = jm.StopWithSavepoint(
      job_id, {.target_directory = "file:///tmp/sp", .trigger_id = stop_trigger});
  ASSERT_TRUE(stop.ok()) << stop.error().ToString();
  auto stopped = jm.WaitForSavepoint(job_id, stop_trigger, std::chrono::seconds(10),
                                     std::chrono::milliseconds(20));
  ASSERT_TRUE(stopped.ok() && stopped->ok());
  ASSERT_TRUE(WaitUntil([&] { return JobIs(jm, job_id, "FINISHED"); }));

  std::string second = RestClient::NewId();
  run.job_id = second;
  run.savepoint_path = stopped->location;
  run.claim_mode = "NO_CLAIM";
  auto restarted = jm.RunJar(run);
  ASSERT_TRUE(restarted.ok()) << restarted.error().ToString();
  ASSERT_TRUE(WaitUntil([&] { return JobIs(jm, second, "RUNNING"); }));
  auto restored = jm.CheckpointStats(second);
  ASSERT_TRUE(restored.ok());
  ASSERT_TRUE(restored->restored_from.has_value());
  EXPECT_EQ(restored->restored_from->external_path, stopped->location);

  ASSERT_TRUE(jm.Cancel(second).ok());
  ASSERT_TRUE(WaitUntil([&] { return JobIs(jm, second, "CANCELED"); }));
  EXPECT_TRUE(jm.DeleteJar(jar->id).ok());

  auto missing = jm.Job("00000000000000000000000000000000");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("job 00000000000000000000000000000000: "),
            std::string::npos);

  auto bad = jm.TriggerSavepoint(second, {.trigger_id = "not-hex"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);

  ExpectRequestsMatchTheSpec(rec, "1.20");
  EXPECT_TRUE(jm.ShutdownCluster().ok());
}

TEST_F(RestClientTest, FailuresOfTheJobManagerAndOfTheWayThere) {
  std::string url = Standalone();
  RestClient jm(UrlTransport(url, Fast()), {1, 20});
  // Retried: reads are idempotent.
  sim_->FailNext("GET", "^/overview$", 2, 503);
  EXPECT_TRUE(jm.Overview().ok());
  // Not retried: an upload would make a second jar.
  sim_->FailNext("POST", "^/jars/upload$", 1, 500, "disk full");
  auto up = jm.UploadJar("a.jar", "x");
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.error().code, ErrorCode::kUnavailable);

  RestClient nowhere(UrlTransport("http://127.0.0.1:1", {.timeout = std::chrono::seconds(1),
                                                         .retry = {.max_attempts = 1}}),
                     {1, 20});
  auto r = nowhere.Overview();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(r.error().message.find("cluster overview"), std::string::npos);

  auto run = jm.RunJar({.jar_id = "no-such_jar.jar"});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(run.error().message.find("does not exist"), std::string::npos) << run.error().message;
}

TEST_F(RestClientTest, ApplicationClusterOfFlink22) {
  auto client = sim_->NewClient();
  auto docs =
      k8s::YamlDocumentsToJson(*ReadFile(SourceDir() / "tests/flink/testdata/app-2.2.yaml"));
  ASSERT_TRUE(docs.ok());
  for (const auto& o : *docs) {
    auto t = client->ResolveKind(o["apiVersion"].get<std::string>(), o["kind"].get<std::string>());
    ASSERT_TRUE(t.ok());
    auto r = client->Create(*t, o["metadata"].value("namespace", ""), o);
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  std::string url;
  ASSERT_TRUE(WaitUntil(
      [&] {
        int status = 0;
        json r =
            sim_->Admin("POST", "/sim/v1/flink/flink-test/app22/listen", json::object(), &status);
        if (status != 200) return false;
        url = r.value("url", "");
        return true;
      },
      std::chrono::seconds(15)));
  RecordingTransport rec(UrlTransport(url, Fast()));
  RestClient jm(rec.transport(), {2, 2});
  const std::string job = "00000000000000000000000000000022";
  ASSERT_TRUE(WaitUntil([&] { return JobIs(jm, job, "RUNNING"); }, std::chrono::seconds(15)));
  auto overview = jm.Overview();
  ASSERT_TRUE(overview.ok());
  EXPECT_TRUE(overview->flink_version.starts_with("2.2")) << overview->flink_version;
  auto config = jm.JobManagerConfig();
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["kubernetes.cluster-id"], "app22");

  sim_->Admin("POST", "/sim/v1/flink/flink-test/app22/fail-savepoints", {{"count", 1}});
  std::string trigger = RestClient::NewId();
  ASSERT_TRUE(jm.TriggerSavepoint(job, {.trigger_id = trigger}).ok());
  auto failed =
      jm.WaitForSavepoint(job, trigger, std::chrono::seconds(10), std::chrono::milliseconds(20));
  ASSERT_TRUE(failed.ok()) << failed.error().ToString();
  EXPECT_TRUE(failed->completed);
  EXPECT_FALSE(failed->failure.empty());

  sim_->Admin("POST", "/sim/v1/flink/flink-test/app22/fail-job",
              {{"exception", "java.lang.RuntimeException: the sink is gone"}});
  ASSERT_TRUE(WaitUntil([&] {
    auto e = jm.Exceptions(job);
    return e.ok() && !e->history.empty();
  }));
  auto ex = jm.Exceptions(job);
  ASSERT_TRUE(ex.ok());
  EXPECT_NE(ex->history[0].exception_name.find("RuntimeException"), std::string::npos)
      << ex->history[0].exception_name;
  ExpectRequestsMatchTheSpec(rec, "2.2");
}

TEST(RestBodies, FollowTheVersionsSpec) {
  for (const auto& [version, release] : std::vector<std::pair<std::string, FlinkRelease>>{
           {"1.17", {1, 17}}, {"1.20", {1, 20}}, {"2.2", {2, 2}}}) {
    RestClient jm(nullptr, release);
    JarRunRequest run{.jar_id = "x.jar",
                      .entry_class = "a.B",
                      .args = {"--k", "v w"},
                      .parallelism = 3,
                      .job_id = RestClient::NewId(),
                      .savepoint_path = "s3://b/sp-1",
                      .allow_non_restored_state = true,
                      .claim_mode = "CLAIM",
                      .flink_configuration = {{"a", "b"}}};
    json body = jm.JarRunBody(run);
    EXPECT_FALSE(body.contains("programArgs")) << version;
    EXPECT_EQ(body["programArgsList"], json({"--k", "v w"}));
    EXPECT_EQ(body.contains("claimMode"), release.AtLeast(1, 20)) << version;
    EXPECT_EQ(body.contains("restoreMode"), !release.AtLeast(1, 20)) << version;
    for (const auto& p : CheckRequest(version, "POST", "/jars/x.jar/run", body.dump()))
      ADD_FAILURE() << version << ": " << p;
    json sp = jm.SavepointBody({.target_directory = "s3://b",
                                .format = SavepointFormat::kNative,
                                .trigger_id = RestClient::NewId()});
    for (const auto& p : CheckRequest(version, "POST", "/jobs/abc/savepoints", sp.dump()))
      ADD_FAILURE() << version << ": " << p;
    json stop = jm.StopBody(
        {.target_directory = "s3://b", .drain = true, .trigger_id = RestClient::NewId()});
    EXPECT_TRUE(stop.contains("targetDirectory"));
    for (const auto& p : CheckRequest(version, "POST", "/jobs/abc/stop", stop.dump()))
      ADD_FAILURE() << version << ": " << p;
  }
}

TEST(RestBodies, VersionsAndRestoreKeys) {
  EXPECT_EQ(FlinkRelease::Parse("1.20.1")->minor, 20);
  EXPECT_EQ(FlinkRelease::Parse("v2_2")->major, 2);
  EXPECT_FALSE(FlinkRelease::Parse("latest").ok());
  EXPECT_EQ(FlinkRelease::Parse("1.17-SNAPSHOT")->minor, 17);
  EXPECT_EQ(FlinkRelease::Parse(" 2.2.1 ")->minor, 2);
  EXPECT_FALSE(FlinkRelease::Parse("1").ok());
  EXPECT_FALSE(FlinkRelease::Parse("1.x").ok());
  EXPECT_FALSE(FlinkRelease::Parse("1.20.").ok());
  EXPECT_FALSE(FlinkRelease::Parse("1.20rc1").ok());
  EXPECT_EQ(RestoreKeysFor({1, 19}).path, "execution.savepoint.path");
  EXPECT_EQ(RestoreKeysFor({1, 19}).claim_mode, "execution.savepoint-restore-mode");
  EXPECT_EQ(RestoreKeysFor({1, 20}).path, "execution.state-recovery.path");
  EXPECT_EQ(RestoreKeysFor({2, 2}).claim_mode, "execution.state-recovery.claim-mode");
  EXPECT_TRUE(RestClient::IsId(RestClient::NewId()));
  EXPECT_FALSE(RestClient::IsId("xyz"));
}

}  // namespace
}  // namespace sluice::flink
