#include "store/database.h"

#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.h"
#include "store_backends.h"

namespace sluice::store {
namespace {

class DatabaseTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    backend_ = std::make_unique<testing::Backend>(GetParam());
    auto db = OpenDatabase(backend_->url(), 4);
    ASSERT_TRUE(db.ok()) << db.error().ToString();
    db_ = std::move(db).value();
  }
  std::unique_ptr<testing::Backend> backend_;
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseTest, TypedValuesRoundTrip) {
  Status st = db_->WithConnection([](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(
        c.ExecuteScript("CREATE TABLE t (a BIGINT, b DOUBLE PRECISION, c TEXT)"));
    SLUICE_RETURN_IF_ERROR(c.Execute("INSERT INTO t VALUES ($1, $2, $3)",
                                     {int64_t{1} << 40, 2.5, std::string("x'y\"z")}));
    SLUICE_RETURN_IF_ERROR(c.Execute("INSERT INTO t VALUES ($2, $1, NULL)", {1.0, int64_t{7}}));
    SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT a, b, c FROM t ORDER BY a DESC", {}));
    EXPECT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].Int(0), int64_t{1} << 40);
    EXPECT_DOUBLE_EQ(rows[0].Double(1), 2.5);
    EXPECT_EQ(rows[0].Text(2), "x'y\"z");
    EXPECT_EQ(rows[1].Int(0), 7);
    EXPECT_TRUE(rows[1].IsNull(2));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.error().ToString();
}

TEST_P(DatabaseTest, FailedTransactionRollsBack) {
  ASSERT_TRUE(db_->WithConnection(
                     [](Connection& c) { return c.ExecuteScript("CREATE TABLE t (a BIGINT)"); })
                  .ok());
  Status st = db_->Transaction([](Connection& c) -> Status {
    SLUICE_RETURN_IF_ERROR(c.Execute("INSERT INTO t VALUES ($1)", {int64_t{1}}));
    return InvalidArgument("changed my mind");
  });
  EXPECT_EQ(st.error().message, "changed my mind");
  int64_t count = -1;
  ASSERT_TRUE(db_->WithConnection([&](Connection& c) -> Status {
                   SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM t", {}));
                   count = rows[0].Int(0);
                   return Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(count, 0);
}

TEST_P(DatabaseTest, ConcurrentTransactionsAllCommit) {
  ASSERT_TRUE(db_->WithConnection([](Connection& c) {
                   return c.ExecuteScript(
                       "CREATE TABLE counter (n BIGINT); INSERT INTO counter VALUES (0)");
                 })
                  .ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Status st = db_->Transaction([](Connection& c) -> Status {
          SLUICE_RETURN_IF_ERROR(c.Execute("UPDATE counter SET n = n + 1", {}));
          SLUICE_RETURN_IF_ERROR(c.Query("SELECT n FROM counter", {}));
          return Status::Ok();
        });
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(db_->WithConnection([](Connection& c) -> Status {
                   SLUICE_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT n FROM counter", {}));
                   EXPECT_EQ(rows[0].Int(0), 100);
                   return Status::Ok();
                 })
                  .ok());
}

TEST_P(DatabaseTest, MigrationsAreIdempotentAndRefuseNewerSchemas) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(Migrate(*db_).ok());
  EXPECT_EQ(*CurrentSchemaVersion(*db_), LatestSchemaVersion());
  ASSERT_TRUE(db_->WithConnection([](Connection& c) {
                   return c.Execute(
                               "INSERT INTO schema_migrations (version, description, applied_at) "
                               "VALUES (999, 'future', 0)",
                               {})
                                  .ok()
                              ? Status::Ok()
                              : Status(Internal("insert failed"));
                 })
                  .ok());
  Status st = Migrate(*db_);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("newer than this binary"), std::string::npos);
  EXPECT_FALSE(st.error().hint.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest, ::testing::Values("sqlite", "postgres"));

TEST(DatabaseOpenTest, ClearErrors) {
  auto bad = OpenDatabase("mysql://x", 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().hint.find("sqlite:///"), std::string::npos);

  auto unreachable = OpenDatabase("postgresql://sluice:hunter2@127.0.0.1:1/db", 1);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(unreachable.error().ToString().find("hunter2"), std::string::npos);
  EXPECT_NE(unreachable.error().where.find("127.0.0.1:1"), std::string::npos);
}

TEST(DatabaseOpenTest, MaskUrl) {
  EXPECT_EQ(MaskDatabaseUrl("postgresql://u:p@h/db"), "postgresql://u:******@h/db");
  EXPECT_EQ(MaskDatabaseUrl("postgresql://h/db?password=x&a=b"),
            "postgresql://h/db?password=******&a=b");
  EXPECT_EQ(MaskDatabaseUrl("sqlite:///var/x.db"), "sqlite:///var/x.db");
}

}  // namespace
}  // namespace sluice::store
