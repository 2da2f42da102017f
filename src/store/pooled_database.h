// The connection pool both drivers share: connections made on demand up to a limit,
// broken ones replaced, transactions retried when the database aborts them.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/database.h"

namespace sluice::store {

class PooledDatabase : public Database {
 public:
  using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

  PooledDatabase(Dialect dialect, std::string description, Factory factory, int size,
                 std::string begin_sql);

  Dialect dialect() const override { return dialect_; }
  Status Transaction(const std::function<Status(Connection&)>& fn) override;
  Status WithConnection(const std::function<Status(Connection&)>& fn) override;
  std::string description() const override { return description_; }

  // Makes the first connection now, so that a bad URL fails at start-up.
  Status Warm();

 private:
  Result<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);

  Dialect dialect_;
  std::string description_;
  Factory factory_;
  int size_;
  std::string begin_sql_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int open_ = 0;
};

}  // namespace sluice::store
