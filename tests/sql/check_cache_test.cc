// CheckCache (the per-statement answer cache of POST /api/v1/sql/check) must answer byte
// for byte what a whole analysis answers: over Flink's reference SQL, the analyzer's own
// cases, and edits of them (a line added on top, a character dropped, scripts joined),
// with a cache shared by all of them and two Flink versions.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sql/analyzer.h"
#include "sql/check_cache.h"
#include "support/test_env.h"

namespace sluice::sql {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Whole(std::string_view script, const Options& options) {
  return CheckJson(Check(script, options)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reference scripts, the analyzer's cases and single statements of Flink's parser tests.
std::vector<std::string> Scripts() {
  std::vector<std::string> out;
  fs::path flink = sluice::testing::ReferenceDir() / "flink-sql";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(flink)) {
    std::string ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".sql" || ext == ".q")) files.push_back(e.path());
  }
  fs::path cases = sluice::testing::SourceDir() / "tests" / "sql" / "cases";
  for (const auto& e : fs::recursive_directory_iterator(cases)) {
    if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files)
    out.push_back(ReadFile(p));
  std::string errors = ReadFile(cases / "grammar_errors.txt");
  for (size_t at = 0; at < errors.size();) {
    size_t next = errors.find("\n----\n", at);
    if (next == std::string::npos) next = errors.size();
    std::string c = errors.substr(at, next - at);
    c.erase(std::remove(c.begin(), c.end(), '^'), c.end());
    out.push_back(c);
    at = next + 6;
  }
  std::ifstream in(flink / "parser_cases.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line)["sql"].get<std::string>());
  }
  return out;
}

TEST(CheckCache, DirectJsonIsTheDump) {
  for (const std::string& s : Scripts()) {
    Options o;
    ASSERT_EQ(CheckJsonText(Check(s, o)), Whole(s, o)) << s.substr(0, 300);
  }
  // Control characters, quotes, invalid UTF-8 in text and messages.
  for (std::string s : {std::string("SELECT '\x01\"\\\t\r' FROM t;\n"),
                        std::string("SELECT '\xff\xfe' FROM t; INSERT INTO x SELECT \xc3(")}) {
    ASSERT_EQ(CheckJsonText(Check(s)), Whole(s, {})) << s;
  }
}

TEST(CheckCache, IncrementalEqualsWholeOverCorpusAndEdits) {
  const std::vector<std::string> scripts = Scripts();
  ASSERT_GT(scripts.size(), 500u);
  CheckCache cache(size_t{64} << 20);
  const Options newest;
  const Options old{.version = FlinkVersion::k1_17, .application_mode = false};
  size_t compared = 0;
  auto same = [&](const std::string& script, const Options& o) {
    ASSERT_EQ(cache.CheckJsonText(script, o), Whole(script, o)) << script.substr(0, 400);
    ++compared;
  };
  for (size_t i = 0; i < scripts.size(); ++i) {
    const std::string& s = scripts[i];
    same(s, newest);  // cold (or statements seen in other scripts)
    same(s, newest);  // warm
    same(s, old);
    same("-- an edit on top\n" + s, newest);  // every statement moved
    same("  " + s, newest);                   // same line, other columns
    if (s.size() > 2) {
      for (size_t at : {s.size() / 3, s.size() / 2, s.size() - 2}) {
        std::string dropped = s;
        dropped.erase(at, 1);
        same(dropped, newest);
      }
    }
    // Tables defined in one script, used by the next.
    if (i + 1 < scripts.size() && scripts[i + 1].size() < 20000) {
      same(s + "\n;\n" + scripts[i + 1], newest);
    }
  }
  EXPECT_GT(cache.reused(), 2000u);
  EXPECT_GT(compared, 3000u);
}

TEST(CheckCache, KeepsOnlyParsedStatementsAndStaysBounded) {
  CheckCache cache(4096);
  std::string script;
  for (int i = 0; i < 50; ++i) {
    script += "CREATE TABLE t" + std::to_string(i) +
              " (id BIGINT) WITH ('connector' = 'datagen');\nINSERT INTO t" + std::to_string(i) +
              " SELECT id FROM t" + std::to_string(i) + ";\n";
  }
  EXPECT_EQ(cache.CheckJsonText(script, {}), Whole(script, {}));
  EXPECT_LE(cache.bytes(), 4096u);
  EXPECT_GT(cache.size(), 0u);
  // Warm: an edit on top moves every statement, none is analyzed again.
  CheckCache warm(1 << 20);
  EXPECT_EQ(warm.CheckJsonText(script, {}), Whole(script, {}));
  EXPECT_EQ(warm.analyzed(), 100u);
  std::string edited = "-- edit\n" + script;
  edited.replace(edited.find("FROM t7;"), 8, "FROM t8;");
  EXPECT_EQ(warm.CheckJsonText(edited, {}), Whole(edited, {}));
  EXPECT_EQ(warm.analyzed(), 101u);
  EXPECT_EQ(warm.reused(), 99u);
  CheckCache errors(1 << 20);
  std::string broken = "SELECT FROM t;\nSELECT * FROM ;\n";
  EXPECT_EQ(errors.CheckJsonText(broken, {}), Whole(broken, {}));
  EXPECT_EQ(errors.size(), 0u);
  // A broken statement at another place says its own line and column.
  std::string moved = "\n\n" + broken;
  EXPECT_EQ(errors.CheckJsonText(moved, {}), Whole(moved, {}));
}

}  // namespace
}  // namespace sluice::sql
