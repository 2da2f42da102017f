#include "common/result.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgument("odd").At("x").Hint("pass an even number");
  return x / 2;
}

Result<int> Quarter(int x) {
  SLUICE_ASSIGN_OR_RETURN(int h, Half(x));
  SLUICE_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckPositive(int x) {
  if (x <= 0) return InvalidArgument("not positive");
  return Status::Ok();
}

Status Both(int x) {
  SLUICE_RETURN_IF_ERROR(CheckPositive(x));
  SLUICE_RETURN_IF_ERROR(Half(x));
  return Status::Ok();
}

TEST(ResultTest, ValueAndError) {
  auto ok = Half(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 4);
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().ToString(), "x: odd (pass an even number)");
}

TEST(ResultTest, MacrosPropagate) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).error().message, "odd");
  EXPECT_TRUE(Both(4).ok());
  EXPECT_EQ(Both(-2).error().message, "not positive");
  EXPECT_EQ(Both(3).error().message, "odd");
}

TEST(ResultTest, ContextKeepsCode) {
  Error e = NotFound("no such job").Context("loading x");
  EXPECT_EQ(e.message, "loading x: no such job");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(ErrorCodeName(e.code), "not_found");
}

}  // namespace
}  // namespace sluice
