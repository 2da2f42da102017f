// The YARN, remote and local deployers against sluice-sim (in process): its YARN
// ResourceManager, standalone JobManagers and the fake `flink` CLI (sluice-sim-flink) in
// a fake FLINK_HOME. Real processes, no in-test fakes.
#include "deploy/cli_deployers.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/fs.h"
#include "deploy/cli_command.h"
#include "deploy/flink_dist.h"
#include "flink/rest_client.h"
#include "sim/test_support.h"
#include "sim/yarn.h"
#include "spec/parse.h"
#include "support/test_env.h"
#include "yarn/rm_client.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sim::testing::Eventually;
using sluice::testing::ReadTestFile;
using std::chrono::milliseconds;
using std::chrono::seconds;

fs::path Testdata(const std::string& name) {
  return testing::SourceDir() / "tests/deploy/testdata" / name;
}

bool Dead(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::string stat = ReadTestFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
}

class CliDeployersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim::SimOptions o = sim::testing::FastOptions();
    o.yarn_listen = "127.0.0.1:0";
    sim_ = sim::testing::StartSim(o);
    ASSERT_TRUE(WriteFileAtomic(tmp_.path() / "ca.pem", sim_->pki().ca.cert_pem).ok());
    home_ = MakeHome("flink-1.20.1", "1.20.1", std::getenv("SLUICE_SIM_FLINK_BIN"));
    versions_ = std::make_shared<FlinkVersions>();
    auto d = versions_->Register({.home = home_, .java_home = Testdata("java/17")});
    ASSERT_TRUE(d.ok()) << d.error().ToString();
    jar_ = (tmp_.path() / "job.jar").string();
    std::ofstream(jar_) << "PK fake job jar";
    runner_ = tmp_.path() / "sluice-runner.jar";
    std::ofstream(runner_) << "PK fake runner jar";
    argv_file_ = (tmp_.path() / "argv.txt").string();
  }

  fs::path MakeHome(const std::string& dir, const std::string& version, const char* flink_bin) {
    fs::path home = tmp_.path() / dir;
    fs::create_directories(home / "bin");
    fs::create_directories(home / "lib");
    fs::create_directories(home / "conf");
    EXPECT_NE(flink_bin, nullptr) << "SLUICE_SIM_FLINK_BIN is not set (CTest sets it)";
    if (flink_bin) fs::copy_file(flink_bin, home / "bin/flink");
    std::ofstream(home / "lib" / ("flink-dist-" + version + ".jar")) << "PK";
    fs::copy_file(testing::ReferenceDir() / "flink-dist-conf/flink-1.20.4/config.yaml",
                  home / "conf/config.yaml");
    json conf = {{"admin", sim_->url()},
                 {"token", sim_->token()},
                 {"caFile", (tmp_.path() / "ca.pem").string()}};
    EXPECT_TRUE(WriteFileAtomic(home / "conf/sluice-sim.json", conf.dump()).ok());
    return home;
  }

  std::shared_ptr<CliTarget> Settings() {
    auto t = std::make_shared<CliTarget>();
    t->versions = versions_;
    t->work_dir = tmp_.path() / "jobs";
    t->runner_jar = runner_;
    t->yarn = YarnSettings{.resource_managers = {sim_->yarn_url()}};
    t->cli_timeout = seconds(60);
    t->kill_grace = milliseconds(500);
    t->env["SLUICE_SIM_FLINK_ARGV_FILE"] = argv_file_;
    return t;
  }

  std::unique_ptr<Deployer> NewDeployer(spec::Target target, std::shared_ptr<CliTarget> settings) {
    ClusterTarget cluster{.name = "sim", .kubernetes = std::nullopt, .cli = std::move(settings)};
    auto d = NewCliDeployer(target, cluster);
    EXPECT_TRUE(d.ok()) << d.error().ToString();
    return d.ok() ? std::move(d).value() : nullptr;
  }

  DeploymentRequest Request(const std::string& yaml) {
    auto job = spec::LoadJobSpec(yaml);
    EXPECT_TRUE(job.ok()) << job.error().message;
    DeploymentRequest r;
    r.job = *job;
    r.cluster_id = job->metadata.name;
    r.spec_version = "v1";
    return r;
  }

  std::string JarJob(const std::string& name, const std::string& target,
                     const std::string& extra = "", int parallelism = 2) {
    return "apiVersion: sluice.dev/v1\nkind: FlinkJob\nmetadata:\n  name: " + name +
           "\nspec:\n  flinkVersion: \"1.20\"\n  target: " + target +
           "\n  jar:\n    jarURI: file://" + jar_ +
           "\n    entryClass: com.acme.Main\n    args: [\"--window\", \"30 s\"]\n  parallelism: " +
           std::to_string(parallelism) + "\n" + extra;
  }
  std::string SqlJob(const std::string& name, const std::string& target,
                     const std::string& extra = "") {
    return "apiVersion: sluice.dev/v1\nkind: FlinkJob\nmetadata:\n  name: " + name +
           "\nspec:\n  flinkVersion: \"1.20\"\n  target: " + target + "\n" + extra +
           "  sql: |\n"
           "    CREATE TABLE a (id BIGINT) WITH ('connector' = 'datagen');\n"
           "    CREATE TABLE b (id BIGINT) WITH ('connector' = 'blackhole');\n"
           "    INSERT INTO b SELECT id FROM a;\n";
  }

  bool WaitForPhase(Deployer& d, const DeploymentRequest& r, const std::string& phase,
                    Observation* out = nullptr) {
    Observation last;
    bool ok = Eventually(
        [&] {
          auto o = d.Observe(r);
          if (!o.ok()) return false;
          last = *o;
          return o->phase == phase;
        },
        seconds(30));
    if (out) *out = last;
    if (!ok)
      ADD_FAILURE() << "phase " << last.phase << " (" << last.reason << "), wanted " << phase;
    return ok;
  }

  OperationResult WaitFor(Deployer& d, const DeploymentRequest& r, const Operation& op) {
    OperationResult result;
    std::string last_error;
    EXPECT_TRUE(Eventually(
        [&] {
          auto p = d.Poll(r, op);
          if (!p.ok()) {
            last_error = p.error().ToString();
            return false;
          }
          result = *p;
          return p->completed;
        },
        seconds(30)))
        << op.kind << " " << op.trigger_id << " of job " << op.job_id << ": " << last_error;
    return result;
  }

  std::vector<std::string> RecordedArgv() {
    std::vector<std::string> seen;
    std::ifstream in(argv_file_);
    for (std::string line; std::getline(in, line);)
      seen.push_back(json::parse(line).get<std::string>());
    return seen;
  }

  // Submit, RUNNING, savepoint, stop with savepoint, restart from it: returns the
  // restarted request.
  DeploymentRequest Lifecycle(Deployer& d, DeploymentRequest r) {
    auto sub = d.Submit(r);
    EXPECT_TRUE(sub.ok()) << sub.error().ToString();
    if (!sub.ok()) return r;
    EXPECT_FALSE(sub->existed);
    EXPECT_FALSE(sub->web_interface_url.empty());
    Observation o;
    if (!WaitForPhase(d, r, "RUNNING", &o)) return r;
    EXPECT_EQ(o.job_state, "RUNNING");
    EXPECT_EQ(o.job_id, JobIdFor(r));
    auto again = d.Submit(r);
    EXPECT_TRUE(again.ok() && again->existed);

    SavepointOptions sp{.directory = "hdfs:///savepoints/" + r.cluster_id,
                        .trigger_id = "0123456789abcdef0123456789abcdef"};
    auto op = d.TriggerSavepoint(r, sp);
    EXPECT_TRUE(op.ok()) << op.error().ToString();
    if (!op.ok()) return r;
    EXPECT_EQ(op->trigger_id, sp.trigger_id);
    OperationResult saved = WaitFor(d, r, *op);
    EXPECT_TRUE(saved.ok()) << saved.failure;
    EXPECT_TRUE(saved.location.starts_with(sp.directory + "/savepoint-")) << saved.location;

    sp.trigger_id = "fedcba9876543210fedcba9876543210";
    auto stop = d.Suspend(r, sp);
    EXPECT_TRUE(stop.ok()) << stop.error().ToString();
    if (!stop.ok()) return r;
    OperationResult stopped = WaitFor(d, r, *stop);
    EXPECT_TRUE(stopped.ok()) << stopped.failure;
    EXPECT_TRUE(stopped.location.starts_with(sp.directory + "/savepoint-")) << stopped.location;
    WaitForPhase(d, r, "ABSENT");

    DeploymentRequest next = r;
    next.restore_path = stopped.location;
    EXPECT_NE(JobIdFor(next), JobIdFor(r));  // a new job, from the savepoint
    auto resub = d.Submit(next);
    EXPECT_TRUE(resub.ok()) << resub.error().ToString();
    if (resub.ok()) {
      EXPECT_FALSE(resub->existed);
    }
    WaitForPhase(d, next, "RUNNING", &o);
    restored_from_ = stopped.location;
    rest_url_ = o.web_interface_url;
    return next;
  }

  // Where the job of `r` (reached at rest_url_) was restored from.
  std::string RestoredFrom(const DeploymentRequest& r) {
    std::string url = rest_url_;
    while (!url.empty() && url.back() == '/')
      url.pop_back();
    flink::RestClient rest(flink::UrlTransport(url), {1, 20});
    auto stats = rest.CheckpointStats(JobIdFor(r));
    if (!stats.ok() || !stats->restored_from) return "";
    return stats->restored_from->external_path;
  }

  testing::TempDir tmp_;
  std::unique_ptr<sim::Simulator> sim_;
  fs::path home_, runner_;
  std::shared_ptr<FlinkVersions> versions_;
  std::string jar_, argv_file_, restored_from_, rest_url_;
};

TEST_F(CliDeployersTest, FactoryChecksTheSettings) {
  ClusterTarget empty{.name = "c"};
  EXPECT_EQ(NewCliDeployer(spec::Target::kYarnApplication, empty).error().code,
            ErrorCode::kInvalidArgument);
  ClusterTarget no_rm{.name = "c", .cli = std::make_shared<CliTarget>()};
  auto e = NewCliDeployer(spec::Target::kYarnApplication, no_rm);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("ResourceManager"), std::string::npos);
  EXPECT_NE(NewCliDeployer(spec::Target::kRemote, no_rm).error().message.find("REST URL"),
            std::string::npos);
  EXPECT_EQ(NewCliDeployer(spec::Target::kKubernetesApplication, no_rm).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(IsCliTarget(spec::Target::kLocal));
  // Rendering needs no cluster.
  auto r = Request(JarJob("orders", "yarn-per-job"));
  auto rendered = RenderCliTarget(r, spec::Target::kYarnPerJob, nullptr);
  ASSERT_TRUE(rendered.ok()) << rendered.error().ToString();
  EXPECT_EQ(rendered->argv.at(0), "flink");
  EXPECT_EQ(rendered->argv.back(), "30 s");
  EXPECT_FALSE(rendered->warnings.empty());
  auto with_home = RenderCliTarget(r, spec::Target::kYarnPerJob, Settings().get());
  ASSERT_TRUE(with_home.ok());
  EXPECT_EQ(with_home->argv.at(0), (home_ / "bin/flink").string());
  EXPECT_EQ(with_home->env.at("FLINK_HOME"), home_.string());
  EXPECT_FALSE(IsCliTarget(spec::Target::kOperator));
}

TEST_F(CliDeployersTest, YarnApplicationJarJob) {
  auto d = NewDeployer(spec::Target::kYarnApplication, Settings());
  ASSERT_NE(d, nullptr);
  auto r = Request(JarJob("orders", "yarn-application"));
  auto rendered = d->Render(r);
  ASSERT_TRUE(rendered.ok()) << rendered.error().ToString();
  EXPECT_EQ(rendered->argv.at(0), (home_ / "bin/flink").string());
  EXPECT_EQ(rendered->argv.at(1), "run-application");
  DeploymentRequest next = Lifecycle(*d, r);
  EXPECT_EQ(RestoredFrom(next), restored_from_);
  // The client ran with the rendered argv, and its output is in the job's log.
  std::vector<std::string> argv = RecordedArgv();  // both runs, one after the other
  auto render_next = d->Render(next);
  ASSERT_TRUE(render_next.ok());
  ASSERT_GE(argv.size(), render_next->argv.size());
  EXPECT_EQ(std::vector<std::string>(argv.end() - static_cast<long>(render_next->argv.size()),
                                     argv.end()),
            render_next->argv);
  std::string log = ReadTestFile(tmp_.path() / "jobs/orders/log/client.log");
  EXPECT_NE(log.find("Submitted application application_"), std::string::npos) << log;

  ASSERT_TRUE(d->Delete(next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, next, "ABSENT");
  yarn::ResourceManagerClient rm({.urls = {sim_->yarn_url()}});
  auto apps = rm.ListApplications({.states = {"RUNNING"}});
  ASSERT_TRUE(apps.ok());
  EXPECT_TRUE(apps->empty());
}

TEST_F(CliDeployersTest, YarnApplicationSqlJob) {
  auto d = NewDeployer(spec::Target::kYarnApplication, Settings());
  ASSERT_NE(d, nullptr);
  auto r = Request(SqlJob("enrich", "yarn-application"));
  DeploymentRequest next = Lifecycle(*d, r);
  std::vector<std::string> argv = RecordedArgv();
  ASSERT_GE(argv.size(), 3u);
  EXPECT_EQ(argv[argv.size() - 3], runner_.string());
  EXPECT_EQ(argv[argv.size() - 2], "--statements");
  EXPECT_EQ(argv.back(), "sluice-statements");
  std::string statements = ReadTestFile(tmp_.path() / "jobs/enrich/sql/sluice-statements");
  EXPECT_TRUE(statements.starts_with("-- sluice-statements v1\n")) << statements;
  EXPECT_NE(statements.find("INSERT INTO b SELECT id FROM a"), std::string::npos);
  ASSERT_TRUE(d->Delete(next, HaMetadata::kWipe).ok());
}

TEST_F(CliDeployersTest, YarnPerJobJarAndSqlJobs) {
  auto d = NewDeployer(spec::Target::kYarnPerJob, Settings());
  ASSERT_NE(d, nullptr);
  auto jar = Request(JarJob("clicks", "yarn-per-job"));
  DeploymentRequest next = Lifecycle(*d, jar);
  EXPECT_EQ(RestoredFrom(next), restored_from_);
  ASSERT_TRUE(d->Cancel(next).ok());
  WaitForPhase(*d, next, "ABSENT");

  auto sql = Request(SqlJob("clicks-sql", "yarn-per-job"));
  DeploymentRequest sql_next = Lifecycle(*d, sql);
  EXPECT_EQ(RestoredFrom(sql_next), restored_from_);
  ASSERT_TRUE(d->Delete(sql_next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, sql_next, "ABSENT");
}

TEST_F(CliDeployersTest, YarnSessionJarAndSqlJobs) {
  auto session = sim_->yarn()->Submit({{"mode", "session"},
                                       {"flinkVersion", "1.20"},
                                       {"config", {{"taskmanager.numberOfTaskSlots", "2"}}}});
  ASSERT_TRUE(session.ok()) << session.error().message;
  const std::string app = session->at("applicationId").get<std::string>();
  const std::string in_session = "  sessionCluster: " + app + "\n";
  auto d = NewDeployer(spec::Target::kYarnSession, Settings());
  ASSERT_NE(d, nullptr);
  auto jar = Request(JarJob("session-orders", "yarn-session", in_session));
  // While YARN has only accepted the session, submitting is refused as "try again".
  auto early = d->Submit(jar);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, ErrorCode::kUnavailable) << early.error().ToString();
  yarn::ResourceManagerClient rm({.urls = {sim_->yarn_url()}});
  ASSERT_TRUE(Eventually(
      [&] {
        auto running = rm.ListApplications({.states = {"RUNNING"}});
        return running.ok() && running->size() == 1;
      },
      seconds(30)));
  DeploymentRequest next = Lifecycle(*d, jar);
  EXPECT_EQ(RestoredFrom(next), restored_from_);

  auto sql = Request(SqlJob("session-sql", "yarn-session", in_session));
  DeploymentRequest sql_next = Lifecycle(*d, sql);
  EXPECT_EQ(RestoredFrom(sql_next), restored_from_);
  ASSERT_TRUE(d->Cancel(sql_next).ok());
  WaitForPhase(*d, sql_next, "ABSENT");
  ASSERT_TRUE(d->Delete(next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, next, "ABSENT");
  // Jobs come and go; the session stays.
  auto apps = rm.ListApplications({.states = {"RUNNING"}});
  ASSERT_TRUE(apps.ok());
  ASSERT_EQ(apps->size(), 1u);
  EXPECT_EQ(apps->at(0).id, app);
}

TEST_F(CliDeployersTest, RemoteJarAndSqlJobsOverRestOnly) {
  auto url = sim_->StartStandalone("127.0.0.1:0");
  ASSERT_TRUE(url.ok()) << url.error().message;
  auto settings = Settings();
  settings->remote = RemoteSettings{.rest_url = *url};
  settings->versions = nullptr;  // no Flink client needed
  auto d = NewDeployer(spec::Target::kRemote, settings);
  ASSERT_NE(d, nullptr);
  auto jar = Request(JarJob("remote-orders", "remote"));
  DeploymentRequest next = Lifecycle(*d, jar);
  EXPECT_EQ(RestoredFrom(next), restored_from_);
  EXPECT_FALSE(fs::exists(argv_file_));  // no CLI ran

  auto sql = Request(SqlJob("remote-sql", "remote"));
  DeploymentRequest sql_next = Lifecycle(*d, sql);
  EXPECT_EQ(RestoredFrom(sql_next), restored_from_);
  ASSERT_TRUE(d->Delete(sql_next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, sql_next, "ABSENT");
  ASSERT_TRUE(d->Delete(next, HaMetadata::kKeep).ok());
}

TEST_F(CliDeployersTest, LocalJarJob) {
  auto d = NewDeployer(spec::Target::kLocal, Settings());
  ASSERT_NE(d, nullptr);
  auto r = Request(JarJob("try-local", "local"));
  DeploymentRequest next = Lifecycle(*d, r);
  ASSERT_TRUE(d->Delete(next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, next, "ABSENT");
}

TEST_F(CliDeployersTest, LocalSqlJob) {
  auto d = NewDeployer(spec::Target::kLocal, Settings());
  ASSERT_NE(d, nullptr);
  auto r = Request(SqlJob("try-local-sql", "local"));
  DeploymentRequest next = Lifecycle(*d, r);
  EXPECT_EQ(RestoredFrom(next), restored_from_);
  ASSERT_TRUE(d->Delete(next, HaMetadata::kKeep).ok());
  WaitForPhase(*d, next, "ABSENT");
}

TEST_F(CliDeployersTest, InjectionReachesTheClientAsSingleArgvElements) {
  auto d = NewDeployer(spec::Target::kYarnPerJob, Settings());
  ASSERT_NE(d, nullptr);
  fs::path odd_jar = tmp_.path() / "my job; $(touch pwned) `id`.jar";
  fs::copy_file(jar_, odd_jar);
  std::string yaml = ReadTestFile(Testdata("injection-job.yaml"));
  size_t at = yaml.find("JAR_PATH");
  yaml.replace(at, 8, odd_jar.string());
  auto r = Request(yaml);
  auto rendered = d->Render(r);
  ASSERT_TRUE(rendered.ok()) << rendered.error().ToString();
  auto sub = d->Submit(r);
  ASSERT_TRUE(sub.ok()) << sub.error().ToString();
  std::vector<std::string> argv = RecordedArgv();
  EXPECT_EQ(argv, rendered->argv);
  for (const char* arg :
       {"a b  c", "it's \"quoted\"", "x; rm -rf /tmp/sluice-pwned; y", "$(touch /tmp/sluice-pwned)",
        "`touch /tmp/sluice-pwned`", "line 1\nline 2"}) {
    EXPECT_NE(std::find(argv.begin(), argv.end(), arg), argv.end()) << arg;
  }
  EXPECT_NE(std::find(argv.begin(), argv.end(), odd_jar.string()), argv.end());
  EXPECT_FALSE(fs::exists("/tmp/sluice-pwned"));
  EXPECT_FALSE(fs::exists("pwned"));
  ASSERT_TRUE(d->Delete(r, HaMetadata::kKeep).ok());
}

TEST_F(CliDeployersTest, AHangingClientIsKilledAtItsTimeoutWithItsProcessGroup) {
  fs::path home = MakeHome("flink-hang", "1.20.1", std::getenv("SLUICE_SIM_FLINK_BIN"));
  fs::remove(home / "bin/flink");
  fs::copy_file(Testdata("hanging-flink.sh"), home / "bin/flink");
  auto settings = Settings();
  auto hanging = std::make_shared<FlinkVersions>();
  ASSERT_TRUE(hanging->Register({.home = home, .java_home = Testdata("java/17")}).ok());
  settings->versions = hanging;
  fs::path pids = tmp_.path() / "hang-pids";
  settings->env["HANG_PIDS_FILE"] = pids.string();
  settings->cli_timeout = seconds(2);
  auto d = NewDeployer(spec::Target::kYarnApplication, settings);
  ASSERT_NE(d, nullptr);
  auto sub = d->Submit(Request(JarJob("stuck", "yarn-application")));
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().code, ErrorCode::kTimeout) << sub.error().ToString();
  EXPECT_NE(sub.error().message.find("timeout"), std::string::npos) << sub.error().message;
  EXPECT_NE(sub.error().hint.find("process group"), std::string::npos);
  std::vector<pid_t> all;
  std::ifstream in(pids);
  for (pid_t p; in >> p;)
    all.push_back(p);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(Eventually([&] { return std::all_of(all.begin(), all.end(), Dead); }, seconds(20)));
  EXPECT_NE(
      ReadTestFile(tmp_.path() / "jobs/stuck/log/client.log").find("Starting execution of program"),
      std::string::npos);
}

TEST_F(CliDeployersTest, AFailingClientGivesFlinksExceptionAndNothingRuns) {
  auto d = NewDeployer(spec::Target::kYarnPerJob, Settings());
  ASSERT_NE(d, nullptr);
  jar_ = "/nonexistent/job.jar";
  auto r = Request(JarJob("broken", "yarn-per-job"));
  auto sub = d->Submit(r);
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(sub.error().message.find("exited with status 1"), std::string::npos)
      << sub.error().message;
  EXPECT_NE(sub.error().message.find(
                "ProgramInvocationException: Could not build the program from JAR file: JAR file "
                "does not exist: /nonexistent/job.jar"),
            std::string::npos)
      << sub.error().message;
  auto o = d->Observe(r);
  ASSERT_TRUE(o.ok()) << o.error().ToString();
  EXPECT_EQ(o->phase, "ABSENT");
}

}  // namespace
}  // namespace sluice::deploy
