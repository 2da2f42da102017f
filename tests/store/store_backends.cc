#include "store_backends.h"

#include <gtest/gtest.h>

#include "common/ids.h"

namespace sluice::store::testing {

Backend::Backend(const std::string& kind) {
  if (kind == "sqlite") {
    url_ = "sqlite://" + (dir_.path() / "sluice.db").string();
    return;
  }
  std::string base = sluice::testing::PostgresUrl();
  std::string schema = "t_" + RandomHex(6);
  auto db = OpenDatabase(base, 1);
  if (!db.ok()) {
    ADD_FAILURE() << db.error().ToString();
    return;
  }
  Status st = (*db)->WithConnection(
      [&](Connection& c) { return c.ExecuteScript("CREATE SCHEMA " + schema); });
  if (!st.ok()) ADD_FAILURE() << st.error().ToString();
  url_ = base + "?options=-csearch_path%3D" + schema;
}

}  // namespace sluice::store::testing
