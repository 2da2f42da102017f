// Rendering without a cluster: every case under tests/deploy/cases renders to exactly its
// golden file (tests/deploy/golden/<case>.yaml: the warnings as comments, then the
// objects), and the objects carry the facts of reference/flink-native-k8s.md §1-2 (names,
// labels, ports, command, volumes, ConfigMap keys, owner references), asserted here one by
// one so a regenerated golden cannot hide a broken fact.
//
// Regenerate the goldens after an intended change:
//   SLUICE_REGENERATE=1 ctest --test-dir build/dev -R deploy_unit_test
// then review `git diff tests/deploy/golden`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "deploy/native.h"
#include "deploy/operator.h"
#include "spec/parse.h"
#include "support.h"
#include "support/test_env.h"

namespace sluice::deploy {
namespace {

using nlohmann::ordered_json;
using sluice::testing::RegenerateGoldens;
using testing::LoadCase;
using testing::RequestFor;
namespace fs = std::filesystem;

std::string GoldenText(const Rendered& r) {
  std::string out;
  for (const auto& w : r.warnings)
    out += "# " + w + "\n";
  return out + r.ToYaml();
}

TEST(RenderGolden, EveryCaseMatchesItsGoldenFile) {
  fs::path cases = sluice::testing::SourceDir() / "tests/deploy/cases";
  fs::path golden = sluice::testing::SourceDir() / "tests/deploy/golden";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(cases)) {
    if (entry.path().extension() != ".yaml") continue;
    std::string name = entry.path().stem().string();
    SCOPED_TRACE(name);
    spec::JobSpec job = LoadCase(name);
    DeploymentRequest request = RequestFor(job);
    auto rendered = RenderWithoutCluster(*job.spec.target, request);
    ASSERT_TRUE(rendered.ok()) << rendered.error().ToString();
    std::string text = GoldenText(*rendered);
    fs::path file = golden / (name + ".yaml");
    if (RegenerateGoldens()) {
      ASSERT_TRUE(WriteFileAtomic(file, text).ok());
    } else {
      auto want = ReadFile(file);
      ASSERT_TRUE(want.ok()) << file << " is missing: regenerate with SLUICE_REGENERATE=1";
      EXPECT_EQ(text, *want) << "rendering of " << name << " changed; if intended, regenerate "
                             << "with SLUICE_REGENERATE=1 and review the diff";
    }
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

// The object of `kind` named `name` among the rendered ones.
const ordered_json* Find(const Rendered& r, const std::string& kind, const std::string& name) {
  for (const auto& o : r.objects) {
    if (o["kind"] == kind && o["metadata"]["name"] == name) return &o;
  }
  return nullptr;
}

Rendered RenderCase(const std::string& name) {
  spec::JobSpec job = LoadCase(name);
  auto r = RenderWithoutCluster(*job.spec.target, RequestFor(job));
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : Rendered{};
}

void ExpectOwnedByDeployment(const ordered_json& o, const std::string& cid) {
  ASSERT_EQ(o["metadata"]["ownerReferences"].size(), 1u) << o["metadata"]["name"];
  const auto& ref = o["metadata"]["ownerReferences"][0];
  EXPECT_EQ(ref["apiVersion"], "apps/v1");
  EXPECT_EQ(ref["kind"], "Deployment");
  EXPECT_EQ(ref["name"], cid);
  EXPECT_EQ(ref["controller"], true);
  EXPECT_EQ(ref["blockOwnerDeletion"], true);
}

TEST(RenderFacts, SeedApplicationHasFlinksObjects) {
  Rendered r = RenderCase("seed-1.17");
  const std::string cid = "my-first-application-cluster";
  ordered_json labels = {{"type", "flink-native-kubernetes"}, {"app", cid}};
  ordered_json selector = labels;
  selector["component"] = "jobmanager";

  ASSERT_EQ(r.objects.size(), 4u);
  EXPECT_EQ(r.objects[0]["kind"], "Deployment");  // created first: the owner
  const ordered_json* dep = Find(r, "Deployment", cid);
  ASSERT_NE(dep, nullptr);
  EXPECT_EQ((*dep)["metadata"]["namespace"], "flink-cluster");
  EXPECT_EQ((*dep)["metadata"]["labels"], selector);
  EXPECT_EQ((*dep)["spec"]["selector"]["matchLabels"], selector);
  const auto& pod = (*dep)["spec"]["template"]["spec"];
  EXPECT_EQ(pod["serviceAccount"], "flink");
  EXPECT_EQ(pod["serviceAccountName"], "flink");
  EXPECT_EQ(pod["dnsPolicy"], "ClusterFirst");
  const auto& c = pod["containers"][0];
  EXPECT_EQ(c["name"], "flink-main-container");
  EXPECT_EQ(c["image"], "apache/flink:v0.1");
  EXPECT_EQ(c["command"], ordered_json::array({"/docker-entrypoint.sh"}));
  EXPECT_EQ(c["args"], ordered_json::array(
                           {"bash", "-c", "kubernetes-jobmanager.sh kubernetes-application "}));
  ordered_json ports = ordered_json::array();
  for (const auto& p : c["ports"])
    ports.push_back({p["name"], p["containerPort"]});
  EXPECT_EQ(ports,
            ordered_json::parse(R"([["rest",8081],["jobmanager-rpc",6123],["blobserver",6124]])"));
  EXPECT_EQ(c["env"][0]["name"], "_POD_IP_ADDRESS");
  EXPECT_EQ(c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"], "status.podIP");
  EXPECT_EQ(c["resources"]["requests"]["memory"], "1600Mi");
  EXPECT_EQ(c["resources"]["limits"]["cpu"], "1.0");
  // 1.17: no user-artifacts-volume, the conf file is flink-conf.yaml.
  ASSERT_EQ(pod["volumes"].size(), 1u);
  EXPECT_EQ(pod["volumes"][0]["name"], "flink-config-volume");
  EXPECT_EQ(pod["volumes"][0]["configMap"]["name"], "flink-config-" + cid);
  EXPECT_EQ(c["volumeMounts"][0]["mountPath"], "/opt/flink/conf");

  // HA is off (the seed's key is not Flink's): the headless internal service exists.
  const ordered_json* internal = Find(r, "Service", cid);
  ASSERT_NE(internal, nullptr);
  EXPECT_EQ((*internal)["spec"]["clusterIP"], "None");
  EXPECT_EQ((*internal)["spec"]["ports"][0]["port"], 6123);
  EXPECT_EQ((*internal)["spec"]["ports"][1]["port"], 6124);
  EXPECT_EQ((*internal)["spec"]["selector"], selector);
  const ordered_json* rest = Find(r, "Service", cid + "-rest");
  ASSERT_NE(rest, nullptr);
  EXPECT_EQ((*rest)["spec"]["type"], "NodePort");
  EXPECT_EQ((*rest)["spec"]["ports"][0]["name"], "rest");
  EXPECT_EQ((*rest)["spec"]["ports"][0]["port"], 8081);
  const ordered_json* cm = Find(r, "ConfigMap", "flink-config-" + cid);
  ASSERT_NE(cm, nullptr);
  EXPECT_TRUE((*cm)["data"].contains("flink-conf.yaml"));
  EXPECT_TRUE((*cm)["data"].contains("log4j-console.properties"));
  EXPECT_FALSE((*cm)["data"].contains("config.yaml"));
  for (const auto* o : {internal, rest, cm}) {
    EXPECT_EQ((*o)["metadata"]["labels"], labels);
    ExpectOwnedByDeployment(*o, cid);
  }
  const std::string conf = (*cm)["data"]["flink-conf.yaml"];
  for (const std::string& line : std::vector<std::string>{
           "execution.target: kubernetes-application\n",
           "pipeline.jars: local:///opt/flink/usrlib/TopSpeedWindowing.jar\n",
           "internal.cluster.execution-mode: NORMAL\n", "blob.server.port: 6124\n",
           "taskmanager.rpc.port: 6122\n", "jobmanager.rpc.address: " + cid + ".flink-cluster\n",
           "kubernetes.cluster-id: my-first-application-cluster\n", "state.backend: rocksdb\n",
           "state.backend.incremental: true\n",
           "high-availability.storageDir: hdfs://<hdfs-cluster>/flink/recovery\n"}) {
    EXPECT_NE(conf.find(line), std::string::npos) << "missing " << line << " in\n" << conf;
  }
  // The seed's HA key is kept as written (Flink ignores it) and reported, never fixed.
  EXPECT_EQ(conf.find("high-availability.type"), std::string::npos);
  bool warned = false;
  for (const auto& w : r.warnings)
    warned |= w.find("kubernetes.high-availability") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(RenderFacts, HighAvailabilityDropsTheInternalServiceAndAddsItsKeys) {
  spec::JobSpec job = LoadCase("jar-ha-1.20");
  auto layout = RenderNative(RequestFor(job), ClusterMode::kApplication);
  ASSERT_TRUE(layout.ok()) << layout.error().ToString();
  EXPECT_TRUE(layout->ha);
  EXPECT_EQ(layout->config_file, "config.yaml");
  for (const auto& d : layout->dependents) {
    EXPECT_FALSE(d["kind"] == "Service" && d["metadata"]["name"] == "clickstream")
        << "the headless service exists only without HA";
  }
  const auto& conf = layout->config;
  EXPECT_EQ(conf.at("high-availability.cluster-id"), "clickstream");
  EXPECT_EQ(conf.at("high-availability.jobmanager.port"), "6123");
  // No internal service with HA, so no <cluster-id>.<namespace> address (the
  // distribution's localhost stays, as with Flink's client).
  EXPECT_NE(conf.at("jobmanager.rpc.address"), "clickstream.flink-jobs");
  EXPECT_EQ(conf.at("execution.state-recovery.path"),
            "s3://flink-state/clickstream/savepoints/savepoint-abc");
  EXPECT_EQ(conf.count("execution.savepoint.path"), 0u);
  EXPECT_EQ(conf.at("$internal.application.main"), "com.example.clickstream.SessionsJob");
  EXPECT_TRUE(conf.contains("env.java.opts.all"));  // Java 17 flags from the distribution
  // HA without an explicit job id: Flink derives it from the cluster id.
  EXPECT_EQ(conf.count("$internal.pipeline.job-id"), 0u);
  const auto& pod = layout->deployment["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][1]["name"], "user-artifacts-volume");  // 1.19+
  const auto& res = pod["containers"][0]["resources"];
  EXPECT_EQ(res["requests"]["cpu"], "0.5");
  EXPECT_EQ(res["requests"]["memory"], "2048Mi");
}

TEST(RenderFacts, SqlOnFlink1RunsTheRunnerWithAStatementsFile) {
  Rendered r = RenderCase("sql-1.20");
  const ordered_json* sql = Find(r, "ConfigMap", "sluice-sql-orders-sql");
  ASSERT_NE(sql, nullptr);
  ExpectOwnedByDeployment(*sql, "orders-sql");
  std::string statements = (*sql)["data"]["statements"];
  EXPECT_TRUE(statements.starts_with("-- sluice-statements v1\n")) << statements;
  EXPECT_NE(statements.find("-- statement kind=INSERT line=4"), std::string::npos);
  const ordered_json* conf = Find(r, "ConfigMap", "flink-config-orders-sql");
  ASSERT_NE(conf, nullptr);
  std::string text = (*conf)["data"]["config.yaml"];
  EXPECT_NE(text.find("$internal.application.main: dev.sluice.runner.SqlRunner"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline.jars: ['local:///opt/flink/usrlib/sluice-sql-runner.jar']"),
            std::string::npos);
  EXPECT_NE(text.find("--statements"), std::string::npos);
  EXPECT_EQ(text.find("INSERT"), std::string::npos) << "no SQL in program arguments";
  // Mounted into the JobManager only (the TaskManagers are built from the config).
  const ordered_json* dep = Find(r, "Deployment", "orders-sql");
  ASSERT_NE(dep, nullptr);
  bool mounted = false;
  for (const auto& m : (*dep)["spec"]["template"]["spec"]["containers"][0]["volumeMounts"])
    mounted |= m["mountPath"] == "/opt/flink/sql";
  EXPECT_TRUE(mounted);
  EXPECT_EQ(text.find("kubernetes.pod-template"), std::string::npos);
}

TEST(RenderFacts, SqlOnFlink2RunsFlinksSqlDriverWithoutPipelineJars) {
  Rendered r = RenderCase("sql-2.2");
  const ordered_json* sql = Find(r, "ConfigMap", "sluice-sql-orders-sql-two");
  ASSERT_NE(sql, nullptr);
  EXPECT_TRUE((*sql)["data"].contains("script.sql"));
  const ordered_json* conf = Find(r, "ConfigMap", "flink-config-orders-sql-two");
  ASSERT_NE(conf, nullptr);
  std::string text = (*conf)["data"]["config.yaml"];
  EXPECT_NE(text.find("$internal.application.main: "
                      "org.apache.flink.table.runtime.application.SqlDriver"),
            std::string::npos);
  EXPECT_NE(text.find("'--scriptUri', 'file:///opt/flink/sql/script.sql'"), std::string::npos);
  EXPECT_EQ(text.find("pipeline.jars"), std::string::npos);
  EXPECT_EQ(text.find("execution.savepoint"), std::string::npos);
}

TEST(RenderFacts, ClusterIdsFitFlinksLimit) {
  std::string text = testing::CaseText("sql-1.20");
  std::string long_name(60, 'a');
  text.replace(text.find("orders-sql"), 10, long_name);
  // A long job name gets a derived, deterministic id within 45 characters.
  auto derived = MakeRequest(testing::LoadCaseText(text, "long-name.yaml"));
  ASSERT_TRUE(derived.ok()) << derived.error().ToString();
  EXPECT_LE(derived->cluster_id.size(), 45u);
  EXPECT_EQ(derived->cluster_id,
            MakeRequest(testing::LoadCaseText(text, "again.yaml"))->cluster_id);

  // An explicit kubernetes.cluster-id beyond the limit is refused, naming the field.
  std::string explicit_id = testing::CaseText("jar-ha-1.20");
  explicit_id.replace(explicit_id.find("  flinkConfiguration:\n") + 22, 0,
                      "    kubernetes.cluster-id: " + std::string(46, 'b') + "\n");
  auto parsed = spec::ParseJobSpec(explicit_id, "explicit.yaml");
  std::string where, message;
  if (!parsed.ok()) {
    for (const auto& p : parsed.problems) {
      if (p.severity == flinkconf::Severity::kError) where = p.path, message = p.message;
    }
  } else {
    auto request = MakeRequest(parsed.job);
    ASSERT_FALSE(request.ok());
    EXPECT_EQ(request.error().code, ErrorCode::kInvalidArgument);
    where = request.error().where;
    message = request.error().message;
  }
  EXPECT_EQ(where, "spec.flinkConfiguration[\"kubernetes.cluster-id\"]");
  EXPECT_NE(message.find("45"), std::string::npos) << message;
}

TEST(RenderFacts, OperatorResourceNamesItsVersionAndUpgradeMode) {
  Rendered r = RenderCase("operator-1.20");
  const ordered_json* fd = Find(r, "FlinkDeployment", "op-app");
  ASSERT_NE(fd, nullptr);
  EXPECT_EQ((*fd)["apiVersion"], kOperatorApiVersion);
  EXPECT_EQ((*fd)["spec"]["flinkVersion"], "v1_20");
  EXPECT_EQ((*fd)["spec"]["job"]["upgradeMode"], "savepoint");
  EXPECT_EQ((*fd)["spec"]["job"]["jarURI"],
            "local:///opt/flink/examples/streaming/TopSpeedWindowing.jar");
  EXPECT_EQ((*fd)["spec"]["serviceAccount"], "flink");
}

}  // namespace
}  // namespace sluice::deploy

namespace sluice::deploy {
namespace {

TEST(RenderFacts, SecretsGoIntoSecretsAndNeverIntoOutput) {
  Rendered r = RenderCase("secrets-1.20");
  // Masked output (render, logs) carries no secret value at all.
  EXPECT_EQ(r.ToYaml().find("hunter2"), std::string::npos);
  EXPECT_EQ(r.ToJson().dump().find("hunter2"), std::string::npos);
  // References to Secrets are not secret: they stay readable.
  EXPECT_NE(r.ToYaml().find("kubernetes.env.secretKeyRef: [{env: DB_PASSWORD, secret: "
                            "sluice-env-with-secrets"),
            std::string::npos);
  // Unmasked, the environment and SQL secrets are only in Secrets; the configuration
  // value Flink reads from its file is in the ConfigMap, with a warning saying so.
  for (const auto& o : r.objects) {
    std::string text = o.dump();
    if (o["kind"] == "Secret") continue;
    EXPECT_EQ(text.find("hunter2-env"), std::string::npos) << o["metadata"]["name"];
    EXPECT_EQ(text.find("hunter2-sql"), std::string::npos) << o["metadata"]["name"];
  }
  const ordered_json* env = Find(r, "Secret", "sluice-env-with-secrets");
  ASSERT_NE(env, nullptr);
  EXPECT_NE(env->dump().find("hunter2-env"), std::string::npos);
  ASSERT_NE(Find(r, "Secret", "sluice-sql-with-secrets"), nullptr);
  EXPECT_EQ(Find(r, "ConfigMap", "sluice-sql-with-secrets"), nullptr);
  bool warned = false;
  for (const auto& w : r.warnings)
    warned |= w.find("\"s3.secret-key\" is written into ConfigMap") != std::string::npos;
  EXPECT_TRUE(warned);
  // The pod reads the password from the Secret.
  const ordered_json* dep = Find(r, "Deployment", "with-secrets");
  ASSERT_NE(dep, nullptr);
  EXPECT_NE(dep->dump().find("\"secretKeyRef\":{\"name\":\"sluice-env-with-secrets\""),
            std::string::npos);
}

}  // namespace
}  // namespace sluice::deploy
