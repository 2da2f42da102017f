#include "store/pooled_database.h"

#include <random>
#include <thread>

namespace sluice::store {

namespace {
constexpr int kMaxAttempts = 20;
}

PooledDatabase::PooledDatabase(Dialect dialect, std::string description, Factory factory, int size,
                               std::string begin_sql)
    : dialect_(dialect),
      description_(std::move(description)),
      factory_(std::move(factory)),
      size_(std::max(1, size)),
      begin_sql_(std::move(begin_sql)) {}

Status PooledDatabase::Warm() {
  SLUICE_ASSIGN_OR_RETURN(auto conn, Acquire());
  Release(std::move(conn));
  return Status::Ok();
}

Result<std::unique_ptr<Connection>> PooledDatabase::Acquire() {
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  auto made = factory_();
  if (!made.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    cv_.notify_one();
  }
  return made;
}

void PooledDatabase::Release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mu_);
  if (conn && conn->Healthy()) {
    idle_.push_back(std::move(conn));
  } else {
    --open_;
  }
  cv_.notify_one();
}

Status PooledDatabase::WithConnection(const std::function<Status(Connection&)>& fn) {
  SLUICE_ASSIGN_OR_RETURN(auto conn, Acquire());
  Status st = fn(*conn);
  Release(std::move(conn));
  return st;
}

Status PooledDatabase::Transaction(const std::function<Status(Connection&)>& fn) {
  thread_local std::mt19937 rng{std::random_device{}()};
  for (int attempt = 1;; ++attempt) {
    SLUICE_ASSIGN_OR_RETURN(auto conn, Acquire());
    Status st = conn->ExecuteScript(begin_sql_);
    if (st.ok()) {
      st = fn(*conn);
      if (st.ok()) {
        st = conn->ExecuteScript("COMMIT");
      }
      if (!st.ok()) (void)conn->ExecuteScript("ROLLBACK");
    }
    Release(std::move(conn));
    if (st.ok() || st.error().code != ErrorCode::kAborted || attempt >= kMaxAttempts) return st;
    std::uniform_int_distribution<int> jitter(1, 5 * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(rng)));
  }
}

}  // namespace sluice::store
