// An in-process ApiServer over a fresh SQLite store, with a clock the test can move,
// cheap password hashing, users, teams and tokens made directly in the store, and a small
// HTTP client.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "http/client.h"
#include "store/store.h"
#include "support/test_env.h"

namespace sluice::api::testing {

inline constexpr const char* kPassword = "correct-horse-battery";

struct Reply {
  int status = 0;
  http::Headers headers;
  std::string body;
  nlohmann::json json() const;  // null when the body is not JSON
  std::string ErrorCode() const;
  std::string Header(const std::string& name) const;
};

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Tests that need other settings change these before calling StartServer() again.
  virtual void Configure(ApiOptions& options) { (void)options; }
  void StartServer();

  int64_t Now() const;
  void Advance(std::chrono::milliseconds by) { offset_ += by.count(); }

  store::User CreateUser(const std::string& name, bool admin = false,
                         const std::string& password = kPassword);
  store::Team EnsureTeam(const std::string& name);
  void AddMember(const std::string& team, const std::string& user, const std::string& role);
  // A token made in the store: scopes as JSON, expiry (0: never).
  std::string TokenFor(const std::string& user, const std::string& scopes_json = R"(["*"])",
                       int64_t expires_at = 0, int64_t* id = nullptr);

  Reply Call(const std::string& method, const std::string& path, const std::string& token = "",
             const nlohmann::json& body = nullptr, http::Headers headers = {});
  Reply Raw(http::ClientRequest request);
  std::string Url(const std::string& path) const { return base_ + path; }

  // The audit entries, newest first (straight from the store).
  std::vector<store::AuditEntry> Audit(const store::AuditFilter& filter = {});

  sluice::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ApiServer> api_;
  std::shared_ptr<const crypto::SecretBox> box_;
  std::string base_;
  std::atomic<int64_t> offset_{0};
};

}  // namespace sluice::api::testing
