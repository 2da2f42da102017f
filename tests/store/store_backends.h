// Both back ends for one parameterised suite: a fresh SQLite file, or a fresh schema in
// the PostgreSQL server the harness started.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"
#include "support/test_env.h"

namespace sluice::store::testing {

class Backend {
 public:
  explicit Backend(const std::string& kind);
  std::string url() const { return url_; }

 private:
  sluice::testing::TempDir dir_;
  std::string url_;
};

}  // namespace sluice::store::testing
