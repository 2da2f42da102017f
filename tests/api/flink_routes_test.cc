// GET /api/v1/flink/options: the compiled-in option catalog of a Flink version, for anyone
// signed in, served from memory with an ETag.
#include "api_fixture.h"
#include "flinkconf/catalog.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

class FlinkRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("nobody");  // in no team: reading the catalog needs no role
    token_ = TokenFor("nobody");
  }
  std::string token_;
};

const json* FindKey(const json& list, const std::string& key) {
  for (const auto& o : list) {
    if (o["key"] == key) return &o;
  }
  return nullptr;
}

TEST_F(FlinkRoutesTest, AnswersTheCatalogOfTheVersion) {
  Reply r = Call("GET", "/api/v1/flink/options?version=1.20", token_);
  ASSERT_EQ(r.status, 200) << r.body;
  json list = r.json();
  ASSERT_TRUE(list.is_array());
  auto choice = flinkconf::CatalogFor(std::string_view("1.20"));
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(list.size(), choice->catalog->options().size());
  EXPECT_EQ(r.Header("X-Sluice-Catalog-Version"), "1.20");

  const json* restart = FindKey(list, "restart-strategy.type");
  ASSERT_NE(restart, nullptr);
  EXPECT_EQ((*restart)["type"], "String");
  EXPECT_TRUE((*restart)["default"].is_null());
  EXPECT_FALSE((*restart)["description"].get<std::string>().empty());
  EXPECT_NE(std::find((*restart)["deprecatedKeys"].begin(), (*restart)["deprecatedKeys"].end(),
                      "restart-strategy"),
            (*restart)["deprecatedKeys"].end());
  const json* mode = FindKey(list, "execution.runtime-mode");
  ASSERT_NE(mode, nullptr);
  EXPECT_EQ((*mode)["default"], "STREAMING");
  EXPECT_EQ((*mode)["values"], json({"STREAMING", "BATCH", "AUTOMATIC"}));

  // Another version, another catalog; a patch level does not matter.
  Reply newer = Call("GET", "/api/v1/flink/options?version=2.2.0", token_);
  ASSERT_EQ(newer.status, 200);
  EXPECT_EQ(newer.Header("X-Sluice-Catalog-Version"), "2.2");
  EXPECT_NE(newer.Header("ETag"), r.Header("ETag"));
  // A release without a catalog of its own gets the one that stands in for it.
  Reply stand_in = Call("GET", "/api/v1/flink/options?version=1.18", token_);
  ASSERT_EQ(stand_in.status, 200);
  EXPECT_EQ(stand_in.Header("X-Sluice-Catalog-Version"), "1.17");
}

TEST_F(FlinkRoutesTest, ServesTheSameBytesWithAnETag) {
  Reply first = Call("GET", "/api/v1/flink/options?version=1.20", token_);
  Reply second = Call("GET", "/api/v1/flink/options?version=1.20", token_);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body, second.body);
  std::string etag = first.Header("ETag");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(etag, second.Header("ETag"));
  Reply unchanged =
      Call("GET", "/api/v1/flink/options?version=1.20", token_, nullptr, {{"If-None-Match", etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_TRUE(unchanged.body.empty());
  Reply stale = Call("GET", "/api/v1/flink/options?version=1.20", token_, nullptr,
                     {{"If-None-Match", "\"flink-1.20-0\""}});
  EXPECT_EQ(stale.status, 200);
}

TEST_F(FlinkRoutesTest, UnknownVersionsAndCallers) {
  for (const char* v : {"9.1", "latest", "1.16"}) {
    Reply r = Call("GET", std::string("/api/v1/flink/options?version=") + v, token_);
    EXPECT_EQ(r.status, 404) << v << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["where"], "version");
    EXPECT_NE(r.body.find("1.17, 1.18"), std::string::npos) << r.body;
  }
  EXPECT_EQ(Call("GET", "/api/v1/flink/options?version=1.20").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/flink/options?flink=1.20", token_).status, 400);
}

}  // namespace
}  // namespace sluice::api::testing
