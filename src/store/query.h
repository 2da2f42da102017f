// Helpers the store's per-area files share: run one statement on a pooled connection and
// map the rows. Internal to store/.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace sluice::store {

// Runs one query on a pooled connection and maps every row.
template <typename T, typename Mapper>
Result<std::vector<T>> QueryAll(Database& db, const std::string& sql,
                                const std::vector<Value>& params, Mapper map) {
  std::vector<T> out;
  Status st = db.WithConnection([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back(map(r));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return out;
}

// The first row, or kNotFound naming `what`.
template <typename T, typename Mapper>
Result<T> QueryOne(Database& db, const std::string& sql, const std::vector<Value>& params,
                   Mapper map, const std::string& what) {
  SLUICE_ASSIGN_OR_RETURN(auto all, QueryAll<T>(db, sql, params, map));
  if (all.empty()) return NotFound(what + " not found");
  return std::move(all.front());
}

// Executes a statement that must change at least one row, else kNotFound naming `what`.
inline Status ExecuteOne(Database& db, const std::string& sql, const std::vector<Value>& params,
                         const std::string& what) {
  return db.WithConnection([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(int64_t n, c.Execute(sql, params));
    if (n == 0) return NotFound(what + " not found");
    return Status::Ok();
  });
}

inline Result<int64_t> QueryCount(Database& db, const std::string& sql,
                                  const std::vector<Value>& params) {
  return QueryOne<int64_t>(
      db, sql, params, [](const Row& r) { return r.Int(0); }, "count");
}

}  // namespace sluice::store
