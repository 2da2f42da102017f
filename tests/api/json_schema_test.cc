// The request validator, driven by tests/api/data/schema_cases.json.
#include "api/json_schema.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "support/test_env.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

TEST(JsonSchemaTest, CasesFromTheDataFile) {
  json data = json::parse(
      ReadFile(sluice::testing::SourceDir() / "tests/api/data/schema_cases.json").value());
  json components = data["components"];
  SchemaValidator validator(&components);
  int checked = 0;
  for (const auto& c : data["cases"]) {
    for (const auto& v : c["values"]) {
      auto errors = validator.Validate(c["schema"], v["value"]);
      std::sort(errors.begin(), errors.end(),
                [](const auto& a, const auto& b) { return a.path < b.path; });
      std::string what = c["what"].get<std::string>() + ": " + v["value"].dump();
      ASSERT_EQ(errors.size(), v["errors"].size())
          << what << (errors.empty() ? "" : " first: " + errors[0].path + " " + errors[0].message);
      for (size_t i = 0; i < errors.size(); ++i) {
        EXPECT_EQ(errors[i].path, v["errors"][i][0]) << what;
        EXPECT_NE(errors[i].message.find(v["errors"][i][1].get<std::string>()), std::string::npos)
            << what << ": " << errors[i].message;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

TEST(JsonSchemaTest, StopsAtTheErrorLimitAndAtDeepNesting) {
  json schema = {{"type", "object"}, {"additionalProperties", false}};
  json value = json::object();
  for (int i = 0; i < 50; ++i)
    value["f" + std::to_string(i)] = i;
  EXPECT_EQ(SchemaValidator().Validate(schema, value, "", 5).size(), 5u);

  json deep_schema = {{"type", "object"},
                      {"additionalProperties", {{"$ref", "#/components/schemas/Deep"}}}};
  json components = {{"Deep", deep_schema}};
  json deep = json::object();
  json* at = &deep;
  for (int i = 0; i < 200; ++i)
    at = &((*at)["a"] = json::object());
  auto errors = SchemaValidator(&components).Validate(deep_schema, deep);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("nested too deeply"), std::string::npos);
}

TEST(JsonSchemaTest, ParseErrorsNameLineAndColumnWithoutEchoingTheInput) {
  auto r = ParseJsonBody("{\n  \"a\": tru\n}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(r.error().where.starts_with("body:2:")) << r.error().where;
  auto binary = ParseJsonBody("{\"a\":\"\xff\"}");
  ASSERT_FALSE(binary.ok());
  EXPECT_EQ(binary.error().message.find('\xff'), std::string::npos);
  EXPECT_TRUE(ParseJsonBody(" {\"a\": [1, 2]} ").ok());
}

// The fast path for flat objects of strings answers what json::parse answers.
TEST(JsonSchemaTest, FlatBodiesParseAsJsonParseDoes) {
  for (std::string body : {
           R"({"sql":"SELECT 1;\nSELECT 'a\"b\\c\/d\te\r\bf\f';","flinkVersion":"1.20"})",
           " \r\n\t{ \"a\" : \"b\" , \"c\":\"\" }\n ",
           R"({"a":"\u00e9\ud83d\ude00"})",
           "{\"a\":\"\xc3\xa9\"}",
           R"({"a":"b","a":"c"})",
           R"({"a":1,"b":"c"})",
           R"({"a":{"b":"c"}})",
           R"({})",
           R"({"a":"b"} x)",
           R"({"a":"b",})",
           R"({"a":"b")",
           R"({"a":"b)",
           "{\"a\":\"b\x01\"}",
           R"({"a":"\x"})",
           R"({"a":"b"}{)",
           R"(["a"])",
       }) {
    auto ours = ParseJsonBody(body);
    json theirs;
    bool valid = true;
    try {
      theirs = json::parse(body);
    } catch (const json::parse_error&) {
      valid = false;
    }
    ASSERT_EQ(ours.ok(), valid) << body;
    if (valid) {
      EXPECT_EQ(*ours, theirs) << body;
    }
  }
}

}  // namespace
}  // namespace sluice::api
