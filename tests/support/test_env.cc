#include "support/test_env.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/ids.h"
#include "common/strings.h"

namespace sluice::testing {
namespace fs = std::filesystem;

namespace {
fs::path EnvPath(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    ADD_FAILURE() << name << " is not set; run the tests through ctest";
    return {};
  }
  return v;
}
}  // namespace

TempDir::TempDir() {
  const char* bin = std::getenv("SLUICE_BINARY_DIR");
  fs::path root = bin ? fs::path(bin) / "test-tmp" : fs::temp_directory_path() / "sluice-test";
  path_ = root / RandomHex(8);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path SourceDir() {
  return EnvPath("SLUICE_SOURCE_DIR");
}
fs::path BinaryDir() {
  return EnvPath("SLUICE_BINARY_DIR");
}

fs::path ReferenceDir() {
  fs::path p = EnvPath("SLUICE_REFERENCE_DIR");
  if (!fs::is_directory(p)) ADD_FAILURE() << "reference directory " << p << " is missing";
  return p;
}

std::string PostgresUrl() {
  fs::path file = BinaryDir() / "postgres" / "url";
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty()) {
    ADD_FAILURE() << "no PostgreSQL URL in " << file
                  << "; the postgres fixture (tests/harness/postgres.sh) did not start";
  }
  return std::string(Trim(url));
}

std::string ReadTestFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool RegenerateGoldens() {
  const char* v = std::getenv("SLUICE_REGENERATE");
  return v != nullptr && std::string(v) == "1";
}

}  // namespace sluice::testing
