// Logging in, sessions and CSRF, session expiry, API tokens: scopes, expiry, revocation,
// rate limits, HTTP basic.
#include "api/views.h"
#include "api_fixture.h"
#include "common/crypto.h"
#include "common/strings.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class AuthTest : public ApiFixture {
 protected:
  void Configure(ApiOptions& options) override {
    options.auth.session_idle_timeout = 10min;
    options.auth.session_lifetime = 1h;
    options.auth.login_failures_per_user = 3;
    options.auth.login_failures_per_address = 5;
    options.auth.login_window = 1min;
    options.auth.secure_cookies = secure_;
  }

  struct Session {
    std::string cookie;  // "sluice_session=..."
    std::string csrf;
    Reply reply;
  };

  Session Login(const std::string& name, const std::string& password = kPassword) {
    Session s;
    s.reply = Call("POST", "/api/v1/auth/login", "", {{"name", name}, {"password", password}});
    std::string set_cookie = s.reply.Header("Set-Cookie");
    s.cookie = set_cookie.substr(0, set_cookie.find(';'));
    if (s.reply.status == 200) s.csrf = s.reply.json()["csrfToken"];
    return s;
  }

  Reply WithSession(const std::string& method, const std::string& path, const Session& s,
                    const json& body = nullptr, bool csrf = true) {
    http::Headers h{{"Cookie", s.cookie}};
    if (csrf) h["X-CSRF-Token"] = s.csrf;
    return Call(method, path, "", body, h);
  }

  std::string Basic(const std::string& user, const std::string& password) {
    return "Basic " + crypto::Base64Encode(user + ":" + password);
  }

  bool secure_ = false;
};

TEST_F(AuthTest, LoginSetsAHardenedCookieAndReturnsTheCsrfToken) {
  CreateUser("alice");
  Session s = Login("alice");
  ASSERT_EQ(s.reply.status, 200) << s.reply.body;
  std::string cookie = s.reply.Header("Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("sluice_session=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Max-Age=3600"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(s.reply.json()["user"]["name"], "alice");
  EXPECT_GE(s.csrf.size(), 30u);
  EXPECT_EQ(s.reply.Header("Cache-Control"), "no-store");
  // The store keeps only a digest of the session id.
  std::string id = s.cookie.substr(s.cookie.find('=') + 1);
  EXPECT_TRUE(store_->FindSession(crypto::HashToken(id)).ok());
  EXPECT_FALSE(store_->FindSession(id).ok());

  Reply me = WithSession("GET", "/api/v1/auth/me", s, nullptr, false);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["name"], "alice");
  EXPECT_EQ(me.json()["auth"]["kind"], "session");
  EXPECT_EQ(me.json()["csrfToken"], s.csrf);

  auto audit = Audit({.action = "auth.login"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "alice");
  EXPECT_EQ(audit[0].actor_kind, "password");
  EXPECT_EQ(audit[0].result, "success");
  EXPECT_EQ(audit[0].details_json.find(kPassword), std::string::npos);
}

TEST_F(AuthTest, LoginTakesJsonOnlySoThatNoFormCanLogABrowserIn) {
  CreateUser("alice");
  Reply form = Raw({.method = "POST",
                    .url = Url("/api/v1/auth/login"),
                    .headers = {{"Content-Type", "text/plain"}},
                    .body = json({{"name", "alice"}, {"password", kPassword}}).dump()});
  EXPECT_EQ(form.status, 415);
  EXPECT_TRUE(form.Header("Set-Cookie").empty());
}

TEST_F(AuthTest, SecureCookiesWhenConfigured) {
  secure_ = true;
  StartServer();
  CreateUser("alice");
  EXPECT_NE(Login("alice").reply.Header("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserLookTheSame) {
  CreateUser("alice");
  Session wrong = Login("alice", "not-the-password");
  Session unknown = Login("nobody", "not-the-password");
  EXPECT_EQ(wrong.reply.status, 401);
  EXPECT_EQ(unknown.reply.status, 401);
  EXPECT_EQ(wrong.reply.json()["error"]["message"], unknown.reply.json()["error"]["message"]);
  EXPECT_TRUE(wrong.reply.Header("Set-Cookie").empty());
  auto denied = Audit({.action = "auth.login", .result = "denied"});
  ASSERT_EQ(denied.size(), 2u);
  EXPECT_EQ(denied[1].actor, "alice");
  EXPECT_EQ(denied[0].actor, "nobody");
}

TEST_F(AuthTest, DisabledUsersCannotLogIn) {
  auto u = CreateUser("alice");
  u.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(u).ok());
  Session s = Login("alice");
  EXPECT_EQ(s.reply.status, 401);
  EXPECT_NE(s.reply.body.find("disabled"), std::string::npos);
}

TEST_F(AuthTest, ChangesThroughACookieNeedTheCsrfToken) {
  CreateUser("root", true);
  Session s = Login("root");
  json team = {{"name", "data"}};
  Reply no_csrf = WithSession("POST", "/api/v1/teams", s, team, false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.ErrorCode(), "csrf_failed");
  Session forged = s;
  forged.csrf = std::string(s.csrf.size(), 'A');
  EXPECT_EQ(WithSession("POST", "/api/v1/teams", forged, team).status, 403);
  EXPECT_FALSE(store_->FindTeam("data").ok());
  EXPECT_EQ(Audit({.result = "denied"}).size(), 2u);

  EXPECT_EQ(WithSession("POST", "/api/v1/teams", s, team).status, 201);
  EXPECT_TRUE(store_->FindTeam("data").ok());
  // Reads need no token; bearer tokens need none at all.
  EXPECT_EQ(WithSession("GET", "/api/v1/teams", s, nullptr, false).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/teams", TokenFor("root"), {{"name", "ads"}}).status, 201);
}

TEST_F(AuthTest, SessionsEndWhenIdleAndAtTheirAbsoluteEnd) {
  CreateUser("alice");
  Session s = Login("alice");
  Advance(9min);
  EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", s).status, 200);  // activity renews idleness
  Advance(9min);
  EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", s).status, 200);
  Advance(11min);
  Reply idle = WithSession("GET", "/api/v1/auth/me", s);
  EXPECT_EQ(idle.status, 401);
  EXPECT_NE(idle.body.find("expired"), std::string::npos);

  Session t = Login("alice");
  for (int i = 0; i < 6; ++i) {
    Advance(9min);
    EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", t).status, 200) << i;
  }
  Advance(9min);  // 63 minutes after login: past the 1h lifetime although active
  EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", t).status, 401);
}

TEST_F(AuthTest, LogoutEndsTheSessionAndClearsTheCookie) {
  CreateUser("alice");
  Session s = Login("alice");
  EXPECT_EQ(WithSession("POST", "/api/v1/auth/logout", s, nullptr, false).status, 403);  // CSRF
  Reply out = WithSession("POST", "/api/v1/auth/logout", s);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", s).status, 401);
}

TEST_F(AuthTest, ChangingThePasswordEndsSessions) {
  CreateUser("alice");
  Session s = Login("alice");
  Reply changed =
      WithSession("PATCH", "/api/v1/users/alice", s,
                  {{"password", "another-long-password"}, {"currentPassword", kPassword}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(WithSession("GET", "/api/v1/auth/me", s).status, 401);
  EXPECT_EQ(Login("alice").reply.status, 401);
  EXPECT_EQ(Login("alice", "another-long-password").reply.status, 200);
}

TEST_F(AuthTest, LoginsAreRateLimitedPerUserAndPerAddress) {
  CreateUser("alice");
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(Login("alice", "wrong").reply.status, 401);
  Session limited = Login("alice");  // even the right password waits now
  EXPECT_EQ(limited.reply.status, 429);
  EXPECT_GE(std::stoi(limited.reply.Header("Retry-After")), 1);
  EXPECT_LE(std::stoi(limited.reply.Header("Retry-After")), 60);
  EXPECT_EQ(limited.reply.json()["error"]["details"]["retryAfterSeconds"],
            std::stoi(limited.reply.Header("Retry-After")));
  EXPECT_EQ(Audit({.action = "auth.login", .result = "denied"}).size(), 4u);
  // HTTP basic counts too.
  Reply basic = Raw({.method = "POST",
                     .url = Url("/api/v1/auth/tokens"),
                     .headers = {{"Authorization", Basic("alice", kPassword)},
                                 {"Content-Type", "application/json"}},
                     .body = R"({"name":"x"})"});
  EXPECT_EQ(basic.status, 429);
  Advance(61s);
  EXPECT_EQ(Login("alice").reply.status, 200);

  // Per address: other user names from the same address.
  CreateUser("bob");
  for (int i = 0; i < 5; ++i)
    Login("guess-" + std::to_string(i), "wrong");
  EXPECT_EQ(Login("bob").reply.status, 429);
}

TEST_F(AuthTest, TokensFromBasicAuthAreShownOnceAndStoredHashed) {
  CreateUser("alice");
  Reply created = Raw({.method = "POST",
                       .url = Url("/api/v1/auth/tokens"),
                       .headers = {{"Authorization", Basic("alice", kPassword)},
                                   {"Content-Type", "application/json"}},
                       .body = R"({"name":"laptop","scopes":["jobs:read"],"ttl":"2h"})"});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string token = created.json()["token"];
  EXPECT_TRUE(token.starts_with("slc_"));
  EXPECT_EQ(created.json()["scopes"], json({"jobs:read"}));
  EXPECT_TRUE(store_->FindTokenByHash(crypto::HashToken(token)).ok());
  EXPECT_FALSE(store_->FindTokenByHash(token).ok());

  Reply list = Call("GET", "/api/v1/auth/tokens", token);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(token), std::string::npos);
  ASSERT_EQ(list.json()["tokens"].size(), 1u);
  EXPECT_EQ(list.json()["tokens"][0]["name"], "laptop");
  EXPECT_EQ(list.json()["tokens"][0]["current"], true);

  auto audit = Audit({.action = "token.create"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_kind, "basic");
  EXPECT_EQ(audit[0].details_json.find(token), std::string::npos);

  Reply bad = Raw({.method = "POST",
                   .url = Url("/api/v1/auth/tokens"),
                   .headers = {{"Authorization", Basic("alice", "wrong")}},
                   .body = R"({"name":"x"})"});
  EXPECT_EQ(bad.status, 401);
  EXPECT_NE(bad.Header("WWW-Authenticate").find("Basic"), std::string::npos);
  // Basic is for creating tokens only.
  Reply elsewhere = Raw(
      {.url = Url("/api/v1/auth/me"), .headers = {{"Authorization", Basic("alice", kPassword)}}});
  EXPECT_EQ(elsewhere.status, 401);
}

TEST_F(AuthTest, ScopesLimitATokenToLessThanItsUser) {
  CreateUser("root", true);
  std::string read_only = TokenFor("root", R"(["clusters:read","teams:read"])");
  EXPECT_EQ(Call("GET", "/api/v1/teams", read_only).status, 200);
  Reply write = Call("POST", "/api/v1/teams", read_only, {{"name", "data"}});
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/users", read_only).status, 403);

  // A scoped token makes only tokens within its scopes, and no longer-lived than itself.
  Reply wider =
      Call("POST", "/api/v1/auth/tokens", read_only, {{"name", "w"}, {"scopes", {"teams:write"}}});
  EXPECT_EQ(wider.status, 403) << wider.body;
  Reply inherit = Call("POST", "/api/v1/auth/tokens", read_only, {{"name", "i"}});
  ASSERT_EQ(inherit.status, 201) << inherit.body;
  EXPECT_EQ(inherit.json()["scopes"], json({"clusters:read", "teams:read"}));
  int64_t end = Now() + 60'000;
  std::string short_lived = TokenFor("root", R"(["*"])", end);
  Reply child = Call("POST", "/api/v1/auth/tokens", short_lived, {{"name", "c"}, {"ttl", "30d"}});
  ASSERT_EQ(child.status, 201);
  EXPECT_EQ(child.json()["expiresAt"], TimeJson(end));

  // A token of a user with fewer rights than its scopes gets only the user's rights.
  CreateUser("viewer");
  AddMember("data", "viewer", "viewer");
  std::string wide = TokenFor("viewer", R"(["teams:read","teams:write","users:write"])");
  EXPECT_EQ(Call("GET", "/api/v1/teams/data", wide).status, 200);
  EXPECT_EQ(Call("PUT", "/api/v1/teams/data/members/viewer", wide, {{"role", "admin"}}).status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/users", wide, {{"name", "x"}, {"password", kPassword}}).status,
            403);

  Reply unknown = Call("POST", "/api/v1/auth/tokens", TokenFor("root"),
                       {{"name", "u"}, {"scopes", {"jobs:reed"}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["details"]["errors"][0]["path"], "scopes[0]");
  EXPECT_NE(unknown.body.find("did you mean \\\"jobs:read\\\""), std::string::npos) << unknown.body;
}

TEST_F(AuthTest, RevokedAndExpiredTokensAreRefused) {
  CreateUser("alice");
  int64_t id = 0;
  std::string token = TokenFor("alice", R"(["*"])", 0, &id);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", token).status, 200);
  Reply revoke = Call("DELETE", "/api/v1/auth/tokens/" + std::to_string(id), TokenFor("alice"));
  EXPECT_EQ(revoke.status, 204) << revoke.body;
  Reply after = Call("GET", "/api/v1/auth/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_NE(after.body.find("revoked"), std::string::npos);

  std::string expiring = TokenFor("alice", R"(["*"])", Now() + 5000);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", expiring).status, 200);
  Advance(6s);
  Reply expired = Call("GET", "/api/v1/auth/me", expiring);
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.body.find("expired"), std::string::npos);

  EXPECT_EQ(Call("GET", "/api/v1/auth/me", "slc_made_up").status, 401);
  Reply scheme = Call("GET", "/api/v1/auth/me", "", nullptr, {{"Authorization", "Token abc"}});
  EXPECT_EQ(scheme.status, 401);

  // Someone else's token is not found; an administrator may revoke it.
  CreateUser("bob");
  int64_t bobs = 0;
  TokenFor("bob", R"(["*"])", 0, &bobs);
  EXPECT_EQ(Call("DELETE", "/api/v1/auth/tokens/" + std::to_string(bobs), TokenFor("alice")).status,
            404);
  CreateUser("root", true);
  EXPECT_EQ(Call("DELETE", "/api/v1/auth/tokens/" + std::to_string(bobs), TokenFor("root")).status,
            204);
}

TEST_F(AuthTest, LogoutWithATokenRevokesIt) {
  CreateUser("alice");
  std::string token = TokenFor("alice");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", token).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/auth/me", token).status, 401);
}

TEST_F(AuthTest, LastUsedIsWrittenAtMostOnceAMinute) {
  CreateUser("alice");
  int64_t id = 0;
  std::string token = TokenFor("alice", R"(["*"])", 0, &id);
  Call("GET", "/api/v1/auth/me", token);
  int64_t first = store_->GetToken(id)->last_used_at;
  EXPECT_GT(first, 0);
  Advance(30s);
  Call("GET", "/api/v1/auth/me", token);
  EXPECT_EQ(store_->GetToken(id)->last_used_at, first);
  Advance(31s);
  Call("GET", "/api/v1/auth/me", token);
  EXPECT_GT(store_->GetToken(id)->last_used_at, first);
}

TEST_F(AuthTest, BootstrapCreatesOneAdministratorOnce) {
  AuthOptions options{.password_cost = crypto::PasswordCost::Minimal()};
  UserService users(*store_, options);
  auto first = users.Bootstrap("");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_value());
  std::string password = **first;
  EXPECT_EQ(password.size(), 20u);
  EXPECT_TRUE(store_->FindUser("admin")->is_admin);
  EXPECT_EQ(Login("admin", password).reply.status, 200);
  auto again = users.Bootstrap("");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  EXPECT_EQ(*store_->CountUsers(), 1);
}

TEST_F(AuthTest, BootstrapTakesThePasswordFromTheEnvironmentAndChecksIt) {
  AuthOptions options{.password_cost = crypto::PasswordCost::Minimal()};
  UserService users(*store_, options);
  auto weak = users.Bootstrap("short");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().where, "SLUICE_BOOTSTRAP_ADMIN_PASSWORD");
  auto chosen = users.Bootstrap("a-long-enough-password");
  ASSERT_TRUE(chosen.ok());
  EXPECT_FALSE(chosen->has_value());  // nothing to print
  EXPECT_EQ(Login("admin", "a-long-enough-password").reply.status, 200);
}

}  // namespace
}  // namespace sluice::api::testing
