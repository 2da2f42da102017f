#include "flinkconf/values.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "common/strings.h"
#include "support/test_env.h"

namespace sluice::flinkconf {
namespace {

Option OptionOfType(const std::string& type_name) {
  Option o;
  o.key = "test.option";
  o.type_name = type_name;
  for (const auto& c : Catalogs()) {
    for (const auto& known : c.options()) {
      if (known.type_name == type_name) {
        o.type = known.type;
        o.element_type = known.element_type;
        return o;
      }
    }
  }
  ADD_FAILURE() << "no option of type " << type_name;
  return o;
}

TEST(ValuesTest, CasesFromFile) {
  auto text = ReadFile(sluice::testing::SourceDir() / "tests/flinkconf/cases/values.tsv");
  ASSERT_TRUE(text.ok());
  size_t cases = 0;
  for (const auto& line : Split(*text, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto cols = Split(line, '\t');
    ASSERT_GE(cols.size(), 3u) << line;
    const std::string &type = cols[0], &value = cols[1];
    bool want_ok = cols[2] == "ok";
    Option o = OptionOfType(type);
    Status s = CheckValue(o, value);
    EXPECT_EQ(s.ok(), want_ok) << type << " " << Quote(value) << ": "
                               << (s.ok() ? "accepted" : s.error().ToString());
    if (!s.ok()) {
      EXPECT_FALSE(s.error().message.empty());
    }
    if (cols.size() > 3 && want_ok) {
      if (type == "Duration") {
        EXPECT_EQ(std::to_string(ParseDuration(value)->count()), cols[3]) << value;
      } else if (type == "MemorySize") {
        EXPECT_EQ(std::to_string(*ParseMemorySize(value)), cols[3]) << value;
      }
    }
    ++cases;
  }
  EXPECT_GT(cases, 50u);
}

TEST(ValuesTest, MemorySizeFormatsReadBack) {
  for (uint64_t bytes : {uint64_t{0}, uint64_t{100}, uint64_t{4096}, uint64_t{1677721600},
                         uint64_t{2147483648}, uint64_t{3} << 40, uint64_t{1536} << 20}) {
    auto back = ParseMemorySize(FormatMemorySize(bytes));
    ASSERT_TRUE(back.ok()) << FormatMemorySize(bytes);
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_EQ(FormatMemorySize(1677721600), "1600m");
  EXPECT_EQ(FormatMemorySize(uint64_t{2} << 30), "2g");
  EXPECT_EQ(FormatMemorySize(100), "100b");
}

TEST(ValuesTest, ListsAndMapsRoundTrip) {
  std::vector<std::string> list = {"local:///a.jar", "has;semicolon", "it's", "", "plain"};
  auto back = SplitEscaped(JoinList(list), ';');
  ASSERT_TRUE(back.ok()) << back.error().ToString();
  EXPECT_EQ(*back, list);

  std::vector<std::pair<std::string, std::string>> map = {
      {"OPERATOR", "70"}, {"a:b", "c,d"}, {"quote'd", "x"}};
  auto parsed = ParseMap(JoinMap(map));
  ASSERT_TRUE(parsed.ok()) << JoinMap(map) << ": " << parsed.error().ToString();
  EXPECT_EQ(*parsed, map);
}

TEST(ValuesTest, SplitsLikeFlink) {
  EXPECT_EQ(*SplitEscaped("a; b ;c", ';'), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(*SplitEscaped("a;;c", ';'), (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(*SplitEscaped("'a;b';\"c\"\"d\"", ';'), (std::vector<std::string>{"a;b", "c\"d"}));
  EXPECT_FALSE(SplitEscaped("'a'b", ';').ok());
}

}  // namespace
}  // namespace sluice::flinkconf
