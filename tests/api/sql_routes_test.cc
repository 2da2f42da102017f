// /api/v1/sql/*: the answers are the objects `sluice sql check|lineage --json` print, for
// every case script of the analyzer's own tests; limits, versions and access.
#include <filesystem>

#include "api_fixture.h"
#include "common/fs.h"
#include "sql/analyzer.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// The analyzer's case scripts (tests/sql/cases/<group>/*.sql) and their Flink versions.
std::vector<std::pair<std::string, std::string>> CaseScripts(const std::string& group) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e :
       fs::directory_iterator(sluice::testing::SourceDir() / "tests/sql/cases" / group)) {
    if (e.path().extension() != ".sql") continue;
    fs::path expect = e.path();
    expect.replace_extension(".expect.json");
    std::string version;
    if (fs::exists(expect)) {
      json j = json::parse(ReadFile(expect).value());
      version = j.value("version", "");
    }
    out.emplace_back(ReadFile(e.path()).value(), version);
  }
  return out;
}

class SqlRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("vera");
    AddMember("data", "vera", "viewer");
    viewer_ = TokenFor("vera");
  }

  static json Body(const std::string& script, const std::string& version = "") {
    json b = {{"sql", script}};
    if (!version.empty()) b["flinkVersion"] = version;
    return b;
  }

  static sql::Options OptionsFor(const std::string& version) {
    sql::Options o;
    if (!version.empty()) o.version = *sql::ParseFlinkVersion(version);
    return o;
  }

  std::string viewer_;
};

TEST_F(SqlRoutesTest, CheckAnswersWhatTheCliPrints) {
  auto cases = CaseScripts("check");
  ASSERT_GE(cases.size(), 3u);
  bool saw_error = false;
  for (const auto& [script, version] : cases) {
    Reply r = Call("POST", "/api/v1/sql/check", viewer_, Body(script, version));
    ASSERT_EQ(r.status, 200) << r.body;
    sql::CheckResult expected = sql::Check(script, OptionsFor(version));
    EXPECT_EQ(r.json(), sql::CheckJson(expected)) << script;
    saw_error |= !expected.ok();
  }
  EXPECT_TRUE(saw_error) << "the cases include a script with errors";
}

TEST_F(SqlRoutesTest, LineageAnswersWhatTheCliPrints) {
  for (const auto& group : {"lineage", "check"}) {
    for (const auto& [script, version] : CaseScripts(group)) {
      Reply r = Call("POST", "/api/v1/sql/lineage", viewer_, Body(script, version));
      ASSERT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.json(), sql::LineageJson(sql::Check(script, OptionsFor(version))));
    }
  }
  // Secret options are masked as the CLI masks them.
  auto script = CaseScripts("lineage").at(0).first;
  Reply r = Call("POST", "/api/v1/sql/lineage", viewer_, Body(script));
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
}

TEST_F(SqlRoutesTest, FormatAnswersTheFormattedScriptOr422) {
  for (const auto& [script, version] : CaseScripts("lineage")) {
    Reply r = Call("POST", "/api/v1/sql/format", viewer_, Body(script));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()["sql"], sql::Format(script).value());
  }
  Reply bad = Call("POST", "/api/v1/sql/format", viewer_, Body("SELEC 1 FROM;"));
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.json()["error"]["message"].get<std::string>().find("does not parse"),
            std::string::npos);
  EXPECT_NE(bad.json()["error"]["details"]["where"].get<std::string>().find("line 1"),
            std::string::npos);
}

TEST_F(SqlRoutesTest, UnknownFlinkVersionIs422WithTheKnownOnes) {
  Reply r = Call("POST", "/api/v1/sql/check", viewer_, Body("SELECT 1;", "1.2"));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["where"], "flinkVersion");
  EXPECT_NE(r.body.find("2.4"), std::string::npos) << r.body;
}

TEST_F(SqlRoutesTest, BodiesOverTheLimitAre413) {
  Reply r = Call("POST", "/api/v1/sql/check", viewer_, Body(std::string(3u << 20, ' ')));
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(r.ErrorCode(), "payload_too_large");
}

// sql:use is every role's, viewers' included (docs/api.md); not a teamless user's, nor a
// token's scoped without it.
TEST_F(SqlRoutesTest, ViewersMayUseItAndSuccessIsNotAudited) {
  Reply anonymous = Call("POST", "/api/v1/sql/check", "", Body("SELECT 1;"));
  EXPECT_EQ(anonymous.status, 401);
  Reply viewer = Call("POST", "/api/v1/sql/check", viewer_, Body("SELECT 1;"));
  EXPECT_EQ(viewer.status, 200) << viewer.body;
  Reply scoped =
      Call("POST", "/api/v1/sql/check", TokenFor("vera", R"(["sql:use"])"), Body("SELECT 2;"));
  EXPECT_EQ(scoped.status, 200) << scoped.body;
  Reply unscoped =
      Call("POST", "/api/v1/sql/check", TokenFor("vera", R"(["jobs:read"])"), Body("SELECT 1;"));
  EXPECT_EQ(unscoped.status, 403) << unscoped.body;
  CreateUser("nobody");  // in no team
  Reply outsider = Call("POST", "/api/v1/sql/check", TokenFor("nobody"), Body("SELECT 1;"));
  EXPECT_EQ(outsider.status, 403) << outsider.body;
  EXPECT_TRUE(Audit({.action = "sql.check", .result = "success"}).empty());
  EXPECT_EQ(Audit({.action = "sql.check", .result = "denied"}).size(), 3u);
}

// Answers are kept per script and Flink version: the same script answers the same, a
// different version is analyzed on its own.
TEST_F(SqlRoutesTest, RepeatedChecksAnswerTheSame) {
  std::string script =
      "CREATE TABLE t (id BIGINT) WITH ('connector' = 'datagen');\nSELECT * FROM t;";
  Reply first = Call("POST", "/api/v1/sql/check", viewer_, Body(script, "1.20"));
  Reply again = Call("POST", "/api/v1/sql/check", viewer_, Body(script, "1.20"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("Content-Type"), "application/json");
  EXPECT_EQ(Call("POST", "/api/v1/sql/check", viewer_, Body(script, "9.9")).status, 422);
  EXPECT_EQ(Call("POST", "/api/v1/sql/format", viewer_, Body("SELEC 1 FROM;")).status, 422);
  EXPECT_EQ(Call("POST", "/api/v1/sql/format", viewer_, Body("SELEC 1 FROM;")).status, 422);
}

}  // namespace
}  // namespace sluice::api::testing
