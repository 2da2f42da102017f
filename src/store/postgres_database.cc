// The PostgreSQL driver on libpq: statements prepared once per connection, text
// parameters, result values typed by column OID, SQLSTATEs mapped to error codes.
#include <libpq-fe.h>

#include <cstdio>
#include <map>

#include "store/pooled_database.h"

namespace sluice::store {
namespace {

// libpq messages span lines ("...failed: refused\n\tIs the server running..."); errors are one
// line.
std::string OneLine(std::string msg) {
  std::string out;
  for (char c : msg) {
    if (c == '\n') {
      out += "; ";
    } else if (c != '\t') {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ';'))
    out.pop_back();
  return out;
}

// Built-in type OIDs (pg_type.h).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kNumericOid = 1700;

Error PgError(PGconn* conn, PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string msg =
      std::string(what) + ": " + OneLine(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  std::string code = state ? state : "";
  if (code == "23505") return AlreadyExists(msg);
  if (code == "23503" || code == "23502" || code == "23514") return FailedPrecondition(msg);
  if (code == "40001" || code == "40P01" || code == "55P03") return Aborted(msg);
  if (code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03" ||
      PQstatus(conn) != CONNECTION_OK) {
    return Unavailable(msg);
  }
  return Internal(msg);
}

class PostgresConnection : public Connection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool Healthy() override {
    return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

  Status ExecuteScript(std::string_view sql) override {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Error e = PgError(conn_, res, "postgresql");
      PQclear(res);
      return e;
    }
    PQclear(res);
    return Status::Ok();
  }

  Result<std::vector<Row>> Query(std::string_view sql, const std::vector<Value>& params) override {
    SLUICE_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    std::vector<Row> rows;
    int n = PQntuples(res), cols = PQnfields(res);
    rows.reserve(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res, r, c)) {
          values.emplace_back(nullptr);
          continue;
        }
        const char* text = PQgetvalue(res, r, c);
        switch (PQftype(res, c)) {
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
            values.emplace_back(static_cast<int64_t>(std::strtoll(text, nullptr, 10)));
            break;
          case kFloat4Oid:
          case kFloat8Oid:
          case kNumericOid:
            values.emplace_back(std::strtod(text, nullptr));
            break;
          case kBoolOid:
            values.emplace_back(static_cast<int64_t>(text[0] == 't'));
            break;
          default:
            values.emplace_back(std::string(text, static_cast<size_t>(PQgetlength(res, r, c))));
        }
      }
      rows.emplace_back(std::move(values));
    }
    PQclear(res);
    return rows;
  }

  Result<int64_t> Execute(std::string_view sql, const std::vector<Value>& params) override {
    SLUICE_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    int64_t changed = std::strtoll(PQcmdTuples(res), nullptr, 10);
    PQclear(res);
    return changed;
  }

 private:
  Result<PGresult*> Run(std::string_view sql, const std::vector<Value>& params) {
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = "s" + std::to_string(prepared_.size());
      PGresult* res = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
      if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        Error e = PgError(conn_, res, "postgresql prepare");
        PQclear(res);
        return e;
      }
      PQclear(res);
      it = prepared_.emplace(key, name).first;
    }
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto* p = std::get_if<int64_t>(&v))
        texts[i] = std::to_string(*p);
      else if (auto* d = std::get_if<double>(&v)) {
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", *d);
        texts[i] = buf;
      } else if (auto* s = std::get_if<std::string>(&v))
        texts[i] = *s;
      else
        continue;
      values[i] = texts[i].c_str();
    }
    PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                                   values.data(), nullptr, nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      Error e = PgError(conn_, res, "postgresql");
      PQclear(res);
      return e;
    }
    return res;
  }

  PGconn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, int pool_size) {
  std::string masked = MaskDatabaseUrl(url);
  // libpq waits forever for an unreachable host unless told otherwise.
  std::string full = url;
  if (full.find("connect_timeout=") == std::string::npos) {
    full += (full.find('?') == std::string::npos ? "?" : "&");
    full += "connect_timeout=5";
  }
  auto factory = [url = full, masked]() -> Result<std::unique_ptr<Connection>> {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string msg = OneLine(PQerrorMessage(conn));
      PQfinish(conn);
      return Unavailable("cannot connect to PostgreSQL: " + msg)
          .At(masked)
          .Hint(
              "check that the server runs and that --db names the right host, port, user and "
              "database");
    }
    PGresult* res = PQexec(conn, "SET client_min_messages = warning");
    PQclear(res);
    return std::unique_ptr<Connection>(new PostgresConnection(conn));
  };
  auto db =
      std::make_unique<PooledDatabase>(Dialect::kPostgres, masked, factory, pool_size, "BEGIN");
  SLUICE_RETURN_IF_ERROR(db->Warm());
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace sluice::store
