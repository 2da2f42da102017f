#include "common/fs.h"

#include <gtest/gtest.h>

#include "support/test_env.h"

namespace sluice {
namespace {

TEST(FsTest, WriteAtomicThenRead) {
  testing::TempDir dir;
  auto path = dir.path() / "a.txt";
  ASSERT_TRUE(WriteFileAtomic(path, "hello").ok());
  EXPECT_EQ(*ReadFile(path), "hello");
  ASSERT_TRUE(WriteFileAtomic(path, "again").ok());
  EXPECT_EQ(*ReadFile(path), "again");
}

TEST(FsTest, ReadMissingNamesThePath) {
  auto r = ReadFile("/nonexistent/sluice/file");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(r.error().where, "/nonexistent/sluice/file");
}

TEST(FsTest, ReadRefusesHugeFiles) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "big", std::string(100, 'x')).ok());
  EXPECT_EQ(ReadFile(dir.path() / "big", 10).error().code, ErrorCode::kResourceExhausted);
}

TEST(FsTest, EnsureWritableDirectory) {
  testing::TempDir dir;
  EXPECT_TRUE(EnsureWritableDirectory(dir.path() / "x" / "y").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "file", "").ok());
  auto st = EnsureWritableDirectory(dir.path() / "file" / "sub");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().where.find("file"), std::string::npos);
}

TEST(FsTest, ConfinedPathRejectsEscapes) {
  testing::TempDir dir;
  EXPECT_TRUE(ConfinedPath(dir.path(), "a/b.jar").ok());
  EXPECT_FALSE(ConfinedPath(dir.path(), "../x").ok());
  EXPECT_FALSE(ConfinedPath(dir.path(), "/etc/passwd").ok());
  EXPECT_FALSE(ConfinedPath(dir.path(), "").ok());
  std::filesystem::create_directory_symlink("/etc", dir.path() / "link");
  EXPECT_FALSE(ConfinedPath(dir.path(), "link/passwd").ok());
}

}  // namespace
}  // namespace sluice
