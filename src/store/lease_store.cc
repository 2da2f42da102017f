// Job leases: which replica reconciles which job. Every write is one conditional statement,
// so the database decides races; nothing here reads and then writes.
#include <algorithm>

#include "store/query.h"
#include "store/store.h"

namespace sluice::store {
namespace {

constexpr const char* kLeaseColumns = "job_id, holder, expires_at, acquired_at, generation";
constexpr size_t kRenewBatch = 500;  // job ids per UPDATE (bounded parameter lists)

Lease ToLease(const Row& r) {
  return {r.Int(0), r.Text(1), r.Int(2), r.Int(3), r.Int(4)};
}

}  // namespace

Result<Lease> Store::AcquireLease(int64_t job_id, const std::string& holder, int64_t now,
                                  int64_t ttl_ms) {
  if (holder.empty()) return InvalidArgument("a lease holder must not be empty");
  // On conflict the row is locked and the WHERE evaluated against its latest version
  // (PostgreSQL; SQLite holds the write lock), so exactly one contender wins a free lease.
  // The same holder renews without changing the generation; a new holder bumps it.
  auto rows = QueryAll<Lease>(
      *db_,
      "INSERT INTO job_leases (job_id, holder, expires_at, acquired_at, generation) "
      "VALUES ($1, $2, $3, $4, 1) ON CONFLICT (job_id) DO UPDATE SET "
      "holder = excluded.holder, expires_at = excluded.expires_at, "
      "acquired_at = CASE WHEN job_leases.holder = excluded.holder "
      "THEN job_leases.acquired_at ELSE excluded.acquired_at END, "
      "generation = CASE WHEN job_leases.holder = excluded.holder "
      "THEN job_leases.generation ELSE job_leases.generation + 1 END "
      "WHERE job_leases.holder = excluded.holder OR job_leases.holder = '' "
      "OR job_leases.expires_at <= excluded.acquired_at "
      "RETURNING " +
          std::string(kLeaseColumns),
      {job_id, holder, now + ttl_ms, now}, ToLease);
  if (!rows.ok()) {
    if (rows.error().code == ErrorCode::kFailedPrecondition) {
      return NotFound("job " + std::to_string(job_id) + " not found");
    }
    return std::move(rows).error();
  }
  if (!rows->empty()) return std::move(rows->front());
  // Lost: say who holds it (informational; the decision above was atomic).
  auto current = GetLease(job_id);
  std::string who = current.ok() ? current->holder : "another replica";
  int64_t until = current.ok() ? current->expires_at : 0;
  return Conflict("job " + std::to_string(job_id) + " is leased by " + who + " until " +
                  std::to_string(until));
}

Result<std::vector<int64_t>> Store::RenewLeases(const std::string& holder,
                                                const std::vector<int64_t>& job_ids, int64_t now,
                                                int64_t ttl_ms) {
  std::vector<int64_t> renewed;
  if (job_ids.empty() || holder.empty()) return renewed;
  Status st = db_->Transaction([&](Connection& c) -> Status {
    renewed.clear();
    for (size_t begin = 0; begin < job_ids.size(); begin += kRenewBatch) {
      size_t end = std::min(job_ids.size(), begin + kRenewBatch);
      // Job ids are integers, written into the statement as such (no quoting involved);
      // a parameter vector of variants here trips a false GCC 12 warning at -O2.
      std::string sql = "UPDATE job_leases SET expires_at = $2 WHERE holder = $1 AND job_id IN (";
      for (size_t i = begin; i < end; ++i)
        sql += (i > begin ? ", " : "") + std::to_string(job_ids[i]);
      sql += ") RETURNING job_id";
      SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {holder, now + ttl_ms}));
      for (const auto& r : rows)
        renewed.push_back(r.Int(0));
    }
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  std::sort(renewed.begin(), renewed.end());
  return renewed;
}

Status Store::ReleaseLease(int64_t job_id, const std::string& holder) {
  return db_->WithConnection([&](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(
        c.Execute("UPDATE job_leases SET holder = '', expires_at = 0 WHERE job_id = $1 AND "
                  "holder = $2",
                  {job_id, holder}));
    return Status::Ok();
  });
}

Result<int64_t> Store::ReleaseLeases(const std::string& holder) {
  if (holder.empty()) return InvalidArgument("a lease holder must not be empty");
  int64_t released = 0;
  Status st = db_->WithConnection([&](Connection& c) -> Status {
    SLUICE_ASSIGN_OR_RETURN(
        released,
        c.Execute("UPDATE job_leases SET holder = '', expires_at = 0 WHERE holder = $1", {holder}));
    return Status::Ok();
  });
  if (!st.ok()) return std::move(st).error();
  return released;
}

Result<Lease> Store::GetLease(int64_t job_id) {
  return QueryOne<Lease>(
      *db_, "SELECT " + std::string(kLeaseColumns) + " FROM job_leases WHERE job_id = $1", {job_id},
      ToLease, "lease of job " + std::to_string(job_id));
}

Result<std::vector<Lease>> Store::ListLeases(const std::string& holder) {
  if (holder.empty()) {
    return QueryAll<Lease>(
        *db_, "SELECT " + std::string(kLeaseColumns) + " FROM job_leases ORDER BY job_id", {},
        ToLease);
  }
  return QueryAll<Lease>(
      *db_,
      "SELECT " + std::string(kLeaseColumns) + " FROM job_leases WHERE holder = $1 ORDER BY job_id",
      {holder}, ToLease);
}

Result<std::vector<int64_t>> Store::ListReconcilableJobs(int64_t after_id, int limit) {
  return QueryAll<int64_t>(
      *db_, "SELECT id FROM jobs WHERE deleted_at = 0 AND id > $1 ORDER BY id LIMIT $2",
      {after_id, int64_t{std::clamp(limit, 1, 10000)}}, [](const Row& r) { return r.Int(0); });
}

}  // namespace sluice::store
