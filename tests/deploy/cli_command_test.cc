// Command generation for the Flink client targets, data-driven: each folder of
// testdata/commands holds job.yaml, optional context.json (distribution, settings,
// request fields) and the expected argv.expected (one JSON string per line, so newlines
// inside an element stay visible), env.expected (JSON), files.expected (the SQL files, as
// JSON path -> content) and warnings.expected, or error.expected for a refused command.
// SLUICE_UPDATE_GOLDEN=1 rewrites the expected files (review the diff).
#include "deploy/cli_command.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "spec/parse.h"
#include "support/test_env.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using sluice::testing::ReadTestFile;

fs::path CasesDir() {
  return testing::SourceDir() / "tests/deploy/testdata/commands";
}

bool Updating() {
  return std::getenv("SLUICE_UPDATE_GOLDEN") != nullptr;
}

void ExpectFile(const fs::path& path, const std::string& actual) {
  if (Updating()) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; actual:\n" << actual;
  EXPECT_EQ(ReadTestFile(path), actual) << path;
}

std::vector<std::string> Cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(CasesDir()))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class CommandCase : public ::testing::TestWithParam<std::string> {};

TEST_P(CommandCase, MatchesItsExpectedFiles) {
  fs::path dir = CasesDir() / GetParam();
  auto job = spec::LoadJobSpec(ReadTestFile(dir / "job.yaml"), "job.yaml");
  ASSERT_TRUE(job.ok()) << job.error().message;
  json ctx = fs::exists(dir / "context.json") ? json::parse(ReadTestFile(dir / "context.json"))
                                              : json::object();

  DeploymentRequest req;
  req.job = *job;
  req.cluster_id = ctx.value("clusterId", job->metadata.name);
  req.spec_version = ctx.value("specVersion", "v1");
  req.restore_path = ctx.value("restorePath", "");
  req.allow_non_restored_state = ctx.value("allowNonRestoredState", false);
  req.claim_mode = ctx.value("claimMode", "");
  req.job_id = ctx.value("jobId", "");
  const json sql_set = ctx.value("sqlSet", json::object());
  for (auto& [k, v] : sql_set.items())
    req.sql_set[k] = v.get<std::string>();

  FlinkDistribution dist;
  CommandContext cc;
  if (ctx.contains("distribution")) {
    const json& d = ctx["distribution"];
    dist.name = d.value("name", "");
    dist.home = d.value("home", "/opt/flink");
    dist.version = d.value("version", "1.20.1");
    dist.release = *flink::FlinkRelease::Parse(dist.version);
    dist.java_home = d.value("javaHome", "");
    cc.distribution = &dist;
  }
  CliTarget target;
  target.work_dir = ctx.value("workDir", "/var/lib/sluice/jobs");
  if (ctx.contains("yarn")) {
    const json& y = ctx["yarn"];
    YarnSettings ys;
    ys.hadoop_conf_dir = y.value("hadoopConfDir", "");
    ys.hadoop_classpath = y.value("hadoopClasspath", "");
    ys.queue = y.value("queue", "");
    ys.kerberos.principal = y.value("principal", "");
    ys.kerberos.keytab = y.value("keytab", "");
    ys.kerberos.krb5_conf = y.value("krb5Conf", "");
    ys.kerberos.ticket_cache = y.value("ticketCache", "");
    target.yarn = ys;
  }
  if (ctx.contains("remoteUrl")) target.remote = RemoteSettings{.rest_url = ctx["remoteUrl"]};
  const json env = ctx.value("env", json::object());
  for (auto& [k, v] : env.items())
    target.env[k] = v.get<std::string>();
  cc.target = &target;
  cc.runner_jar = "/usr/lib/sluice/sluice-runner.jar";
  cc.base_env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}};

  spec::Target t = job->spec.target.value_or(spec::Target::kLocal);
  auto cmd = BuildCliCommand(req, t, cc);
  if (fs::exists(dir / "error.expected") || (!cmd.ok() && Updating())) {
    ASSERT_FALSE(cmd.ok()) << "expected an error";
    std::string text = cmd.error().message;
    if (!cmd.error().where.empty()) text += "\nwhere: " + cmd.error().where;
    if (!cmd.error().hint.empty()) text += "\nhint: " + cmd.error().hint;
    ExpectFile(dir / "error.expected", text + "\n");
    return;
  }
  ASSERT_TRUE(cmd.ok()) << cmd.error().message;
  std::string argv;
  for (const auto& a : cmd->argv)
    argv += json(a).dump() + "\n";
  ExpectFile(dir / "argv.expected", argv);
  ExpectFile(dir / "env.expected", json(cmd->env).dump(2) + "\n");
  json files = json::object();
  for (const auto& [p, content] : cmd->files)
    files[p.string()] = content;
  if (!cmd->client_config.empty()) files["client-config"] = cmd->client_config;
  ExpectFile(dir / "files.expected", files.dump(2) + "\n");
  std::string warnings;
  for (const auto& w : cmd->warnings)
    warnings += w + "\n";
  ExpectFile(dir / "warnings.expected", warnings);

  // Rendered for people: the same argv, secrets masked in the environment.
  Rendered r = RenderedFor(*cmd);
  EXPECT_EQ(r.argv, cmd->argv);
  for (const auto& [k, v] : r.env) {
    if (k.find("SECRET") != std::string::npos) {
      EXPECT_EQ(v, "******") << k;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Commands, CommandCase, ::testing::ValuesIn(Cases()), [](const auto& info) {
  std::string n = info.param;
  for (char& c : n)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
});

TEST(CliCommandTest, JobIdsAreFixedAndDerivedDeterministically) {
  DeploymentRequest a;
  a.cluster_id = "orders";
  a.spec_version = "v1";
  std::string id = JobIdFor(a);
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  EXPECT_EQ(JobIdFor(a), id);
  DeploymentRequest b = a;
  b.restore_path = "hdfs:///sp/savepoint-1";
  EXPECT_NE(JobIdFor(b), id);
  b.job_id = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(JobIdFor(b), b.job_id);
  uint16_t port = LocalRestPort(id);
  EXPECT_GE(port, 20000);
  EXPECT_LT(port, 40000);
}

}  // namespace
}  // namespace sluice::deploy
