// The served OpenAPI document against the router: every route documented, every
// documented operation routed, parameters declared, references resolvable.
#include <set>

#include "api_fixture.h"
#include "common/fs.h"
#include "common/strings.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

void CollectRefs(const json& j, std::set<std::string>& refs) {
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == "$ref" && v.is_string()) refs.insert(v);
      CollectRefs(v, refs);
    }
  } else if (j.is_array()) {
    for (const auto& v : j)
      CollectRefs(v, refs);
  }
}

class OpenApiTest : public ApiFixture {};

TEST_F(OpenApiTest, TheDocumentMatchesTheRouter) {
  Reply r = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.json();
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["version"], "0.1.0");

  std::set<std::string> routed, documented;
  for (const auto& route : api_->router().routes())
    routed.insert(route.method + " " + route.pattern);
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string upper = method;
      for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
    }
  }
  for (const auto& r : routed)
    EXPECT_TRUE(documented.contains(r)) << r << " is routed but not documented";
  for (const auto& d : documented)
    EXPECT_TRUE(routed.contains(d)) << d << " is documented but not routed";
  EXPECT_GE(routed.size(), 25u);
}

TEST_F(OpenApiTest, EveryOperationIsComplete) {
  json doc = Call("GET", "/api/v1/openapi.json").json();
  std::set<std::string> operation_ids;
  for (const auto& [path, ops] : doc["paths"].items()) {
    std::set<std::string> params_in_path;
    for (const auto& seg : Split(path, '/')) {
      if (seg.size() > 2 && seg.front() == '{')
        params_in_path.insert(seg.substr(1, seg.size() - 2));
    }
    for (const auto& [method, op] : ops.items()) {
      std::string what = method + " " + path;
      EXPECT_FALSE(op.value("summary", "").empty()) << what;
      EXPECT_FALSE(op.value("x-permission", "").empty()) << what;
      EXPECT_TRUE(op.contains("security")) << what;
      EXPECT_TRUE(operation_ids.insert(op.value("operationId", "")).second)
          << what << " repeats an operationId";
      ASSERT_TRUE(op.contains("responses") && !op["responses"].empty()) << what;
      std::set<std::string> declared;
      for (const auto& p : op.value("parameters", json::array())) {
        if (p["in"] == "path") {
          declared.insert(p["name"]);
          EXPECT_TRUE(p["required"].get<bool>()) << what;
        }
        EXPECT_TRUE(p.contains("schema")) << what;
      }
      EXPECT_EQ(declared, params_in_path) << what;
      bool is_public = op["security"].empty();
      if (!is_public) {
        EXPECT_TRUE(op["responses"].contains("401")) << what;
      }
      if (op["x-permission"] != "public" && op["x-permission"] != "authenticated") {
        EXPECT_TRUE(op["responses"].contains("403")) << what;
      }
      if (op.contains("requestBody")) {
        EXPECT_TRUE(op["responses"].contains("400")) << what;
        EXPECT_TRUE(op["requestBody"]["content"].contains("application/json")) << what;
      }
      for (const auto& [status, response] : op["responses"].items()) {
        EXPECT_FALSE(response.value("description", "").empty()) << what << " " << status;
      }
    }
  }
}

TEST_F(OpenApiTest, EveryReferenceResolves) {
  json doc = Call("GET", "/api/v1/openapi.json").json();
  std::set<std::string> refs;
  CollectRefs(doc, refs);
  EXPECT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/components/schemas/")) << ref;
    EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(21))) << ref;
  }
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearerToken"));
}

TEST_F(OpenApiTest, TheUserDocumentationListsEveryRoute) {
  std::string doc = ReadFile(sluice::testing::SourceDir() / "docs/api.md").value();
  for (const RouteSpec* spec : api_->routes().specs()) {
    EXPECT_NE(doc.find(spec->method + " " + spec->pattern), std::string::npos)
        << spec->method << " " << spec->pattern << " is missing from docs/api.md";
  }
}

}  // namespace
}  // namespace sluice::api::testing
