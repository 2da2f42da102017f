// A thin SQL layer under the store: connections, typed values, transactions, and the
// two drivers (SQLite, PostgreSQL). Statements are written once with $1, $2 ... parameters.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace sluice::store {

using Value = std::variant<std::nullptr_t, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  int64_t Int(size_t i) const;  // 0 for NULL
  double Double(size_t i) const;
  std::string Text(size_t i) const;  // "" for NULL

 private:
  std::vector<Value> values_;
};

enum class Dialect { kSqlite, kPostgres };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         const std::vector<Value>& params) = 0;
  // Returns the number of rows changed.
  virtual Result<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) = 0;
  virtual Status ExecuteScript(std::string_view sql) = 0;  // several statements, no parameters
  virtual Dialect dialect() const = 0;
  virtual bool Healthy() = 0;
};

// A pool of connections. Transaction() runs a function inside BEGIN/COMMIT on one
// connection and retries it when the database reports a serialization conflict or a lock
// it could not get in time.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  virtual Status Transaction(const std::function<Status(Connection&)>& fn) = 0;
  // Runs fn on a pooled connection without an explicit transaction (one statement).
  virtual Status WithConnection(const std::function<Status(Connection&)>& fn) = 0;
  virtual std::string description() const = 0;  // the URL with any password masked
};

// sqlite://PATH (PATH relative or, after a third slash, absolute) or postgresql://...
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size = 4);
std::string MaskDatabaseUrl(std::string_view url);

}  // namespace sluice::store
