#include "api_fixture.h"

#include "common/crypto.h"
#include "common/log.h"
#include "common/time.h"

namespace sluice::api::testing {

nlohmann::json Reply::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::string Reply::ErrorCode() const {
  auto j = json();
  if (!j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

std::string Reply::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

void ApiFixture::SetUp() {
  log::Configure({.level = log::Level::kWarn});
  auto s = store::Store::Open("sqlite://" + (dir_.path() / "sluice.db").string());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  store_ = std::move(s).value();
  box_ = std::make_shared<const crypto::SecretBox>(crypto::SecretBox::Random());
  StartServer();
}

void ApiFixture::StartServer() {
  if (api_) api_->Shutdown(std::chrono::seconds(1));
  api_.reset();
  ApiOptions options;
  options.server.port = 0;
  options.server.threads = 2;
  options.auth.password_cost = crypto::PasswordCost::Minimal();
  options.events.poll_interval = std::chrono::milliseconds(20);
  options.events.heartbeat = std::chrono::milliseconds(200);
  options.events.gap_grace = std::chrono::milliseconds(300);
  options.secret_box = box_;
  options.clock = [this] { return Now(); };
  Configure(options);
  auto started = ApiServer::Start(std::move(options), *store_);
  ASSERT_TRUE(started.ok()) << started.error().ToString();
  api_ = std::move(started).value();
  base_ = "http://127.0.0.1:" + std::to_string(api_->port());
}

void ApiFixture::TearDown() {
  if (api_) api_->Shutdown(std::chrono::seconds(1));
}

int64_t ApiFixture::Now() const {
  return NowMillis() + offset_.load();
}

store::User ApiFixture::CreateUser(const std::string& name, bool admin,
                                   const std::string& password) {
  auto hash = crypto::HashPassword(password, crypto::PasswordCost::Minimal()).value();
  auto u = store_->CreateUser({.name = name, .password_hash = hash, .is_admin = admin});
  EXPECT_TRUE(u.ok()) << u.error().ToString();
  return u.value_or(store::User{});
}

store::Team ApiFixture::EnsureTeam(const std::string& name) {
  auto t = store_->FindTeam(name);
  if (t.ok()) return *t;
  auto created = store_->CreateTeam({.name = name});
  EXPECT_TRUE(created.ok()) << created.error().ToString();
  return created.value_or(store::Team{});
}

void ApiFixture::AddMember(const std::string& team, const std::string& user,
                           const std::string& role) {
  auto t = EnsureTeam(team);
  auto u = store_->FindUser(user);
  ASSERT_TRUE(u.ok());
  ASSERT_TRUE(store_->SetMembership({t.id, u->id, role}).ok());
}

std::string ApiFixture::TokenFor(const std::string& user, const std::string& scopes_json,
                                 int64_t expires_at, int64_t* id) {
  auto u = store_->FindUser(user);
  EXPECT_TRUE(u.ok()) << user;
  std::string token = crypto::NewToken();
  auto t = store_->CreateToken({.user_id = u.value_or(store::User{}).id,
                                .name = "test",
                                .token_hash = crypto::HashToken(token),
                                .scopes_json = scopes_json,
                                .expires_at = expires_at});
  EXPECT_TRUE(t.ok());
  if (id) *id = t.value_or(store::ApiToken{}).id;
  return token;
}

Reply ApiFixture::Raw(http::ClientRequest request) {
  auto r = http::Send(request);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  if (!r.ok()) return {};
  return {r->status, r->headers, r->body};
}

Reply ApiFixture::Call(const std::string& method, const std::string& path, const std::string& token,
                       const nlohmann::json& body, http::Headers headers) {
  http::ClientRequest req{.method = method, .url = Url(path), .headers = std::move(headers)};
  if (!token.empty()) req.headers["Authorization"] = "Bearer " + token;
  if (!body.is_null()) {
    req.body = body.is_string() ? body.get<std::string>() : body.dump();
    req.headers.emplace("Content-Type", "application/json");
  }
  return Raw(std::move(req));
}

std::vector<store::AuditEntry> ApiFixture::Audit(const store::AuditFilter& filter) {
  auto page = store_->ListAudit(filter);
  EXPECT_TRUE(page.ok());
  return page.ok() ? page->entries : std::vector<store::AuditEntry>{};
}

}  // namespace sluice::api::testing
