// What tests need from their surroundings: scratch directories, the source tree, the
// shared Flink reference, and the PostgreSQL server the harness started.
#pragma once

#include <filesystem>
#include <string>

namespace sluice::testing {

// A fresh directory under the build tree, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::filesystem::path SourceDir();
std::filesystem::path BinaryDir();
// ../shared/reference beside the checkout; a test that needs it fails (not skips) without it.
std::filesystem::path ReferenceDir();
// The URL written by tests/harness/postgres.sh start; fails the test when absent.
std::string PostgresUrl();

// The whole file; a file that cannot be read fails the calling test (and gives "").
std::string ReadTestFile(const std::filesystem::path& path);
// SLUICE_REGENERATE=1: tests with golden files rewrite them instead of comparing.
bool RegenerateGoldens();

}  // namespace sluice::testing
