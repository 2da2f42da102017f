// Versioned schema migrations, applied in order at start-up inside one transaction each.
#pragma once

#include <string>
#include <vector>

#include "store/database.h"

namespace sluice::store {

struct Migration {
  int version;
  std::string description;
  std::string sql;  // {{ID}} becomes each dialect's auto-increment primary key
};

const std::vector<Migration>& Migrations();
int LatestSchemaVersion();

// Applies what is missing. Refuses a database whose schema is newer than this binary.
// Safe to run from several processes at once (PostgreSQL advisory lock, SQLite write lock).
Status Migrate(Database& db);
Result<int> CurrentSchemaVersion(Database& db);

}  // namespace sluice::store
