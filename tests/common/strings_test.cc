#include "common/strings.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/redact.h"
#include "support/test_env.h"

namespace sluice {
namespace {

TEST(StringsTest, SplitJoinTrim) {
  EXPECT_EQ(Split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(Join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(Trim("  x y \n"), "x y");
}

TEST(StringsTest, ParseNumbers) {
  EXPECT_EQ(ParseInt("42"), 42);
  EXPECT_EQ(ParseInt(" -7 "), -7);
  EXPECT_FALSE(ParseInt("4x").has_value());
  EXPECT_FALSE(ParseInt("").has_value());
  EXPECT_DOUBLE_EQ(*ParseDouble("1.5"), 1.5);
  EXPECT_FALSE(ParseDouble("1.5.2").has_value());
}

TEST(StringsTest, DidYouMean) {
  EXPECT_EQ(EditDistance("listen", "lisen"), 1u);
  EXPECT_EQ(ClosestMatch("lisen", {"listen", "db", "data-dir"}), "listen");
  EXPECT_EQ(ClosestMatch("zzzzzz", {"listen", "db"}), "");
}

TEST(StringsTest, QuoteEscapesControlCharacters) {
  EXPECT_EQ(Quote("a\"b\n\x01"), "\"a\\\"b\\n\\x01\"");
}

TEST(RedactTest, SecretKeys) {
  EXPECT_TRUE(IsSecretKey("password"));
  EXPECT_TRUE(IsSecretKey("properties.sasl.jaas.config"));
  EXPECT_TRUE(IsSecretKey("s3.secret-key"));
  EXPECT_TRUE(IsSecretKey("API_TOKEN"));
  EXPECT_FALSE(IsSecretKey("connector"));
  EXPECT_FALSE(IsSecretKey("username"));
}

// testdata/redact/text.txt: pairs of lines, the text and how it reads redacted.
TEST(RedactTest, SecretsInTextAreMasked) {
  std::ifstream in(testing::SourceDir() / "tests/common/testdata/redact/text.txt");
  ASSERT_TRUE(in) << "testdata/redact/text.txt";
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  ASSERT_EQ(lines.size() % 2, 0u);
  ASSERT_GE(lines.size(), 8u);
  for (size_t i = 0; i < lines.size(); i += 2)
    EXPECT_EQ(RedactSecretsInText(lines[i]), lines[i + 1]) << "line pair " << i / 2 + 1;
}

}  // namespace
}  // namespace sluice
