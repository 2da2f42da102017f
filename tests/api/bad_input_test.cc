// Every route, called by an administrator (so that checks of the input are reached) with
// broken input: malformed JSON, wrong types for each field of its schema, unknown fields
// and parameters, bodies over its limit, and path names that try to climb out. Each gets
// a 4xx in the one error shape, and nothing in the store changes.
#include "api/openapi.h"
#include "api_fixture.h"
#include "common/crypto.h"
#include "common/fs.h"
#include "route_fixtures.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

json BadInput() {
  return json::parse(
      ReadFile(sluice::testing::SourceDir() / "tests/api/data/bad_input.json").value());
}

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string BodyOf(const json& c) {
  if (c.contains("text")) return c["text"];
  if (c.contains("hex")) return FromHex(c["hex"]);
  std::string out;
  for (int i = 0; i < c["depth"].get<int>(); ++i)
    out += c["nest"].get<std::string>();
  return out;
}

// A value of another type than the schema asks for.
json WrongType(const json& schema) {
  std::string type = schema.value("type", "object");
  if (type == "string") return 12345;
  if (type == "integer" || type == "number") return "12";
  if (type == "boolean") return "yes";
  if (type == "array") return json{{"a", 1}};
  return json::array({1});
}

class BadInputTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("walk-admin", true);
    CreateUser(kWalkTarget);
    EnsureTeam(kWalkTeam);
    admin_ = TokenFor("walk-admin");
    schemas_ = BuildOpenApi(api_->routes())["components"]["schemas"];
  }

  // Everything a route could change, in one string.
  std::string Snapshot() {
    json s;
    auto users = store_->ListUsers().value();
    for (const auto& u : users) {
      s["users"].push_back({u.name, u.display_name, u.is_admin, u.disabled, u.updated_at,
                            crypto::HashToken(u.password_hash)});
      auto tokens = store_->ListTokens(u.id).value();
      for (const auto& t : tokens)
        s["tokens"].push_back({t.id, t.name, t.revoked_at});
    }
    auto teams = store_->ListTeams().value();
    for (const auto& t : teams) {
      s["teams"].push_back({t.name, t.description});
      auto members = store_->ListTeamMembers(t.id).value();
      for (const auto& m : members)
        s["members"].push_back({t.name, m.user, m.role});
    }
    auto clusters = store_->ListClusters().value();
    for (const auto& c : clusters) {
      s["clusters"].push_back({c.name, c.revision, c.config_json, c.teams_json, c.secrets});
    }
    auto jobs = store_->ListJobs({.limit = 1000}).value();
    for (const auto& j : jobs.jobs) {
      s["jobs"].push_back({j.name, j.revision, j.spec_version, j.desired_state, j.team_id});
    }
    s["lastEvent"] = store_->LatestEventId().value();
    return s.dump();
  }

  Reply Send(const RouteSpec& spec, const std::string& path, const std::string& body,
             const std::string& content_type = "application/json") {
    http::ClientRequest req{.method = spec.method, .url = Url(path)};
    if (spec.access.kind != Access::Kind::kPublic)
      req.headers["Authorization"] = "Bearer " + admin_;
    if (!body.empty()) {
      req.body = body;
      req.headers["Content-Type"] = content_type;
    }
    if (spec.event_stream) {
      auto first = std::make_shared<std::string>();
      req.on_data = [first](std::string_view chunk) {
        first->assign(chunk);
        return false;
      };
      Reply r = Raw(req);
      r.body = *first;
      return r;
    }
    return Raw(req);
  }

  // A refusal in the one error shape.
  void ExpectRefused(const Reply& r, const std::string& what, std::vector<int> statuses = {400}) {
    EXPECT_NE(std::find(statuses.begin(), statuses.end(), r.status), statuses.end())
        << what << ": got " << r.status << " " << r.body.substr(0, 300);
    json j = r.json();
    EXPECT_TRUE(j.is_object() && j.contains("error") && j["error"].contains("code") &&
                !j["error"].value("message", "").empty())
        << what << ": " << r.body.substr(0, 300);
  }

  const json& Resolve(const json& schema) {
    if (schema.contains("$ref")) {
      std::string ref = schema["$ref"];
      return schemas_[ref.substr(ref.rfind('/') + 1)];
    }
    return schema;
  }

  std::string admin_;
  json schemas_;
};

TEST_F(BadInputTest, EveryRouteRefusesBrokenInputAndChangesNothing) {
  json bad = BadInput();
  WalkEnv env{*store_, *api_};
  Caller caller{"walk-admin", store_->FindUser("walk-admin")->id};
  int cases = 0;
  for (const RouteSpec* spec : api_->routes().specs()) {
    if (spec->access.kind == Access::Kind::kPublic && spec->request.is_null() &&
        spec->pattern.find('{') == std::string::npos) {
      continue;  // nothing to break
    }
    std::string key = spec->method + " " + spec->pattern;
    auto fixture = RouteFixtures().find(key);
    Prepared p = fixture == RouteFixtures().end() ? Prepared{} : fixture->second(env, caller);
    std::string path = FillPath(spec->pattern, p.params);
    std::string before = Snapshot();

    // Unknown query parameters.
    ExpectRefused(Send(*spec, path + "?zzUnknownParam=1", ""),
                  key + " with an unknown query parameter");
    ++cases;

    // Names that are not names, in every path parameter.
    for (const auto& [param, value] : p.params) {
      for (const auto& name : bad["names"]) {
        std::string broken = spec->pattern;
        for (const auto& [other, v] : p.params) {
          std::string filler = other == param ? name.get<std::string>() : http::PercentEncode(v);
          broken.replace(broken.find("{" + other + "}"), other.size() + 2, filler);
        }
        ExpectRefused(Send(*spec, broken, p.body.is_null() ? "" : p.body.dump()),
                      key + " with " + param + "=" + name.get<std::string>(), {400, 404});
        ++cases;
      }
    }

    if (spec->method != "GET") {
      for (const auto& c : bad["bodies"]) {
        ExpectRefused(Send(*spec, path, BodyOf(c)), key + " with " + c["what"].get<std::string>(),
                      {400, 413});
        ++cases;
      }
      ExpectRefused(Send(*spec, path, std::string(spec->max_body_bytes + 1, ' ') + "{}"),
                    key + " with a body over its limit", {400, 413});
      ++cases;
    }

    if (!spec->request.is_null()) {
      if (spec->access.kind == Access::Kind::kPublic) {  // no Authorization header: a form post
        ExpectRefused(Send(*spec, path, p.body.dump(), "application/x-www-form-urlencoded"),
                      key + " with a form body", {415});
      }
      json unknown = p.body;
      unknown["zzUnknownField"] = 1;
      Reply r = Send(*spec, path, unknown.dump());
      ExpectRefused(r, key + " with an unknown field");
      EXPECT_NE(r.body.find("\"path\":\"zzUnknownField\""), std::string::npos)
          << key << " " << r.body;
      cases += 2;
      json properties = Resolve(spec->request).value("properties", json::object());
      for (const auto& [field, schema] : properties.items()) {
        json wrong = p.body;
        wrong[field] = WrongType(Resolve(schema));
        Reply w = Send(*spec, path, wrong.dump());
        ExpectRefused(w, key + " with the wrong type for " + field);
        EXPECT_NE(w.body.find("\"path\":\"" + field), std::string::npos)
            << key << " " << field << " " << w.body;
        ++cases;
      }
    }
    EXPECT_EQ(Snapshot(), before) << key << " changed something on broken input";
  }
  EXPECT_GE(cases, 300);
}

TEST_F(BadInputTest, SyntaxErrorsNameLineAndColumn) {
  Reply r =
      Call("POST", "/api/v1/teams", admin_, "{\n  \"name\": \"x\",\n  \"description\" \"y\"\n}");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["details"]["where"], "body:3:19")
      << r.body;  // where the bad token ends
  EXPECT_NE(r.json()["error"]["details"]["hint"].get<std::string>().find("application/json"),
            std::string::npos);
}

TEST_F(BadInputTest, ServerLimitAnswers413) {
  // Over the server's own limit (8 MiB by default): refused before any route sees it.
  Reply r =
      Raw({.method = "POST",
           .url = Url("/api/v1/teams"),
           .headers = {{"Authorization", "Bearer " + admin_}, {"Content-Type", "application/json"}},
           .body = std::string(9u << 20, ' ')});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.ErrorCode(), "payload_too_large");
}

}  // namespace
}  // namespace sluice::api::testing
