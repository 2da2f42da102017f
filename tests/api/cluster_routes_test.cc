// Clusters: the kinds and their validation, secrets sealed and never returned, optimistic
// concurrency, teams that limit who sees and changes a cluster, audit entries.
#include "api_fixture.h"
#include "common/fs.h"
#include "route_fixtures.h"
#include "store/database.h"

namespace sluice::api::testing {
namespace {

using json = nlohmann::json;

std::string Data(const std::string& name) {
  return ReadFile(sluice::testing::SourceDir() / "tests/api/data" / name).value();
}

class ClusterRoutesTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    CreateUser("root", true);
    root_ = TokenFor("root");
    EnsureTeam("data");
    EnsureTeam("ads");
  }

  json Kubernetes(const std::string& name, json teams = json::array()) {
    return {{"name", name},
            {"kind", "kubernetes"},
            {"config", {{"namespace", "flink"}, {"context", "prod"}}},
            {"secrets", {{"kubeconfig", Data("kubeconfig.yaml")}}},
            {"teams", teams}};
  }

  // The field paths of a 400 answer.
  std::vector<std::string> Paths(const Reply& r) {
    std::vector<std::string> out;
    json body = r.json();
    for (const auto& e : body["error"]["details"]["errors"])
      out.push_back(e["path"]);
    return out;
  }

  std::string root_;
};

TEST_F(ClusterRoutesTest, KubernetesSecretsAreSealedAndNeverReturned) {
  Reply created = Call("POST", "/api/v1/clusters", root_, Kubernetes("prod"));
  ASSERT_EQ(created.status, 201) << created.body;
  json c = created.json();
  EXPECT_EQ(c["secrets"], json({{"kubeconfig", true}, {"token", false}}));
  EXPECT_EQ(c["revision"], 1);
  EXPECT_EQ(created.body.find("kubeconfig-secret-token-value"), std::string::npos);

  Reply got = Call("GET", "/api/v1/clusters/prod", root_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("kubeconfig-secret-token-value"), std::string::npos);
  EXPECT_EQ(got.json()["config"]["namespace"], "flink");
  Reply list = Call("GET", "/api/v1/clusters", root_);
  EXPECT_EQ(list.body.find("kubeconfig-secret-token-value"), std::string::npos);
  EXPECT_EQ(list.json()["clusters"].size(), 1u);

  // At rest: sealed, opened only with the key.
  auto row = store_->FindCluster("prod").value();
  EXPECT_TRUE(row.secrets.starts_with("v1:"));
  EXPECT_EQ(row.secrets.find("kubeconfig"), std::string::npos);
  auto opened = api_->services().clusters.OpenSecrets(row);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ((*opened)["kubeconfig"], Data("kubeconfig.yaml"));

  // Nor in the audit log.
  auto audit = Audit({.action = "cluster.create"});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].details_json.find("kubeconfig-secret-token-value"), std::string::npos);
  EXPECT_EQ(audit[0].target_name, "prod");
  EXPECT_EQ(audit[0].result, "success");
  EXPECT_NE(audit[0].details_json.find("\"kubeconfig\":\"set\""), std::string::npos)
      << audit[0].details_json;
}

TEST_F(ClusterRoutesTest, EachKindIsValidatedWithFieldPaths) {
  Reply r = Call("POST", "/api/v1/clusters", root_,
                 {{"name", "k"},
                  {"kind", "kubernetes"},
                  {"config", {{"namespace", "Bad_NS"}, {"kubeconfig", "x"}}}});
  ASSERT_EQ(r.status, 400) << r.body;
  auto paths = Paths(r);
  EXPECT_NE(std::find(paths.begin(), paths.end(), "config.namespace"), paths.end()) << r.body;
  EXPECT_NE(std::find(paths.begin(), paths.end(), "config.kubeconfig"), paths.end()) << r.body;
  EXPECT_NE(r.body.find("secrets go under secrets.kubeconfig"), std::string::npos) << r.body;

  r = Call("POST", "/api/v1/clusters", root_, {{"name", "k"}, {"kind", "kubernetes"}});
  EXPECT_EQ(Paths(r), std::vector<std::string>{"secrets.kubeconfig"}) << r.body;
  EXPECT_EQ(Call("POST", "/api/v1/clusters", root_,
                 {{"name", "incluster"}, {"kind", "kubernetes"}, {"config", {{"inCluster", true}}}})
                .status,
            201);

  json broken = Kubernetes("k");
  broken["secrets"]["kubeconfig"] = Data("kubeconfig-broken.yaml");
  r = Call("POST", "/api/v1/clusters", root_, broken);
  EXPECT_EQ(Paths(r), std::vector<std::string>{"secrets.kubeconfig"});
  EXPECT_NE(r.body.find("not valid YAML (line"), std::string::npos) << r.body;
  broken["secrets"]["kubeconfig"] = Data("kubeconfig-no-users.yaml");
  r = Call("POST", "/api/v1/clusters", root_, broken);
  EXPECT_NE(r.body.find("has no users"), std::string::npos) << r.body;
  json wrong_context = Kubernetes("k");
  wrong_context["config"]["context"] = "dev";
  r = Call("POST", "/api/v1/clusters", root_, wrong_context);
  EXPECT_EQ(Paths(r), std::vector<std::string>{"config.context"});
  EXPECT_NE(r.body.find("prod, staging"), std::string::npos) << r.body;

  r = Call("POST", "/api/v1/clusters", root_,
           {{"name", "y"}, {"kind", "yarn"}, {"config", {{"resourceManagerUrl", "rm:8088"}}}});
  EXPECT_EQ(Paths(r), std::vector<std::string>{"config.resourceManagerUrl"});
  r = Call("POST", "/api/v1/clusters", root_,
           {{"name", "s"},
            {"kind", "standalone"},
            {"config", {{"jobManagerUrl", "http://jm:8081"}, {"flinkVersoin", "x"}}}});
  EXPECT_EQ(Paths(r), std::vector<std::string>{"config.flinkVersoin"});
  EXPECT_NE(r.body.find("did you mean \\\"flinkVersion\\\""), std::string::npos) << r.body;
  r = Call("POST", "/api/v1/clusters", root_,
           {{"name", "f"},
            {"kind", "flink-version"},
            {"config", {{"flinkHome", "opt/../flink"}, {"version", "1.x"}}}});
  auto fv = Paths(r);
  std::sort(fv.begin(), fv.end());
  EXPECT_EQ(fv, (std::vector<std::string>{"config.flinkHome", "config.version"})) << r.body;
  r = Call("POST", "/api/v1/clusters", root_,
           {{"name", "s"},
            {"kind", "flink-version"},
            {"secrets", {{"token", "t"}}},
            {"config", {{"flinkHome", "/opt/flink"}, {"version", "1.20"}}}});
  EXPECT_EQ(Paths(r), std::vector<std::string>{"secrets.token"});

  // References: teams and Flink versions must exist (422).
  r = Call("POST", "/api/v1/clusters", root_,
           {{"name", "s"},
            {"kind", "standalone"},
            {"config", {{"jobManagerUrl", "http://jm:8081"}, {"flinkVersion", "v1-20"}}}});
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["where"], "config.flinkVersion");
  r = Call("POST", "/api/v1/clusters", root_, Kubernetes("k", {"data", "nope"}));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["error"]["details"]["where"], "teams[1]");

  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_,
                 {{"name", "v1-20"},
                  {"kind", "flink-version"},
                  {"config", {{"flinkHome", "/opt/flink-1.20"}, {"version", "1.20.1"}}}})
                .status,
            201);
  EXPECT_EQ(Call("POST", "/api/v1/clusters", root_,
                 {{"name", "s"},
                  {"kind", "standalone"},
                  {"config", {{"jobManagerUrl", "http://jm:8081"}, {"flinkVersion", "v1-20"}}}})
                .status,
            201);
  // Nothing invalid was stored.
  EXPECT_EQ(store_->ListClusters()->size(), 3u);
  EXPECT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("incluster")).status, 409);
}

TEST_F(ClusterRoutesTest, ConcurrentEditsGet409WithTheCurrentRevision) {
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("prod")).status, 201);
  json edit = {{"kind", "kubernetes"},
               {"config", {{"namespace", "one"}, {"context", "prod"}}},
               {"revision", 1}};
  Reply first = Call("PUT", "/api/v1/clusters/prod", root_, edit);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["revision"], 2);
  EXPECT_EQ(first.json()["secrets"]["kubeconfig"], true);  // kept: not named in the edit
  edit["config"]["namespace"] = "two";
  Reply stale = Call("PUT", "/api/v1/clusters/prod", root_, edit);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json()["error"]["details"]["currentRevision"], 2);
  EXPECT_EQ(store_->FindCluster("prod")->config_json.find("two"), std::string::npos);
  auto audit = Audit({.action = "cluster.update"});
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].result, "failure");
  EXPECT_EQ(audit[0].http_status, 409);

  // Removing the kubeconfig needs inCluster instead; setting a token keeps it.
  json secrets = {{"kind", "kubernetes"},
                  {"config", {{"context", "prod"}}},
                  {"revision", 2},
                  {"secrets", {{"token", "abc"}}}};
  Reply token = Call("PUT", "/api/v1/clusters/prod", root_, secrets);
  ASSERT_EQ(token.status, 200) << token.body;
  EXPECT_EQ(token.json()["secrets"], json({{"kubeconfig", true}, {"token", true}}));
  json remove = {{"kind", "kubernetes"},
                 {"config", {{"inCluster", true}}},
                 {"revision", 3},
                 {"secrets", {{"kubeconfig", nullptr}, {"token", nullptr}}}};
  Reply removed = Call("PUT", "/api/v1/clusters/prod", root_, remove);
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(removed.json()["secrets"], json({{"kubeconfig", false}, {"token", false}}));
  EXPECT_TRUE(store_->FindCluster("prod")->secrets.empty());

  json rename = {{"name", "other"},
                 {"kind", "kubernetes"},
                 {"config", {{"inCluster", true}}},
                 {"revision", 4}};
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/prod", root_, rename).status, 400);
  json kind = {
      {"kind", "yarn"}, {"config", {{"resourceManagerUrl", "http://rm"}}}, {"revision", 4}};
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/prod", root_, kind).status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/nothere", root_, kind).status, 404);
}

TEST_F(ClusterRoutesTest, TeamsLimitWhoSeesAndChangesACluster) {
  CreateUser("dana");
  CreateUser("adam");
  AddMember("data", "dana", "developer");
  AddMember("data", "adam", "admin");
  AddMember("ads", "adam", "viewer");
  std::string dana = TokenFor("dana"), adam = TokenFor("adam");
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("shared")).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("data-only", {"data"})).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("ads-only", {"ads"})).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("both", {"data", "ads"})).status,
            201);

  auto names = [&](const std::string& token) {
    std::vector<std::string> out;
    json list = Call("GET", "/api/v1/clusters", token).json();
    for (const auto& c : list["clusters"])
      out.push_back(c["name"]);
    return out;
  };
  EXPECT_EQ(names(dana), (std::vector<std::string>{"both", "data-only", "shared"}));
  EXPECT_EQ(Call("GET", "/api/v1/clusters/ads-only", dana).status,
            404);  // not 403: not even its name
  EXPECT_EQ(names(adam).size(), 4u);

  json edit = {{"kind", "kubernetes"},
               {"config", {{"context", "prod"}}},
               {"revision", 1},
               {"teams", {"data"}}};
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/data-only", dana, edit).status, 403);  // developer
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/data-only", adam, edit).status, 200);  // team admin
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/both", adam, edit).status, 403);       // not admin of ads
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/shared", adam, edit).status, 403);  // every team: global
  edit["revision"] = 2;
  edit["teams"] = json::array();
  EXPECT_EQ(Call("PUT", "/api/v1/clusters/data-only", adam, edit).status, 403);  // cannot widen
  EXPECT_EQ(Call("POST", "/api/v1/clusters", adam, Kubernetes("mine", {"data"})).status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/clusters", adam, Kubernetes("for-all")).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/clusters", adam, Kubernetes("theirs", {"ads"})).status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/clusters/mine", adam).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/clusters/both", adam).status, 403);
  EXPECT_TRUE(store_->FindCluster("both").ok());

  auto denied = Audit({.action = "cluster.update", .result = "denied"});
  EXPECT_EQ(denied.size(), 4u);
}

TEST_F(ClusterRoutesTest, PreflightReportsChecksAndIsKeptForTheRevision) {
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("prod", {"data"})).status, 201);
  // Without checks installed (a bare ApiServer): 503 saying what to run instead.
  Reply none = Call("POST", "/api/v1/clusters/prod/preflight", root_);
  EXPECT_EQ(none.status, 503) << none.body;
  EXPECT_NE(none.body.find("sluice preflight"), std::string::npos) << none.body;

  auto fake = std::make_shared<FakePreflight>();
  fake->checks["prod"] =
      json::array({{{"name", "api-server"}, {"status", "ok"}, {"message", "answers"}},
                   {{"name", "namespace"},
                    {"status", "error"},
                    {"message", "namespace flink is missing"},
                    {"hint", "kubectl create namespace flink"}},
                   {{"name", "operator"}, {"status", "skipped"}}});
  api_->services().clusters.SetPreflight(fake);
  Reply r = Call("POST", "/api/v1/clusters/prod/preflight", root_);
  ASSERT_EQ(r.status, 200) << r.body;
  json report = r.json();
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["checks"].size(), 3u);
  EXPECT_EQ(report["checks"][1]["hint"], "kubectl create namespace flink");
  EXPECT_FALSE(report["checkedAt"].get<std::string>().empty());
  {
    std::lock_guard lock(fake->mu);
    ASSERT_EQ(fake->calls.size(), 1u);
    // The checks get the opened secrets; the answer never shows them.
    EXPECT_NE(fake->calls[0].second.value("kubeconfig", "").find("kubeconfig-secret-token-value"),
              std::string::npos);
  }
  EXPECT_EQ(r.body.find("kubeconfig-secret-token-value"), std::string::npos);

  // The list and the cluster show the last report of this revision.
  json listed = Call("GET", "/api/v1/clusters", root_).json()["clusters"][0];
  EXPECT_EQ(listed["preflight"], report);
  EXPECT_EQ(Call("GET", "/api/v1/clusters/prod", root_).json()["preflight"], report);
  EXPECT_EQ(Audit({.action = "cluster.preflight", .result = "failure"}).size(), 1u);  // the 503
  auto audited = Audit({.action = "cluster.preflight", .result = "success"});
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].target_name, "prod");
  EXPECT_EQ(audited[0].result, "success");
  EXPECT_NE(audited[0].details_json.find("namespace"), std::string::npos);

  // All checks passing: ok. A new revision forgets the old report.
  fake->checks["prod"] = json::array(
      {{{"name", "api-server"}, {"status", "ok"}}, {{"name", "quota"}, {"status", "warning"}}});
  EXPECT_EQ(Call("POST", "/api/v1/clusters/prod/preflight", root_).json()["ok"], true);
  json edit = {{"kind", "kubernetes"},
               {"config", {{"context", "prod"}}},
               {"revision", 1},
               {"teams", {"data"}}};
  ASSERT_EQ(Call("PUT", "/api/v1/clusters/prod", root_, edit).status, 200);
  EXPECT_FALSE(Call("GET", "/api/v1/clusters/prod", root_).json().contains("preflight"));
}

TEST_F(ClusterRoutesTest, PreflightNeedsClusterAdmin) {
  api_->services().clusters.SetPreflight(std::make_shared<FakePreflight>());
  CreateUser("dana");
  CreateUser("adam");
  CreateUser("vic");
  AddMember("data", "dana", "developer");
  AddMember("data", "adam", "admin");
  AddMember("data", "vic", "viewer");
  std::string dana = TokenFor("dana"), adam = TokenFor("adam"), vic = TokenFor("vic");
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("data-only", {"data"})).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("ads-only", {"ads"})).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("shared")).status, 201);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/data-only/preflight", adam).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/data-only/preflight", dana).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/data-only/preflight", vic).status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/ads-only/preflight", adam).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/shared/preflight", adam).status, 403);  // global
  EXPECT_EQ(Call("POST", "/api/v1/clusters/shared/preflight", root_).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/nothere/preflight", root_).status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/clusters/data-only/preflight").status, 401);
  EXPECT_EQ(Audit({.action = "cluster.preflight", .result = "denied"}).size(), 4u);
  EXPECT_EQ(Audit({.action = "cluster.preflight", .result = "success"}).size(), 2u);
}

TEST_F(ClusterRoutesTest, AClusterInUseCannotBeDeleted) {
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("prod")).status, 201);
  ASSERT_TRUE(
      store_
          ->CreateJob(
              {.name = "orders", .cluster = "prod", .desired_state = "RUNNING", .state = "RUNNING"},
              {.spec_json = "{}"})
          .ok());
  Reply r = Call("DELETE", "/api/v1/clusters/prod", root_);
  EXPECT_EQ(r.status, 422);
  EXPECT_NE(r.body.find("used by 1 job"), std::string::npos) << r.body;
  EXPECT_TRUE(store_->FindCluster("prod").ok());
  EXPECT_EQ(Call("DELETE", "/api/v1/clusters/nothere", root_).status, 404);
}

TEST_F(ClusterRoutesTest, ListFiltersByKind) {
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_, Kubernetes("prod")).status, 201);
  ASSERT_EQ(Call("POST", "/api/v1/clusters", root_,
                 {{"name", "v1"},
                  {"kind", "flink-version"},
                  {"config", {{"flinkHome", "/opt/f"}, {"version", "2.0"}}}})
                .status,
            201);
  auto list = Call("GET", "/api/v1/clusters?kind=flink-version", root_).json()["clusters"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "v1");
  EXPECT_EQ(Call("GET", "/api/v1/clusters?kind=mesos", root_).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/clusters?knd=yarn", root_).status, 400);
}

}  // namespace
}  // namespace sluice::api::testing
