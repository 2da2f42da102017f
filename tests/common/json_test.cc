#include "common/json.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(JsonTest, TypeNamesAreJsonSchemas) {
  using nlohmann::json;
  EXPECT_EQ(JsonTypeName(nullptr), "null");
  EXPECT_EQ(JsonTypeName(true), "boolean");
  EXPECT_EQ(JsonTypeName(-3), "integer");
  EXPECT_EQ(JsonTypeName(json::parse("18446744073709551615")), "integer");
  EXPECT_EQ(JsonTypeName(json::parse("3.0")), "number");
  EXPECT_EQ(JsonTypeName("x"), "string");
  EXPECT_EQ(JsonTypeName(json::array()), "array");
  EXPECT_EQ(JsonTypeName(json::object()), "object");
  EXPECT_EQ(JsonTypeName(json::binary({1, 2})), "value");
}

}  // namespace
}  // namespace sluice
