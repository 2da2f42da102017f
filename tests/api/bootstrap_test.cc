// The first administrator when several replicas start at once, on both back ends.
#include <gtest/gtest.h>

#include <thread>

#include "api/user_service.h"
#include "store/store_backends.h"

namespace sluice::api {
namespace {

class BootstrapTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BootstrapTest, ConcurrentFirstStartsMakeOneAdministrator) {
  store::testing::Backend backend(GetParam());
  AuthOptions options{.password_cost = crypto::PasswordCost::Minimal()};
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kReplicas; ++i)
    stores.push_back(store::Store::Open(backend.url()).value());
  std::atomic<int> printed{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      UserService users(*stores[i], options);
      auto r = users.Bootstrap("");
      if (!r.ok()) {
        ++failed;
      } else if (r->has_value()) {
        ++printed;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(printed.load(), 1);  // one password, printed by the replica that made it
  EXPECT_EQ(*stores[0]->CountUsers(), 1);
  EXPECT_TRUE(stores[0]->FindUser("admin")->is_admin);
}

INSTANTIATE_TEST_SUITE_P(Backends, BootstrapTest, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace sluice::api
