#include "flinkconf/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "catalog_generator.h"
#include "common/fs.h"
#include "common/strings.h"
#include "flinkconf/values.h"
#include "support/test_env.h"

namespace sluice::flinkconf {
namespace {

using sluice::testing::ReferenceDir;
using sluice::testing::SourceDir;

std::vector<std::vector<std::string>> ReadCases(const std::string& name) {
  auto text = ReadFile(SourceDir() / "tests/flinkconf/cases" / name);
  EXPECT_TRUE(text.ok()) << name;
  std::vector<std::vector<std::string>> rows;
  if (!text.ok()) return rows;
  for (const auto& line : Split(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    rows.push_back(Split(line, '\t'));
  }
  return rows;
}

TEST(CatalogTest, CommittedCatalogsAreWhatTheReferenceGives) {
  auto files = flinkconf_gen::GenerateCatalogs(ReferenceDir() / "flink-config",
                                               SourceDir() / "tools/flinkconf-gen/rules");
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  ASSERT_EQ(files->size(), 3u);
  for (const auto& f : *files) {
    auto committed = ReadFile(SourceDir() / "src/flinkconf/catalog" / f.name);
    ASSERT_TRUE(committed.ok()) << f.name << " is not committed; run `make catalog`";
    EXPECT_TRUE(*committed == f.content) << f.name << " is stale; run `make catalog`";
  }
}

TEST(CatalogTest, EmbeddedCatalogsAreTheCommittedFiles) {
  const auto& all = Catalogs();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].version(), "1.17");
  EXPECT_EQ(all[1].version(), "1.20");
  EXPECT_EQ(all[2].version(), "2.2");
  EXPECT_EQ(NewestCatalog().version(), "2.2");
  EXPECT_EQ(NewestCatalogVersion(), NewestCatalog().version());
  for (const auto& c : all) {
    auto text = ReadFile(SourceDir() / "src/flinkconf/catalog" / ("flink-" + c.version() + ".tsv"));
    ASSERT_TRUE(text.ok());
    auto parsed = Catalog::Parse(c.version(), *text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
    EXPECT_EQ(parsed->options().size(), c.options().size());
  }
}

// Every key of options-<version>.tsv is in its catalog, except those of the tables that
// are not Flink configuration (tools/flinkconf-gen/rules/tables.tsv), and the SQL
// gateway's REST keys appear under their prefix.
TEST(CatalogTest, CatalogsHoldEveryReferenceKey) {
  for (const auto& c : Catalogs()) {
    auto tsv = ReadFile(ReferenceDir() / "flink-config" / ("options-" + c.version() + ".tsv"));
    ASSERT_TRUE(tsv.ok());
    std::set<std::string> keys;
    for (const auto& line : Split(*tsv, '\n')) {
      auto cols = Split(line, '\t');
      if (cols.size() < 5 || cols[0] == "key") continue;
      if (cols[4] == "openai_configuration.html" ||
          cols[4] == "ml_predict_runtime_config_configuration.html" ||
          cols[4] == "vector_search_runtime_config_configuration.html") {
        EXPECT_EQ(c.Find(cols[0]), nullptr) << cols[0];
        continue;
      }
      std::string key = cols[4] == "sql_gateway_rest_configuration.html"
                            ? "sql-gateway.endpoint.rest." + cols[0]
                            : cols[0];
      keys.insert(key);
      bool pattern = key.find('<') != std::string::npos || key.find('#') != std::string::npos;
      if (!pattern) {
        EXPECT_NE(c.Find(key), nullptr) << c.version() << " " << key;
      }
    }
    EXPECT_EQ(c.options().size(), keys.size()) << c.version();
    EXPECT_GT(keys.size(), 600u);
  }
}

TEST(CatalogTest, LookupClassifiesKeys) {
  for (const auto& row : ReadCases("lookup.tsv")) {
    ASSERT_GE(row.size(), 3u);
    auto choice = CatalogFor(row[0]);
    ASSERT_TRUE(choice.ok());
    KeyInfo info = choice->catalog->Lookup(row[1]);
    static const char* kNames[] = {"option",      "deprecated", "pattern", "map-entry", "internal",
                                   "passthrough", "removed",    "dropped", "unknown"};
    EXPECT_EQ(kNames[static_cast<int>(info.kind)], row[2]) << row[0] << " " << row[1];
    std::string expected = row.size() > 3 ? row[3] : "";
    std::string actual;
    if (info.kind == KeyKind::kRemoved || info.kind == KeyKind::kDropped) {
      actual = info.replacement;
    } else if (info.option && info.kind != KeyKind::kMapEntry) {
      actual = info.option->key;
    } else {
      actual = info.matched;
    }
    EXPECT_EQ(actual, expected) << row[0] << " " << row[1];
  }
}

TEST(CatalogTest, CatalogForVersion) {
  for (const auto& row : ReadCases("catalog-for.tsv")) {
    ASSERT_EQ(row.size(), 3u);
    auto choice = CatalogFor(row[0]);
    ASSERT_TRUE(choice.ok()) << row[0];
    EXPECT_EQ(choice->catalog->version(), row[1]) << row[0];
    EXPECT_EQ(choice->exact, row[2] == "yes") << row[0];
    EXPECT_EQ(choice->Note().empty(), choice->exact) << row[0];
  }
  EXPECT_FALSE(CatalogFor("latest").ok());
  EXPECT_FALSE(CatalogFor("1").ok());
}

// Flink's documented defaults must pass our own type checks: a check that rejected them
// would reject what Flink accepts.
TEST(CatalogTest, DocumentedDefaultsPassTheTypeChecks) {
  std::set<std::string> exceptions;
  for (const auto& row : ReadCases("default-exceptions.tsv"))
    exceptions.insert(row[0]);
  size_t checked = 0;
  for (const auto& c : Catalogs()) {
    for (const auto& o : c.options()) {
      if (o.default_value.empty() || o.type == OptionType::kString || exceptions.count(o.key)) {
        continue;
      }
      Status s = CheckValue(o, o.default_value);
      EXPECT_TRUE(s.ok()) << c.version() << " " << o.key << " default " << o.default_value << ": "
                          << (s.ok() ? "" : s.error().ToString());
      ++checked;
    }
  }
  EXPECT_GT(checked, 1000u);
}

TEST(CatalogTest, EnumOptionsHaveTheirValues) {
  const Option* o = NewestCatalog().Find("kubernetes.rest-service.exposed.type");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->values, (std::vector<std::string>{"ClusterIP", "NodePort", "LoadBalancer",
                                                 "Headless_ClusterIP"}));
  const Option* list = NewestCatalog().Find("metrics.job.status.enable");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->type, OptionType::kList);
  EXPECT_EQ(list->element_type, OptionType::kEnum);
}

}  // namespace
}  // namespace sluice::flinkconf
