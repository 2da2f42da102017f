#include "common/strings.h"

#include <gtest/gtest.h>

#include "common/redact.h"

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

}  // namespace
}  // namespace sluice
