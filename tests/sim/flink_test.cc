// What Flink does on the simulated Kubernetes: native application and session clusters,
// the JobManager REST API (every answer checked against the reference OpenAPI spec of its
// version), savepoints, restore, cancel, RBAC and image problems, and faults.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "sim/test_support.h"

namespace sluice::sim::testing {
namespace {

const char* kAppConfig = R"(execution.target: kubernetes-application
pipeline.jars: [local:///opt/flink/usrlib/job.jar]
$internal.application.main: com.acme.Job
$internal.application.program-args: ["--input", "s3://in"]
parallelism.default: 3
taskmanager.numberOfTaskSlots: 2
execution.checkpointing.interval: 40ms
state.checkpoints.dir: s3://bucket/checkpoints
state.savepoints.dir: s3://bucket/savepoints
)";

class FlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = StartSim();
    c_ = std::make_unique<Client>(*sim_);
    ASSERT_EQ(c_->Post("/api/v1/namespaces", {{"metadata", {{"name", "f"}}}}).status, 201);
    for (const char* sa : {"flink", "norbac"}) {
      ASSERT_EQ(
          c_->Post("/api/v1/namespaces/f/serviceaccounts", {{"metadata", {{"name", sa}}}}).status,
          201);
    }
    json crb = {
        {"metadata", {{"name", "flink-edit"}}},
        {"roleRef",
         {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
        {"subjects", {{{"kind", "ServiceAccount"}, {"name", "flink"}, {"namespace", "f"}}}}};
    ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", crb).status, 201);
  }

  std::string Deploy(const std::string& cid, const std::string& config,
                     const std::string& image = "flink:1.20.1-scala_2.12",
                     const std::string& sa = "flink", const std::string& key = "config.yaml") {
    auto d =
        c_->Post("/apis/apps/v1/namespaces/f/deployments", FlinkDeployment("f", cid, image, sa));
    EXPECT_EQ(d.status, 201) << d.raw;
    std::string uid = d.body["metadata"]["uid"];
    EXPECT_EQ(
        c_->Post("/api/v1/namespaces/f/configmaps", FlinkConfigMap("f", cid, config, uid, key))
            .status,
        201);
    json svc = FlinkRestService("f", cid);
    svc["metadata"]["ownerReferences"] = {{{"apiVersion", "apps/v1"},
                                           {"kind", "Deployment"},
                                           {"name", cid},
                                           {"uid", uid},
                                           {"controller", true}}};
    EXPECT_EQ(c_->Post("/api/v1/namespaces/f/services", svc).status, 201);
    return uid;
  }

  // A JobManager REST call through the API server's service proxy; every successful
  // answer must conform to the spec of the cluster's Flink version.
  Reply Rest(const std::string& cid, const std::string& method, const std::string& path,
             const json& body = nullptr) {
    auto r =
        c_->Call(method, "/api/v1/namespaces/f/services/" + cid + "-rest:rest/proxy" + path, body);
    if (r.status >= 200 && r.status < 300 && !r.body.is_null()) {
      std::string templ = path.substr(0, path.find('?'));
      for (const auto& problem : CheckFlinkAnswer(spec_version_, method, templ, r.status, r.body)) {
        ADD_FAILURE() << method << " " << path << " does not conform to the " << spec_version_
                      << " spec: " << problem << "\n"
                      << r.raw;
      }
    }
    return r;
  }

  std::string WaitForJob(const std::string& cid, const std::string& state = "RUNNING") {
    std::string jid;
    bool ok = Eventually([&] {
      auto r = Rest(cid, "GET", "/jobs/overview");
      if (r.status != 200 || r.body["jobs"].empty()) return false;
      jid = r.body["jobs"][0]["jid"];
      return r.body["jobs"][0]["state"] == state;
    });
    EXPECT_TRUE(ok) << cid << " never had a " << state << " job";
    return jid;
  }

  json WaitForOperation(const std::string& cid, const std::string& path) {
    json result;
    EXPECT_TRUE(Eventually([&] {
      auto r = Rest(cid, "GET", path);
      result = r.body;
      return r.status == 200 && r.body["status"]["id"] == "COMPLETED";
    })) << result.dump();
    return result;
  }

  std::vector<std::string> Pods(const std::string& selector) {
    std::vector<std::string> out;
    auto reply =
        c_->Get("/api/v1/namespaces/f/pods?labelSelector=" + http::PercentEncode(selector));
    for (const auto& p : reply.body["items"]) {
      out.push_back(p["metadata"]["name"]);
    }
    return out;
  }

  std::string PodLog(const std::string& pod) {
    return c_->Get("/api/v1/namespaces/f/pods/" + pod + "/log").raw;
  }

  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<Client> c_;
  std::string spec_version_ = "1.20";
};

TEST_F(FlinkTest, ApplicationClusterRunsItsJobWithTaskManagers) {
  std::string uid = Deploy("wordcount", kAppConfig);
  std::string jid = WaitForJob("wordcount");
  // Owner chain Deployment → ReplicaSet → JobManager pod <deploy>-<hash>-<5>.
  auto jm = Pods("app=wordcount,component=jobmanager");
  ASSERT_EQ(jm.size(), 1u);
  EXPECT_TRUE(std::regex_match(
      jm[0],
      std::regex("wordcount-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}")))
      << jm[0];
  json pod = c_->Get("/api/v1/namespaces/f/pods/" + jm[0]).body;
  std::string rs = pod["metadata"]["ownerReferences"][0]["name"];
  EXPECT_EQ(c_->Get("/apis/apps/v1/namespaces/f/replicasets/" + rs)
                .body["metadata"]["ownerReferences"][0]["uid"],
            uid);
  // parallelism 3 with 2 slots each: two TaskManagers, owned by the Deployment.
  auto tms = Pods("app=wordcount,component=taskmanager");
  EXPECT_EQ(tms,
            (std::vector<std::string>{"wordcount-taskmanager-1-1", "wordcount-taskmanager-1-2"}));
  json tm = c_->Get("/api/v1/namespaces/f/pods/wordcount-taskmanager-1-1").body;
  EXPECT_EQ(tm["metadata"]["ownerReferences"][0]["uid"], uid);
  EXPECT_EQ(tm["spec"]["serviceAccountName"], "default");
  ASSERT_TRUE(Eventually([&] {
    json d = c_->Get("/apis/apps/v1/namespaces/f/deployments/wordcount").body;
    return d["status"].value("readyReplicas", 0) == 1 &&
           d["status"].value("availableReplicas", 0) == 1 &&
           d["status"].value("observedGeneration", 0) == 1;
  }));

  auto config = Rest("wordcount", "GET", "/config");
  EXPECT_EQ(config.body["flink-version"], "1.20.1");
  EXPECT_FALSE(config.body["features"]["web-submit"].get<bool>());
  auto overview = Rest("wordcount", "GET", "/overview");
  EXPECT_EQ(overview.body["taskmanagers"], 2);
  EXPECT_EQ(overview.body["slots-total"], 4);
  EXPECT_EQ(overview.body["jobs-running"], 1);
  auto job = Rest("wordcount", "GET", "/jobs/" + jid);
  EXPECT_EQ(job.body["state"], "RUNNING");
  EXPECT_EQ(job.body["vertices"][0]["parallelism"], 3);
  Rest("wordcount", "GET", "/jobs");
  Rest("wordcount", "GET", "/jobs/" + jid + "/status");
  Rest("wordcount", "GET", "/jobs/" + jid + "/plan");
  Rest("wordcount", "GET", "/jobs/" + jid + "/config");
  Rest("wordcount", "GET", "/taskmanagers");
  Rest("wordcount", "GET", "/jobs/" + jid + "/checkpoints/config");
  auto exceptions = Rest("wordcount", "GET", "/jobs/" + jid + "/exceptions?maxExceptions=5");
  EXPECT_TRUE(exceptions.body["exceptionHistory"]["entries"].empty());
  bool found = false;
  auto jm_config = Rest("wordcount", "GET", "/jobmanager/config");
  for (const auto& e : jm_config.body) {
    found = found || (e["key"] == "parallelism.default" && e["value"] == "3");
  }
  EXPECT_TRUE(found);
  // Checkpoints advance with time.
  int64_t first =
      Rest("wordcount", "GET", "/jobs/" + jid + "/checkpoints").body["counts"]["completed"];
  EXPECT_TRUE(Eventually([&] {
    return Rest("wordcount", "GET", "/jobs/" + jid + "/checkpoints")
               .body["counts"]["completed"]
               .get<int64_t>() > first + 1;
  }));
  json cps = Rest("wordcount", "GET", "/jobs/" + jid + "/checkpoints").body;
  EXPECT_EQ(cps["latest"]["completed"]["external_path"].get<std::string>().rfind(
                "s3://bucket/checkpoints/" + jid + "/chk-", 0),
            0u);
  // Application clusters have no jar handlers; unknown jobs are 404.
  EXPECT_EQ(Rest("wordcount", "GET", "/jars").status, 404);
  auto unknown = Rest("wordcount", "GET", "/jobs/00000000000000000000000000000000");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body["errors"][0].get<std::string>().find("FlinkJobNotFoundException"),
            std::string::npos);
  // The JobManager log reads like Flink's.
  std::string log = PodLog(jm[0]);
  EXPECT_NE(log.find("Starting KubernetesApplicationClusterEntrypoint (Version: 1.20.1"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("switched from state CREATED to RUNNING"), std::string::npos) << log;
}

TEST_F(FlinkTest, SavepointThenStopWithSavepointEndsTheApplication) {
  Deploy("sp", kAppConfig);
  std::string jid = WaitForJob("sp");
  auto trigger = Rest("sp", "POST", "/jobs/" + jid + "/savepoints",
                      {{"target-directory", "s3://other/sp"}, {"cancel-job", false}});
  ASSERT_EQ(trigger.status, 202) << trigger.raw;
  std::string tid = trigger.body["request-id"];
  auto first = Rest("sp", "GET", "/jobs/" + jid + "/savepoints/" + tid);
  EXPECT_EQ(first.body["status"]["id"], "IN_PROGRESS") << "savepoints are asynchronous";
  json done = WaitForOperation("sp", "/jobs/" + jid + "/savepoints/" + tid);
  std::string location = done["operation"]["location"];
  EXPECT_TRUE(std::regex_match(
      location, std::regex("s3://other/sp/savepoint-" + jid.substr(0, 6) + "-[0-9a-f]{12}")))
      << location;
  EXPECT_EQ(Rest("sp", "GET", "/jobs/" + jid + "/checkpoints")
                .body["latest"]["savepoint"]["external_path"],
            location);
  // The same trigger id is idempotent.
  EXPECT_EQ(
      Rest("sp", "POST", "/jobs/" + jid + "/savepoints", {{"triggerId", tid}}).body["request-id"],
      tid);

  auto stop = Rest("sp", "POST", "/jobs/" + jid + "/stop", {{"drain", false}});
  ASSERT_EQ(stop.status, 202);
  json stopped = WaitForOperation(
      "sp", "/jobs/" + jid + "/savepoints/" + stop.body["request-id"].get<std::string>());
  EXPECT_EQ(stopped["operation"]["location"].get<std::string>().rfind(
                "s3://bucket/savepoints/savepoint-", 0),
            0u)
      << "the configured directory";
  // The job finishes and the application cluster deletes its own Deployment.
  EXPECT_TRUE(Eventually([&] {
    return c_->Get("/apis/apps/v1/namespaces/f/deployments/sp").status == 404 &&
           Pods("app=sp").empty() &&
           c_->Get("/api/v1/namespaces/f/configmaps/flink-config-sp").status == 404;
  }));
}

TEST_F(FlinkTest, RestoresFromSavepointAndReportsIt) {
  Deploy("origin", kAppConfig);
  std::string jid = WaitForJob("origin");
  auto trigger = Rest("origin", "POST", "/jobs/" + jid + "/savepoints", json::object());
  json done = WaitForOperation(
      "origin", "/jobs/" + jid + "/savepoints/" + trigger.body["request-id"].get<std::string>());
  std::string location = done["operation"]["location"];
  int64_t sp_id =
      Rest("origin", "GET", "/jobs/" + jid + "/checkpoints").body["latest"]["savepoint"]["id"];

  Deploy("restored", std::string(kAppConfig) + "execution.state-recovery.path: " + location + "\n");
  std::string jid2 = WaitForJob("restored");
  json cps = Rest("restored", "GET", "/jobs/" + jid2 + "/checkpoints").body;
  EXPECT_EQ(cps["counts"]["restored"], 1);
  EXPECT_EQ(cps["latest"]["restored"]["external_path"], location);
  EXPECT_EQ(cps["latest"]["restored"]["id"], sp_id);
  EXPECT_TRUE(cps["latest"]["restored"]["is_savepoint"].get<bool>());
  auto jm = Pods("app=restored,component=jobmanager");
  EXPECT_NE(PodLog(jm[0]).find("Restoring job " + jid2 + " from Savepoint"), std::string::npos);
}

TEST_F(FlinkTest, LegacyFlinkConfYamlOnFlink117) {
  spec_version_ = "1.17";
  std::string conf =
      "execution.target: kubernetes-application\n"
      "pipeline.jars: local:///opt/flink/usrlib/job.jar\n"
      "parallelism.default: 1\n"
      "execution.savepoint.path: s3://bucket/savepoints/savepoint-aaaaaa-bbbbbbbbbbbb\n";
  Deploy("legacy", conf, "flink:1.17.2-scala_2.12-java11", "flink", "flink-conf.yaml");
  std::string jid = WaitForJob("legacy");
  EXPECT_EQ(Rest("legacy", "GET", "/config").body["flink-version"], "1.17.2");
  json cps = Rest("legacy", "GET", "/jobs/" + jid + "/checkpoints").body;
  EXPECT_EQ(cps["latest"]["restored"]["external_path"],
            "s3://bucket/savepoints/savepoint-aaaaaa-bbbbbbbbbbbb");
  Rest("legacy", "GET", "/jobs/" + jid);
  Rest("legacy", "GET", "/jobs/" + jid + "/exceptions");
  EXPECT_EQ(Pods("app=legacy,component=taskmanager").size(), 1u);
}

TEST_F(FlinkTest, Flink22AnswersMatchThe22Spec) {
  spec_version_ = "2.2";
  Deploy("two", kAppConfig, "apache/flink:2.2.1-java17");
  std::string jid = WaitForJob("two");
  EXPECT_EQ(Rest("two", "GET", "/config").body["flink-version"], "2.2.1");
  for (const std::string& path : std::vector<std::string>{
           "/overview", "/jobs/overview", "/jobs/" + jid, "/jobs/" + jid + "/exceptions",
           "/jobs/" + jid + "/checkpoints", "/taskmanagers", "/jobmanager/config"}) {
    EXPECT_EQ(Rest("two", "GET", path).status, 200) << path;
  }
}

TEST_F(FlinkTest, CancelEndsTheJobAndKeepsTheClusterWhenAsked) {
  Deploy("keep", std::string(kAppConfig) + "execution.shutdown-on-application-finish: false\n");
  std::string jid = WaitForJob("keep");
  auto cancel = Rest("keep", "PATCH", "/jobs/" + jid + "?mode=cancel");
  EXPECT_EQ(cancel.status, 202);
  WaitForJob("keep", "CANCELED");
  EXPECT_EQ(Rest("keep", "PATCH", "/jobs/" + jid + "?mode=cancel").status, 409);
  EXPECT_EQ(Rest("keep", "GET", "/overview").body["jobs-cancelled"], 1);
  EXPECT_EQ(c_->Get("/apis/apps/v1/namespaces/f/deployments/keep").status, 200);
}

TEST_F(FlinkTest, MissingServiceAccountRejectsThePod) {
  Deploy("ghostly", kAppConfig, "flink:1.20.1", "ghost");
  json d;
  EXPECT_TRUE(Eventually([&] {
    d = c_->Get("/apis/apps/v1/namespaces/f/deployments/ghostly").body;
    for (const auto& c : d["status"].value("conditions", json::array())) {
      if (c["type"] == "ReplicaFailure" && c["reason"] == "FailedCreate") {
        return c["message"].get<std::string>().find(
                   "error looking up service account f/ghost: serviceaccount \"ghost\" not "
                   "found") != std::string::npos;
      }
    }
    return false;
  })) << d.dump();
  // The ReplicaSet's pods are named by the API server (generateName), so the refusal names
  // the prefix and is the same at every retry: the failure does not rewrite the Deployment
  // and its ReplicaSet each time (which kept `kubectl scale` in 409 Conflicts).
  for (const auto& c : d["status"]["conditions"]) {
    if (c["type"] != "ReplicaFailure") continue;
    std::string message = c["message"];
    EXPECT_EQ(message.rfind("pods \"ghostly-", 0), 0u) << message;
    EXPECT_NE(message.find("-\" is forbidden"), std::string::npos) << message;
  }
  EXPECT_TRUE(Pods("app=ghostly").empty());
  auto proxied = c_->Get("/api/v1/namespaces/f/services/ghostly-rest:rest/proxy/overview");
  EXPECT_EQ(proxied.status, 503);
  EXPECT_EQ(proxied.body["message"], "no endpoints available for service \"ghostly-rest\"");
}

TEST_F(FlinkTest, MissingRbacKeepsTheJobWithoutTaskManagers) {
  Deploy("locked", kAppConfig, "flink:1.20.1", "norbac");
  auto jm = Pods("app=locked,component=jobmanager");
  ASSERT_TRUE(Eventually([&] {
    jm = Pods("app=locked,component=jobmanager");
    return !jm.empty() &&
           PodLog(jm[0]).find("Forbidden!Configured service account doesn't have access") !=
               std::string::npos;
  })) << (jm.empty() ? "" : PodLog(jm[0]));
  EXPECT_NE(PodLog(jm[0]).find("User \"system:serviceaccount:f:norbac\" cannot get resource "
                               "\"deployments\" in API group \"apps\""),
            std::string::npos);
  EXPECT_TRUE(Pods("app=locked,component=taskmanager").empty());
  // Without slots the job fails on the slot request timeout and restarts, again and again.
  std::string jid;
  ASSERT_TRUE(Eventually([&] {
    auto r = Rest("locked", "GET", "/jobs/overview");
    if (r.body["jobs"].empty()) return false;
    jid = r.body["jobs"][0]["jid"];
    auto ex = Rest("locked", "GET", "/jobs/" + jid + "/exceptions");
    return !ex.body["exceptionHistory"]["entries"].empty();
  }));
  json entry =
      Rest("locked", "GET", "/jobs/" + jid + "/exceptions").body["exceptionHistory"]["entries"][0];
  EXPECT_EQ(entry["exceptionName"],
            "org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException");
  std::string state = Rest("locked", "GET", "/jobs/" + jid + "/status").body["status"];
  EXPECT_NE(state, "RUNNING");
  // Granting the role lets the next attempt get its TaskManagers.
  json rb = {
      {"metadata", {{"name", "norbac-edit"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "norbac"}, {"namespace", "f"}}}}};
  ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/namespaces/f/rolebindings", rb).status,
            201);
  WaitForJob("locked");
}

TEST_F(FlinkTest, BadImageAndMissingConfigMap) {
  sim_->settings().set_bad_image_pattern("does-not-exist");
  Deploy("badimage", kAppConfig, "registry.example/flink:does-not-exist");
  EXPECT_TRUE(Eventually([&] {
    auto jm = Pods("app=badimage,component=jobmanager");
    if (jm.empty()) return false;
    json p = c_->Get("/api/v1/namespaces/f/pods/" + jm[0]).body;
    for (const auto& cs : p["status"].value("containerStatuses", json::array())) {
      if (cs["state"].contains("waiting") && cs["state"]["waiting"]["reason"] == "ImagePullBackOff")
        return true;
    }
    return false;
  }));
  EXPECT_EQ(c_->Get("/api/v1/namespaces/f/services/badimage-rest:rest/proxy/overview").status, 503);

  auto d = c_->Post("/apis/apps/v1/namespaces/f/deployments",
                    FlinkDeployment("f", "noconf", "flink:1.20", "flink"));
  ASSERT_EQ(d.status, 201);
  EXPECT_TRUE(Eventually([&] {
    auto events = c_->Get("/api/v1/namespaces/f/events");
    for (const auto& e : events.body["items"]) {
      if (e["reason"] == "FailedMount" &&
          e["message"].get<std::string>().find("configmap \"flink-config-noconf\" not found") !=
              std::string::npos)
        return true;
    }
    return false;
  }));
}

TEST_F(FlinkTest, FaultsShowTheirEffects) {
  Deploy("faulty",
         std::string(kAppConfig) +
             "high-availability.type: kubernetes\nhigh-availability.storageDir: s3://ha\n");
  std::string jid = WaitForJob("faulty");
  EXPECT_EQ(jid, JobIdFromClusterId("faulty")) << "HA derives the job id from the cluster id";
  const std::string admin = "/sim/v1/flink/f/faulty/";

  ASSERT_EQ(
      c_->Post(admin + "fail-job", {{"exception", "java.lang.IllegalStateException: boom"}}).status,
      200);
  json ex = Rest("faulty", "GET", "/jobs/" + jid + "/exceptions").body;
  EXPECT_EQ(ex["exceptionHistory"]["entries"][0]["exceptionName"],
            "java.lang.IllegalStateException");
  EXPECT_NE(ex["root-exception"].get<std::string>().find("boom"), std::string::npos);
  WaitForJob("faulty");  // restarted: checkpointing on means an exponential-delay restart strategy
  json restarts = Rest("faulty", "GET", "/jobs/" + jid + "/metrics?get=numRestarts,nope").body;
  ASSERT_EQ(restarts["metrics"].size(), 1u) << restarts.dump();
  EXPECT_EQ(restarts["metrics"][0]["id"], "numRestarts");
  EXPECT_EQ(restarts["metrics"][0]["value"], "1");

  auto lost = c_->Post(admin + "lose-taskmanager", json::object());
  ASSERT_EQ(lost.status, 200);
  EXPECT_TRUE(Eventually([&] {
    auto tms = Pods("app=faulty,component=taskmanager");
    return std::find(tms.begin(), tms.end(), "faulty-taskmanager-1-3") != tms.end();
  })) << "a replacement TaskManager pod";
  ex = Rest("faulty", "GET", "/jobs/" + jid + "/exceptions").body;
  EXPECT_NE(ex["exceptionHistory"]["entries"][0]["stacktrace"].get<std::string>().find(
                "is no longer reachable"),
            std::string::npos);
  WaitForJob("faulty");

  ASSERT_EQ(c_->Post(admin + "fail-checkpoints", {{"count", 1}}).status, 200);
  EXPECT_TRUE(Eventually([&] {
    return Rest("faulty", "GET", "/jobs/" + jid + "/checkpoints")
               .body["counts"]["failed"]
               .get<int>() >= 1;
  }));
  EXPECT_EQ(
      Rest("faulty", "GET", "/jobs/" + jid + "/checkpoints").body["latest"]["failed"]["status"],
      "FAILED");

  ASSERT_EQ(c_->Post(admin + "fail-savepoints", {{"count", 1}}).status, 200);
  auto trigger = Rest("faulty", "POST", "/jobs/" + jid + "/savepoints", json::object());
  json failed = WaitForOperation(
      "faulty", "/jobs/" + jid + "/savepoints/" + trigger.body["request-id"].get<std::string>());
  EXPECT_TRUE(failed["operation"].contains("failure-cause")) << failed.dump();

  // A JobManager restart: new pod, same job (HA), resumed from the latest checkpoint.
  auto old_jm = Pods("app=faulty,component=jobmanager");
  int64_t latest =
      Rest("faulty", "GET", "/jobs/" + jid + "/checkpoints").body["latest"]["completed"]["id"];
  ASSERT_EQ(c_->Post(admin + "restart-jobmanager", json::object()).status, 200);
  EXPECT_TRUE(Eventually([&] {
    auto jm = Pods("app=faulty,component=jobmanager");
    return jm.size() == 1 && jm != old_jm;
  }));
  EXPECT_EQ(WaitForJob("faulty"), jid);
  json restored = Rest("faulty", "GET", "/jobs/" + jid + "/checkpoints").body["latest"]["restored"];
  EXPECT_GE(restored["id"].get<int64_t>(), latest);
  EXPECT_FALSE(restored["is_savepoint"].get<bool>());

  // Faults on the API server reach the proxy too.
  c_->Post("/sim/v1/faults", {{"path", "/proxy/overview"}, {"count", 1}, {"status", 503}});
  EXPECT_EQ(c_->Get("/api/v1/namespaces/f/services/faulty-rest:rest/proxy/overview").status, 503);
  EXPECT_EQ(c_->Get("/api/v1/namespaces/f/services/faulty-rest:rest/proxy/overview").status, 200);
}

// Flink's HA ConfigMaps have no owner: deleting the Deployment keeps them, and the same
// cluster id deployed again resumes its job from the latest checkpoint (what a last-state
// upgrade relies on). A globally terminal job takes its entries with it.
TEST_F(FlinkTest, HaConfigMapsOutliveTheDeployment) {
  const std::string ha =
      std::string(kAppConfig) +
      "high-availability.type: kubernetes\nhigh-availability.storageDir: s3://ha\n";
  Deploy("keep", ha);
  std::string jid = WaitForJob("keep");
  int64_t latest = 0;
  ASSERT_TRUE(Eventually([&] {
    auto cps = Rest("keep", "GET", "/jobs/" + jid + "/checkpoints").body;
    if (!cps["latest"]["completed"].is_object()) return false;
    latest = cps["latest"]["completed"]["id"];
    return true;
  }));
  auto gone = c_->Call("DELETE", "/apis/apps/v1/namespaces/f/deployments/keep",
                       {{"propagationPolicy", "Foreground"}});
  ASSERT_LT(gone.status, 300) << gone.raw;
  ASSERT_TRUE(Eventually([&] {
    return c_->Get("/apis/apps/v1/namespaces/f/deployments/keep").status == 404 &&
           c_->Get("/api/v1/namespaces/f/configmaps/flink-config-keep").status == 404;
  }));
  auto maps = c_->Get("/api/v1/namespaces/f/configmaps?labelSelector=" +
                      http::PercentEncode("app=keep,type=flink-native-kubernetes"));
  std::set<std::string> names;
  for (const auto& cm : maps.body["items"]) {
    names.insert(cm["metadata"]["name"].get<std::string>());
    EXPECT_EQ(cm["metadata"]["labels"]["configmap-type"], "high-availability");
    EXPECT_FALSE(cm["metadata"].contains("ownerReferences"));
  }
  EXPECT_EQ(names,
            (std::set<std::string>{"keep-cluster-config-map", "keep-" + jid + "-config-map"}));
  auto job_map = c_->Get("/api/v1/namespaces/f/configmaps/keep-" + jid + "-config-map").body;
  EXPECT_TRUE(job_map["data"].contains("counter")) << job_map.dump();

  Deploy("keep", ha);
  EXPECT_EQ(WaitForJob("keep"), jid);
  json restored = Rest("keep", "GET", "/jobs/" + jid + "/checkpoints").body["latest"]["restored"];
  ASSERT_TRUE(restored.is_object()) << "the new JobManager did not recover the job";
  EXPECT_GE(restored["id"].get<int64_t>(), latest);

  ASSERT_EQ(Rest("keep", "PATCH", "/jobs/" + jid + "?mode=cancel").status, 202);
  EXPECT_TRUE(Eventually([&] {
    return c_->Get("/api/v1/namespaces/f/configmaps/keep-" + jid + "-config-map").status == 404;
  })) << "a canceled job's HA entries stay";
  auto cluster_map = c_->Get("/api/v1/namespaces/f/configmaps/keep-cluster-config-map").body;
  EXPECT_FALSE(cluster_map["data"].contains("jobGraph-" + jid)) << cluster_map.dump();
}

TEST_F(FlinkTest, RestartWithoutHaStartsTheApplicationAgain) {
  Deploy("noha", kAppConfig);
  std::string jid = WaitForJob("noha");
  ASSERT_EQ(c_->Post("/sim/v1/flink/f/noha/restart-jobmanager", json::object()).status, 200);
  std::string again;
  EXPECT_TRUE(Eventually([&] {
    auto r = c_->Get("/api/v1/namespaces/f/services/noha-rest:rest/proxy/jobs/overview");
    if (r.status != 200 || r.body["jobs"].empty()) return false;
    again = r.body["jobs"][0]["jid"];
    return again != jid && r.body["jobs"][0]["state"] == "RUNNING";
  }));
}

TEST_F(FlinkTest, SessionClusterRunsUploadedJars) {
  std::string conf =
      "execution.target: kubernetes-session\ntaskmanager.numberOfTaskSlots: "
      "1\nstate.savepoints.dir: file:///sp\n";
  Deploy("session", conf);
  ASSERT_TRUE(Eventually([&] { return Rest("session", "GET", "/overview").status == 200; }));
  EXPECT_EQ(Rest("session", "GET", "/overview").body["taskmanagers"], 0)
      << "TaskManagers come with jobs";
  EXPECT_TRUE(Rest("session", "GET", "/config").body["features"]["web-submit"].get<bool>());
  http::ClientRequest up;
  up.method = "POST";
  up.url = sim_->url() + "/api/v1/namespaces/f/services/session-rest:rest/proxy/jars/upload";
  up.headers["Authorization"] = "Bearer " + sim_->token();
  up.tls.ca_pem = sim_->pki().ca.cert_pem;
  up.multipart = {{"jarfile", "job.jar", "application/x-java-archive",
                   std::string("PK\x03\x04 jar bytes", 14)}};
  auto uploaded = http::Send(up);
  ASSERT_TRUE(uploaded.ok());
  ASSERT_EQ(uploaded->status, 200) << uploaded->body;
  json ub = json::parse(uploaded->body);
  EXPECT_TRUE(CheckFlinkAnswer("1.20", "POST", "/jars/upload", 200, ub).empty());
  std::string filename = ub["filename"];
  std::string jar_id = filename.substr(filename.rfind('/') + 1);
  EXPECT_EQ(Rest("session", "GET", "/jars").body["files"][0]["id"], jar_id);
  auto run =
      Rest("session", "POST", "/jars/" + jar_id + "/run",
           {{"entryClass", "com.acme.Job"}, {"programArgsList", {"--x", "1"}}, {"parallelism", 2}});
  ASSERT_EQ(run.status, 200) << run.raw;
  std::string jid = run.body["jobid"];
  EXPECT_EQ(WaitForJob("session"), jid);
  EXPECT_EQ(Pods("app=session,component=taskmanager").size(), 2u);
  EXPECT_EQ(Rest("session", "POST", "/jars/nope.jar/run", json::object()).status, 400);
}

TEST_F(FlinkTest, LoopbackListenerServesTheSameJobManager) {
  Deploy("loop", kAppConfig);
  std::string jid = WaitForJob("loop");
  auto listen = c_->Post("/sim/v1/flink/f/loop/listen", json::object());
  ASSERT_EQ(listen.status, 200) << listen.raw;
  auto r = http::Send(
      {.method = "GET", .url = listen.body["url"].get<std::string>() + "/jobs/overview"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(r->body)["jobs"][0]["jid"], jid);
  EXPECT_EQ(c_->Post("/sim/v1/flink/f/loop/listen", json::object()).body["port"],
            listen.body["port"])
      << "one listener per cluster";
  EXPECT_EQ(c_->Get("/sim/v1/flink/f/loop").body["restPort"], listen.body["port"]);
}

}  // namespace
}  // namespace sluice::sim::testing
