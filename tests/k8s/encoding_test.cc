#include "k8s/encoding.h"

#include <gtest/gtest.h>

#include "k8s/credentials.h"
#include "k8s/errors.h"
#include "k8s/resource.h"

namespace sluice::k8s {
namespace {

TEST(Encoding, Base64RoundTrips) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                       "foobar", std::string("\0\xff\x10", 3)}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*Base64Decode("Zm9v\nYmE="), "fooba");  // line breaks as in kubeconfigs
  EXPECT_EQ(*Base64Decode("Zm9vYmE"), "fooba");     // padding optional
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
  EXPECT_FALSE(Base64Decode("Z").ok());
}

TEST(Encoding, Rfc3339) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(*ParseRfc3339("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(*ParseRfc3339("2026-01-02T03:04:05Z"), 1767323045000);
  EXPECT_FALSE(ParseRfc3339("yesterday").ok());
}

TEST(Encoding, YamlScalarsFollowTheCoreSchema) {
  auto j = YamlToJson("a: 1\nb: '1'\nc: true\nd: ~\ne: 1.5\nf: v1\ng: [x, 2]\n");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["a"], 1);
  EXPECT_EQ((*j)["b"], "1");
  EXPECT_EQ((*j)["c"], true);
  EXPECT_TRUE((*j)["d"].is_null());
  EXPECT_EQ((*j)["e"], 1.5);
  EXPECT_EQ((*j)["f"], "v1");
  EXPECT_EQ((*j)["g"], nlohmann::json::array({"x", 2}));
  auto docs = YamlDocumentsToJson("a: 1\n---\n---\nb: 2\n");
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->size(), 2u);
  auto bad = YamlToJson("a: [1,\n", "x.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("x.yaml:"), std::string::npos);
}

TEST(ExecCredential, ParsesTokensCertificatesAndExpiry) {
  auto c = ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential",
          "status":{"token":"t","expirationTimestamp":"1970-01-01T00:00:10Z"}})",
      "client.authentication.k8s.io/v1");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->token, "t");
  EXPECT_EQ(c->expires_at_ms, 10000);
  EXPECT_FALSE(ParseExecCredential(R"({"kind":"ExecCredential","status":{}})", "").ok());
  EXPECT_FALSE(ParseExecCredential("not json", "").ok());
  auto wrong = ParseExecCredential(
      R"({"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}})",
      "client.authentication.k8s.io/v1");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("v1beta1"), std::string::npos);
  EXPECT_FALSE(
      ParseExecCredential(R"({"kind":"ExecCredential","status":{"clientCertificateData":"c"}})", "")
          .ok());
}

TEST(Errors, StatusesMapToCodesAndQuoteTheServer) {
  std::string body =
      R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"configmaps \"x\" already exists","reason":"AlreadyExists","code":409})";
  Error e = ApiError("create", "ConfigMap ns/x", ParseStatus(409, body));
  EXPECT_EQ(e.code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(e.message, "create ConfigMap ns/x: configmaps \"x\" already exists");
  EXPECT_EQ(e.where, "ConfigMap ns/x");
  EXPECT_EQ(CodeFor(409, "Conflict"), ErrorCode::kConflict);
  EXPECT_EQ(CodeFor(422, "Invalid"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeFor(403, "Forbidden"), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeFor(404, "NotFound"), ErrorCode::kNotFound);
  EXPECT_EQ(CodeFor(503, ""), ErrorCode::kUnavailable);
  EXPECT_EQ(CodeFor(504, ""), ErrorCode::kTimeout);
  EXPECT_EQ(CodeFor(429, ""), ErrorCode::kResourceExhausted);
  ApiStatus plain = ParseStatus(502, "<html>bad gateway</html>");
  EXPECT_EQ(plain.message, "HTTP 502: <html>bad gateway</html>");
  std::string invalid =
      R"({"kind":"Status","message":"Service \"X\" is invalid","reason":"Invalid","code":422,
          "details":{"causes":[{"field":"metadata.name","message":"a DNS-1035 label must consist of lower case"}]}})";
  Error inv = ApiError("create", "Service ns/X", ParseStatus(422, invalid));
  EXPECT_NE(inv.message.find("metadata.name: a DNS-1035 label"), std::string::npos);
}

TEST(Resources, PathsForCoreNamedAndClusterScopedTypes) {
  EXPECT_EQ(ObjectPath(types::ConfigMap(), "ns", "a"), "/api/v1/namespaces/ns/configmaps/a");
  EXPECT_EQ(ObjectPath(types::Deployment(), "ns", "a", "status"),
            "/apis/apps/v1/namespaces/ns/deployments/a/status");
  EXPECT_EQ(CollectionPath(types::Pod(), ""), "/api/v1/pods");
  EXPECT_EQ(ObjectPath(types::Namespace(), "ignored", "flink"), "/api/v1/namespaces/flink");
  EXPECT_EQ(ObjectPath(types::ClusterRole(), "", "edit"),
            "/apis/rbac.authorization.k8s.io/v1/clusterroles/edit");
  EXPECT_EQ(Describe(types::Deployment(), "ns", "a"), "Deployment ns/a");
  EXPECT_EQ(types::Deployment().Qualified(), "deployments.apps");
  nlohmann::json crd = {
      {"spec",
       {{"group", "flink.apache.org"},
        {"scope", "Namespaced"},
        {"names", {{"plural", "flinkdeployments"}, {"kind", "FlinkDeployment"}}},
        {"versions", {{{"name", "v1beta1"}, {"served", true}, {"storage", true}}}}}}};
  auto t = TypeFromCrd(crd);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(CollectionPath(*t, "ns"),
            "/apis/flink.apache.org/v1beta1/namespaces/ns/flinkdeployments");
  EXPECT_FALSE(TypeFromCrd(crd, "v2").ok());
}

}  // namespace
}  // namespace sluice::k8s
