// The SQLite driver: WAL mode, a busy timeout, foreign keys on, statements cached per
// connection. Parameters are written $1, $2 ... and bound by name.
#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "common/fs.h"
#include "store/pooled_database.h"

namespace sluice::store {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Aborted(msg);
    case SQLITE_CONSTRAINT:
      if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExists(msg);
      }
      return FailedPrecondition(msg);
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PERM:
      return FailedPrecondition(msg);
    default:
      return Internal(msg);
  }
}

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_)
      sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  bool Healthy() override { return true; }

  Status ExecuteScript(std::string_view sql) override {
    char* err = nullptr;
    std::string copy(sql);
    int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite");
    return Status::Ok();
  }

  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params) override {
    SLUICE_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    std::vector<Row> rows;
    int cols = sqlite3_column_count(stmt);
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error e = SqliteError(db_, rc, "sqlite");
        sqlite3_reset(stmt);
        return e;
      }
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(cols));
      for (int i = 0; i < cols; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_FLOAT:
            values.emplace_back(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_NULL:
            values.emplace_back(nullptr);
            break;
          default: {
            auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            values.emplace_back(
                std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
          }
        }
      }
      rows.emplace_back(std::move(values));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    SLUICE_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
    (void)rows;
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql, const std::vector<Value>& params) {
    std::string key(sql);
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite prepare");
      cache_.emplace(std::move(key), stmt);
    }
    sqlite3_clear_bindings(stmt);
    int n = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= n; ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt, i);
      size_t index = name && name[0] == '$' ? std::strtoul(name + 1, nullptr, 10) : 0;
      if (index == 0 || index > params.size()) {
        return Internal("sqlite: statement parameter " + std::string(name ? name : "?") +
                        " has no value");
      }
      const Value& v = params[index - 1];
      int rc = SQLITE_OK;
      if (auto* p = std::get_if<int64_t>(&v))
        rc = sqlite3_bind_int64(stmt, i, *p);
      else if (auto* d = std::get_if<double>(&v))
        rc = sqlite3_bind_double(stmt, i, *d);
      else if (auto* s = std::get_if<std::string>(&v))
        rc = sqlite3_bind_text(stmt, i, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
      else
        rc = sqlite3_bind_null(stmt, i);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "sqlite bind");
    }
    return stmt;
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
};

Result<std::unique_ptr<Connection>> Connect(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db, rc, "cannot open SQLite database");
    sqlite3_close_v2(db);
    return std::move(e).At(path);
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  Status st = conn->ExecuteScript(
      "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
      "PRAGMA foreign_keys = ON;");
  if (!st.ok()) return std::move(st).error().At(path);
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) SLUICE_RETURN_IF_ERROR(EnsureWritableDirectory(p.parent_path()));
  auto db = std::make_unique<PooledDatabase>(
      Dialect::kSqlite, "sqlite://" + path, [path] { return Connect(path); }, pool_size,
      "BEGIN IMMEDIATE");
  SLUICE_RETURN_IF_ERROR(db->Warm());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace sluice::store
