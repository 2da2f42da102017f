#include "http/router.h"

#include <gtest/gtest.h>

namespace sluice::http {
namespace {

TEST(RouterTest, MatchesPatterns) {
  std::map<std::string, std::string> p;
  EXPECT_TRUE(MatchPattern("/api/v1/jobs/{name}", "/api/v1/jobs/orders", &p));
  EXPECT_EQ(p["name"], "orders");
  EXPECT_FALSE(MatchPattern("/api/v1/jobs/{name}", "/api/v1/jobs/", &p));
  EXPECT_FALSE(MatchPattern("/api/v1/jobs/{name}", "/api/v1/jobs/a/b", &p));
  EXPECT_FALSE(MatchPattern("/api/v1/jobs", "/api/v1/jobs/", &p));
  EXPECT_FALSE(MatchPattern("/api/v1/jobs", "/api/v1", &p));
  EXPECT_FALSE(MatchPattern("/api/v1/jobs", "", &p));
  EXPECT_TRUE(MatchPattern("/api/v1/jobs", "/api/v1/jobs", &p));
  EXPECT_TRUE(MatchPattern("/", "/", &p));
  EXPECT_FALSE(MatchPattern("/files/{rest...}", "/files/", &p));
  EXPECT_TRUE(MatchPattern("/files/{rest...}", "/files/a/b%20c", &p));
  EXPECT_EQ(p["rest"], "a/b c");
  EXPECT_TRUE(MatchPattern("/x/{id}", "/x/a%2Fb", &p));
  EXPECT_EQ(p["id"], "a/b");
}

TEST(RouterTest, DispatchAnd405) {
  Router r;
  r.Add("GET", "/things/{id}", [](Request& req) { return Response::Text(200, req.Param("id")); });
  Request get{.method = "GET", .path = "/things/7"};
  auto res = r.Dispatch(get);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "7");
  EXPECT_EQ(get.route, "/things/{id}");

  Request del{.method = "DELETE", .path = "/things/7"};
  res = r.Dispatch(del);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(res.headers["Allow"], "GET");
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["error"]["code"], "method_not_allowed");

  Request missing{.method = "GET", .path = "/nope"};
  EXPECT_EQ(r.Dispatch(missing).status, 404);
}

TEST(MessageTest, QueryDecoding) {
  auto q = ParseQuery("a=1&b=x%20y&c=p+q&flag");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1].second, "x y");
  EXPECT_EQ(q[2].second, "p q");
  EXPECT_EQ(q[3].first, "flag");
  EXPECT_EQ(PercentEncode("a b/c"), "a%20b%2Fc");
}

TEST(MessageTest, ErrorShape) {
  auto res = Response::FromError(NotFound("no job \"x\"").At("jobs/x").Hint("create it"));
  EXPECT_EQ(res.status, 404);
  auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_EQ(body["error"]["message"], "no job \"x\"");
  EXPECT_EQ(body["error"]["details"]["where"], "jobs/x");
  EXPECT_EQ(body["error"]["details"]["hint"], "create it");
}

}  // namespace
}  // namespace sluice::http
