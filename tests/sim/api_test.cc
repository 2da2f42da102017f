// The Kubernetes semantics of the simulated API server, over HTTPS as clients see them.
#include <gtest/gtest.h>

#include "sim/test_support.h"
#include "sim/yaml_json.h"

namespace sluice::sim::testing {
namespace {

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_ = StartSim();
    c_ = std::make_unique<Client>(*sim_);
    ASSERT_EQ(c_->Post("/api/v1/namespaces", {{"metadata", {{"name", "t"}}}}).status, 201);
  }
  json Cm(const std::string& name, json labels = json::object()) {
    return {{"apiVersion", "v1"},
            {"kind", "ConfigMap"},
            {"metadata", {{"name", name}, {"labels", labels}}},
            {"data", {{"k", "v"}}}};
  }
  std::unique_ptr<Simulator> sim_;
  std::unique_ptr<Client> c_;
};

TEST_F(ApiTest, AuthenticationIsRequired) {
  http::ClientRequest req;
  req.url = sim_->url() + "/api/v1/namespaces";
  req.tls.ca_pem = sim_->pki().ca.cert_pem;
  auto r = http::Send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(json::parse(r->body)["reason"], "Unauthorized");
  req.tls.client_cert_pem = sim_->pki().admin_client.cert_pem;
  req.tls.client_key_pem = sim_->pki().admin_client.key_pem;
  r = http::Send(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
}

TEST_F(ApiTest, ResourceVersionsConflictsAndStatusObjects) {
  auto created = c_->Post("/api/v1/namespaces/t/configmaps", Cm("a"));
  ASSERT_EQ(created.status, 201) << created.raw;
  std::string rv1 = created.body["metadata"]["resourceVersion"];
  EXPECT_FALSE(created.body["metadata"]["uid"].get<std::string>().empty());
  auto again = c_->Post("/api/v1/namespaces/t/configmaps", Cm("a"));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body["kind"], "Status");
  EXPECT_EQ(again.body["reason"], "AlreadyExists");
  EXPECT_EQ(again.body["message"], "configmaps \"a\" already exists");
  EXPECT_EQ(again.body["details"]["name"], "a");

  json update = created.body;
  update["data"]["k"] = "v2";
  auto u1 = c_->Put("/api/v1/namespaces/t/configmaps/a", update);
  ASSERT_EQ(u1.status, 200);
  EXPECT_GT(std::stoll(u1.body["metadata"]["resourceVersion"].get<std::string>()), std::stoll(rv1));
  auto stale = c_->Put("/api/v1/namespaces/t/configmaps/a", update);  // still carries rv1
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.body["reason"], "Conflict");
  EXPECT_EQ(stale.body["message"],
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; "
            "please apply your changes to the latest version and try again");

  auto missing = c_->Get("/apis/apps/v1/namespaces/t/deployments/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body["message"], "deployments.apps \"nope\" not found");
  EXPECT_EQ(missing.body["details"]["group"], "apps");
  EXPECT_EQ(missing.body["details"]["kind"], "deployments");

  auto no_ns = c_->Post("/api/v1/namespaces/absent/configmaps", Cm("x"));
  EXPECT_EQ(no_ns.status, 404);
  EXPECT_EQ(no_ns.body["message"], "namespaces \"absent\" not found");

  auto bad = c_->Post(
      "/api/v1/namespaces/t/services",
      {{"metadata", {{"name", "9-starts-with-digit"}}}, {"spec", {{"ports", {{{"port", 80}}}}}}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body["reason"], "Invalid");
  EXPECT_EQ(bad.body["details"]["causes"][0]["field"], "metadata.name");
  EXPECT_NE(bad.body["message"].get<std::string>().find(
                "Service \"9-starts-with-digit\" is invalid: metadata.name: Invalid value"),
            std::string::npos);
}

TEST_F(ApiTest, AnnotationsAreLimitedTo256KiB) {
  json cm = Cm("big");
  cm["metadata"]["annotations"] = {
      {"kubectl.kubernetes.io/last-applied-configuration", std::string(300000, 'x')}};
  auto r = c_->Post("/api/v1/namespaces/t/configmaps", cm);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body["details"]["causes"][0]["field"], "metadata.annotations");
  EXPECT_NE(r.body["message"].get<std::string>().find("Too long: must have at most 262144 bytes"),
            std::string::npos);
}

TEST_F(ApiTest, GenerationAndObservedGeneration) {
  json d = FlinkDeployment("t", "gen", "flink:1.20", "default");
  auto created = c_->Post("/apis/apps/v1/namespaces/t/deployments", d);
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["metadata"]["generation"], 1);
  ASSERT_TRUE(Eventually([&] {
    return c_->Get("/apis/apps/v1/namespaces/t/deployments/gen")
               .body["status"]
               .value("observedGeneration", 0) == 1;
  }));
  auto patched = c_->Patch("/apis/apps/v1/namespaces/t/deployments/gen",
                           "application/merge-patch+json", {{"spec", {{"replicas", 0}}}});
  ASSERT_EQ(patched.status, 200) << patched.raw;
  EXPECT_EQ(patched.body["metadata"]["generation"], 2);
  // Metadata-only changes keep the generation.
  auto labelled =
      c_->Patch("/apis/apps/v1/namespaces/t/deployments/gen", "application/merge-patch+json",
                {{"metadata", {{"labels", {{"extra", "yes"}}}}}});
  EXPECT_EQ(labelled.body["metadata"]["generation"], 2);
  EXPECT_TRUE(Eventually([&] {
    return c_->Get("/apis/apps/v1/namespaces/t/deployments/gen")
               .body["status"]
               .value("observedGeneration", 0) == 2;
  }));
  // Status writes through the main resource are ignored; through /status they land.
  json obj = c_->Get("/apis/apps/v1/namespaces/t/deployments/gen").body;
  obj["status"]["replicas"] = 42;
  auto main = c_->Put("/apis/apps/v1/namespaces/t/deployments/gen", obj);
  EXPECT_NE(main.body["status"].value("replicas", 0), 42);
}

TEST_F(ApiTest, LabelAndFieldSelectorsAndPaging) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(c_->Post("/api/v1/namespaces/t/configmaps",
                       Cm("cm" + std::to_string(i), {{"app", i % 2 ? "odd" : "even"}}))
                  .status,
              201);
  }
  auto odd = c_->Get("/api/v1/namespaces/t/configmaps?labelSelector=app%3Dodd");
  ASSERT_EQ(odd.status, 200);
  EXPECT_EQ(odd.body["kind"], "ConfigMapList");
  EXPECT_EQ(odd.body["items"].size(), 2u);
  auto by_name = c_->Get("/api/v1/namespaces/t/configmaps?fieldSelector=metadata.name%3Dcm3");
  ASSERT_EQ(by_name.body["items"].size(), 1u);
  EXPECT_EQ(by_name.body["items"][0]["metadata"]["name"], "cm3");
  auto unsupported =
      c_->Get("/api/v1/namespaces/t/configmaps?fieldSelector=status.phase%3DRunning");
  EXPECT_EQ(unsupported.status, 400);
  EXPECT_EQ(unsupported.body["message"], "field label not supported: status.phase");
  auto bad = c_->Get("/api/v1/namespaces/t/configmaps?labelSelector=app%20in%20(");
  EXPECT_EQ(bad.status, 400);

  auto page1 = c_->Get("/api/v1/namespaces/t/configmaps?limit=2");
  ASSERT_EQ(page1.body["items"].size(), 2u);
  std::string cont = page1.body["metadata"]["continue"];
  EXPECT_EQ(page1.body["metadata"]["remainingItemCount"], 3);
  auto page2 =
      c_->Get("/api/v1/namespaces/t/configmaps?limit=2&continue=" + http::PercentEncode(cont));
  ASSERT_EQ(page2.body["items"].size(), 2u);
  EXPECT_EQ(page2.body["items"][0]["metadata"]["name"], "cm2");

  // A continue token older than the event history is 410 Gone.
  sim_->store().SetHistoryLimit(1);
  c_->Post("/api/v1/namespaces/t/configmaps", Cm("bump1"));
  c_->Post("/api/v1/namespaces/t/configmaps", Cm("bump2"));
  auto gone =
      c_->Get("/api/v1/namespaces/t/configmaps?limit=2&continue=" + http::PercentEncode(cont));
  EXPECT_EQ(gone.status, 410);
  EXPECT_EQ(gone.body["reason"], "Expired");
}

TEST_F(ApiTest, WatchFromAVersionResumesAndTooOldIsGone) {
  auto a = c_->Post("/api/v1/namespaces/t/configmaps", Cm("w1", {{"app", "x"}}));
  std::string rv = a.body["metadata"]["resourceVersion"];
  c_->Post("/api/v1/namespaces/t/configmaps", Cm("w2", {{"app", "x"}}));
  c_->Post("/api/v1/namespaces/t/configmaps", Cm("other", {{"app", "y"}}));
  c_->Delete("/api/v1/namespaces/t/configmaps/w1");
  // Resuming after w1's creation replays what happened since, filtered by selector.
  auto w = c_->StartWatch(
      "/api/v1/namespaces/t/configmaps?watch=true&labelSelector=app%3Dx&resourceVersion=" + rv);
  ASSERT_TRUE(w->WaitFor([](const json& e) { return e["type"] == "DELETED"; }));
  auto evs = w->events();
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[0]["type"], "ADDED");
  EXPECT_EQ(evs[0]["object"]["metadata"]["name"], "w2");
  EXPECT_EQ(evs[1]["object"]["metadata"]["name"], "w1");
  // A label change that leaves the selector looks like a deletion to the watcher.
  c_->Patch("/api/v1/namespaces/t/configmaps/w2", "application/merge-patch+json",
            {{"metadata", {{"labels", {{"app", "z"}}}}}});
  ASSERT_TRUE(w->WaitFor([](const json& e) {
    return e["type"] == "DELETED" && e["object"]["metadata"]["name"] == "w2";
  }));
  w->Stop();

  sim_->store().SetHistoryLimit(2);
  for (int i = 0; i < 4; ++i)
    c_->Post("/api/v1/namespaces/t/configmaps", Cm("h" + std::to_string(i)));
  auto old = c_->StartWatch("/api/v1/namespaces/t/configmaps?watch=true&resourceVersion=" + rv);
  ASSERT_TRUE(old->WaitFor([](const json& e) { return e["type"] == "ERROR"; }));
  json err = old->events()[0]["object"];
  EXPECT_EQ(err["kind"], "Status");
  EXPECT_EQ(err["code"], 410);
  EXPECT_EQ(err["reason"], "Expired");
  EXPECT_NE(err["message"].get<std::string>().find("too old resource version: " + rv),
            std::string::npos);
  EXPECT_TRUE(Eventually([&] { return old->ended(); }));
}

TEST_F(ApiTest, WatchBookmarksTimeoutAndDrop) {
  auto w = c_->StartWatch("/api/v1/namespaces/t/pods?watch=true&allowWatchBookmarks=true");
  ASSERT_TRUE(w->WaitFor([](const json& e) { return e["type"] == "BOOKMARK"; }));
  json bm = w->events().back()["object"];
  EXPECT_EQ(bm["kind"], "Pod");
  EXPECT_FALSE(bm["metadata"]["resourceVersion"].get<std::string>().empty());
  auto timed = c_->StartWatch("/api/v1/namespaces/t/configmaps?watch=true&timeoutSeconds=1");
  EXPECT_TRUE(Eventually([&] { return timed->ended(); }, std::chrono::seconds(5)));
  // The server may count the timed-out watch a little longer than the client: wait until
  // only `w` is left, so that the count of two below includes `dropped` for sure.
  ASSERT_TRUE(Eventually([&] { return sim_->store().watch_count() == 1; }));
  auto dropped = c_->StartWatch("/api/v1/namespaces/t/configmaps?watch=true");
  ASSERT_TRUE(Eventually([&] { return sim_->store().watch_count() == 2; }));
  auto r = c_->Post("/sim/v1/watches/drop", json::object());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Eventually([&] { return dropped->ended() && w->ended(); }));
}

TEST_F(ApiTest, CascadingDeletionBackgroundForegroundOrphan) {
  for (const std::string policy : {"Background", "Foreground", "Orphan"}) {
    std::string name = "owner-" + std::string(1, static_cast<char>(std::tolower(policy[0])));
    auto owner = c_->Post("/api/v1/namespaces/t/configmaps", Cm(name));
    std::string uid = owner.body["metadata"]["uid"];
    json dep = Cm(name + "-dep");
    dep["metadata"]["ownerReferences"] = {{{"apiVersion", "v1"},
                                           {"kind", "ConfigMap"},
                                           {"name", name},
                                           {"uid", uid},
                                           {"blockOwnerDeletion", true}}};
    ASSERT_EQ(c_->Post("/api/v1/namespaces/t/configmaps", dep).status, 201);
    auto del = c_->Call("DELETE",
                        "/api/v1/namespaces/t/configmaps/" + name + "?propagationPolicy=" + policy);
    ASSERT_EQ(del.status, 200) << del.raw;
    if (policy == "Background") {
      EXPECT_EQ(del.body["kind"], "Status");
      EXPECT_EQ(del.body["status"], "Success");
      EXPECT_TRUE(Eventually([&] {
        return c_->Get("/api/v1/namespaces/t/configmaps/" + name + "-dep").status == 404;
      }));
    } else if (policy == "Foreground") {
      // The owner stays, marked for deletion, until its dependents are gone.
      EXPECT_TRUE(del.body["metadata"].contains("deletionTimestamp"));
      EXPECT_EQ(del.body["metadata"]["finalizers"], json({"foregroundDeletion"}));
      EXPECT_TRUE(Eventually([&] {
        return c_->Get("/api/v1/namespaces/t/configmaps/" + name + "-dep").status == 404 &&
               c_->Get("/api/v1/namespaces/t/configmaps/" + name).status == 404;
      }));
    } else {
      EXPECT_TRUE(Eventually(
          [&] { return c_->Get("/api/v1/namespaces/t/configmaps/" + name).status == 404; }));
      auto orphan = c_->Get("/api/v1/namespaces/t/configmaps/" + name + "-dep");
      ASSERT_EQ(orphan.status, 200);
      EXPECT_FALSE(orphan.body["metadata"].contains("ownerReferences"));
    }
  }
  // A dependent whose owner never existed is collected.
  json stray = Cm("stray");
  stray["metadata"]["ownerReferences"] = {
      {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "ghost"}, {"uid", "no-such-uid"}}};
  ASSERT_EQ(c_->Post("/api/v1/namespaces/t/configmaps", stray).status, 201);
  EXPECT_TRUE(
      Eventually([&] { return c_->Get("/api/v1/namespaces/t/configmaps/stray").status == 404; }));
}

TEST_F(ApiTest, FinalizersHoldObjectsAndPreconditions) {
  json cm = Cm("held");
  cm["metadata"]["finalizers"] = {"example.com/keep"};
  auto created = c_->Post("/api/v1/namespaces/t/configmaps", cm);
  auto wrong =
      c_->Delete("/api/v1/namespaces/t/configmaps/held", {{"preconditions", {{"uid", "other"}}}});
  EXPECT_EQ(wrong.status, 409);
  auto del = c_->Delete("/api/v1/namespaces/t/configmaps/held");
  ASSERT_EQ(del.status, 200);
  EXPECT_TRUE(del.body["metadata"].contains("deletionTimestamp"));
  ASSERT_EQ(c_->Get("/api/v1/namespaces/t/configmaps/held").status, 200);
  auto cleared = c_->Patch("/api/v1/namespaces/t/configmaps/held", "application/merge-patch+json",
                           {{"metadata", {{"finalizers", nullptr}}}});
  EXPECT_EQ(cleared.status, 200);
  EXPECT_TRUE(
      Eventually([&] { return c_->Get("/api/v1/namespaces/t/configmaps/held").status == 404; }));
}

TEST_F(ApiTest, PatchFormats) {
  json d = FlinkDeployment("t", "p", "flink:1.20", "default");
  ASSERT_EQ(c_->Post("/apis/apps/v1/namespaces/t/deployments", d).status, 201);
  json smp = {{"spec",
               {{"template",
                 {{"spec",
                   {{"containers",
                     {{{"name", "flink-main-container"},
                       {"image", "flink:2.2"},
                       {"env", {{{"name", "X"}, {"value", "1"}}}}}}}}}}}}}};
  auto r = c_->Patch("/apis/apps/v1/namespaces/t/deployments/p",
                     "application/strategic-merge-patch+json", smp);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& container = r.body["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(container["image"], "flink:2.2");
  EXPECT_EQ(container["ports"].size(), 3u) << "merged by name, ports kept";
  auto jp = c_->Patch("/apis/apps/v1/namespaces/t/deployments/p", "application/json-patch+json",
                      json::array({{{"op", "replace"}, {"path", "/spec/replicas"}, {"value", 0}}}));
  EXPECT_EQ(jp.body["spec"]["replicas"], 0);
  auto stale = c_->Patch("/apis/apps/v1/namespaces/t/deployments/p", "application/merge-patch+json",
                         {{"metadata", {{"resourceVersion", "1"}}}, {"spec", {{"replicas", 2}}}});
  EXPECT_EQ(stale.status, 409);
  auto unknown = c_->Patch("/apis/apps/v1/namespaces/t/deployments/p", "text/plain", "x");
  EXPECT_EQ(unknown.status, 415);
}

TEST_F(ApiTest, ServerSideApplyCreatesUpdatesAndConflicts) {
  std::string yaml = ReadText(Testdata("apply/configmap.yaml"));
  auto created = c_->Call("PATCH", "/api/v1/namespaces/t/configmaps/applied?fieldManager=sluice",
                          yaml, "application/apply-patch+yaml");
  ASSERT_EQ(created.status, 200) << created.raw;
  EXPECT_EQ(created.body["data"]["mode"], "application");
  EXPECT_EQ(created.body["metadata"]["managedFields"][0]["manager"], "sluice");
  auto no_manager = c_->Call("PATCH", "/api/v1/namespaces/t/configmaps/applied", yaml,
                             "application/apply-patch+yaml");
  EXPECT_EQ(no_manager.status, 400);
  // Someone else edits a field; a plain re-apply conflicts, a forced one wins.
  c_->Call("PATCH", "/api/v1/namespaces/t/configmaps/applied?fieldManager=editor",
           json{{"data", {{"mode", "session"}}}}, "application/merge-patch+json");
  auto conflict = c_->Call("PATCH", "/api/v1/namespaces/t/configmaps/applied?fieldManager=sluice",
                           yaml, "application/apply-patch+yaml");
  ASSERT_EQ(conflict.status, 409) << conflict.raw;
  EXPECT_EQ(conflict.body["reason"], "Conflict");
  EXPECT_EQ(conflict.body["details"]["causes"][0]["field"], ".data.mode");
  EXPECT_NE(conflict.body["message"].get<std::string>().find("conflict with \"editor\""),
            std::string::npos);
  auto forced =
      c_->Call("PATCH", "/api/v1/namespaces/t/configmaps/applied?fieldManager=sluice&force=true",
               yaml, "application/apply-patch+yaml");
  ASSERT_EQ(forced.status, 200);
  EXPECT_EQ(forced.body["data"]["mode"], "application");
}

TEST_F(ApiTest, RbacForServiceAccounts) {
  Api& api = sim_->api();
  Caller sa = Caller::ServiceAccount("t", "flink");
  const auto& pods = api.type("/pods");
  EXPECT_FALSE(api.Authorize(sa, "create", pods, "", "t", ""));
  KStatus forbidden = api.Forbidden(sa, "create", pods, "", "t", "");
  EXPECT_EQ(forbidden.message,
            "pods is forbidden: User \"system:serviceaccount:t:flink\" cannot create resource "
            "\"pods\" in API group \"\" in the namespace \"t\"");
  json rb = {
      {"metadata", {{"name", "flink-edit"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "flink"}, {"namespace", "t"}}}}};
  ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/namespaces/t/rolebindings", rb).status,
            201);
  EXPECT_TRUE(api.Authorize(sa, "create", pods, "", "t", ""));
  EXPECT_TRUE(api.Authorize(sa, "delete", api.type("apps/deployments"), "", "t", "x"));
  EXPECT_FALSE(api.Authorize(sa, "create", pods, "", "other", "")) << "a RoleBinding is namespaced";
  EXPECT_FALSE(
      api.Authorize(sa, "create", api.type("rbac.authorization.k8s.io/roles"), "", "t", ""))
      << "edit grants no RBAC";
  json role = {{"metadata", {{"name", "cm-reader"}}},
               {"rules",
                {{{"apiGroups", {""}},
                  {"resources", {"configmaps"}},
                  {"verbs", {"get"}},
                  {"resourceNames", {"only"}}}}}};
  ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/namespaces/t/roles", role).status, 201);
  json rb2 = {
      {"metadata", {{"name", "reader"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "Role"}, {"name", "cm-reader"}}},
      {"subjects", {{{"kind", "ServiceAccount"}, {"name", "reader"}, {"namespace", "t"}}}}};
  ASSERT_EQ(c_->Post("/apis/rbac.authorization.k8s.io/v1/namespaces/t/rolebindings", rb2).status,
            201);
  Caller reader = Caller::ServiceAccount("t", "reader");
  EXPECT_TRUE(api.Authorize(reader, "get", api.type("/configmaps"), "", "t", "only"));
  EXPECT_FALSE(api.Authorize(reader, "get", api.type("/configmaps"), "", "t", "other"));
}

TEST_F(ApiTest, PodAdmissionNeedsTheServiceAccount) {
  json pod = {{"metadata", {{"name", "p"}}},
              {"spec",
               {{"serviceAccountName", "missing"},
                {"containers", {{{"name", "c"}, {"image", "busybox:1"}}}}}}};
  auto r = c_->Post("/api/v1/namespaces/t/pods", pod);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["message"],
            "pods \"p\" is forbidden: error looking up service account t/missing: serviceaccount "
            "\"missing\" not found");
  // Admission runs before a name is generated: it names the object by its generateName, so
  // a controller that retries gets the same message each time.
  json generated = pod;
  generated["metadata"] = {{"generateName", "p-"}};
  r = c_->Post("/api/v1/namespaces/t/pods", generated);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["message"],
            "pods \"p-\" is forbidden: error looking up service account t/missing: "
            "serviceaccount \"missing\" not found");
  pod["spec"]["serviceAccountName"] = "default";
  r = c_->Post("/api/v1/namespaces/t/pods", pod);
  ASSERT_EQ(r.status, 201);
  EXPECT_TRUE(Eventually(
      [&] { return c_->Get("/api/v1/namespaces/t/pods/p").body["status"]["phase"] == "Running"; }));
  auto running = c_->Get("/api/v1/namespaces/t/pods?fieldSelector=status.phase%3DRunning");
  EXPECT_EQ(running.body["items"].size(), 1u);
}

TEST_F(ApiTest, BadImagesBackOff) {
  json pod = {{"metadata", {{"name", "bad"}}},
              {"spec",
               {{"containers",
                 {{{"name", "c"}, {"image", "registry.example/flink-does-not-exist:1.0"}}}}}}};
  sim_->settings().set_bad_image_pattern("does-not-exist");
  ASSERT_EQ(c_->Post("/api/v1/namespaces/t/pods", pod).status, 201);
  EXPECT_TRUE(Eventually([&] {
    json p = c_->Get("/api/v1/namespaces/t/pods/bad").body;
    for (const auto& cs : p["status"].value("containerStatuses", json::array())) {
      if (cs["state"].contains("waiting") && cs["state"]["waiting"]["reason"] == "ImagePullBackOff")
        return p["status"]["phase"] == "Pending";
    }
    return false;
  }));
  auto events = c_->Get("/api/v1/namespaces/t/events?fieldSelector=involvedObject.name%3Dbad");
  bool failed = false;
  for (const auto& e : events.body["items"])
    failed = failed || e["reason"] == "Failed";
  EXPECT_TRUE(failed) << events.raw;
  // A list of known images, once registered, is the rule.
  sim_->settings().set_bad_image_pattern("");
  sim_->settings().AddKnownImage("flink:1.20");
  EXPECT_FALSE(sim_->settings().ImagePulls("flink:1.19"));
  EXPECT_TRUE(sim_->settings().ImagePulls("flink:1.20"));
}

TEST_F(ApiTest, CustomResourcesValidatedAgainstTheOperatorCrd) {
  auto crd_text = ReadText(
      (sluice::testing::ReferenceDir() / "flink-operator/flinkdeployments.flink.apache.org-v1.yml")
          .string());
  auto crd = YamlToJson(crd_text);
  ASSERT_TRUE(crd.ok());
  auto installed = c_->Post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", *crd);
  ASSERT_EQ(installed.status, 201) << installed.raw.substr(0, 300);
  auto sj = c_->Post("/sim/v1/crds",
                     json{{"path", (sluice::testing::ReferenceDir() /
                                    "flink-operator/flinksessionjobs.flink.apache.org-v1.yml")
                                       .string()}});
  ASSERT_EQ(sj.status, 200) << sj.raw;
  auto discovery = c_->Get("/apis/flink.apache.org/v1beta1");
  ASSERT_EQ(discovery.status, 200);
  EXPECT_NE(discovery.raw.find("\"flinkdeployments\""), std::string::npos);
  for (const auto& c : LoadJsonFile("crd/cases.json")) {
    auto obj = YamlToJson(ReadText(Testdata(c["file"])));
    ASSERT_TRUE(obj.ok());
    std::string plural =
        (*obj)["kind"] == "FlinkDeployment" ? "flinkdeployments" : "flinksessionjobs";
    auto r = c_->Post("/apis/flink.apache.org/v1beta1/namespaces/t/" + plural, *obj);
    EXPECT_EQ(r.status, c["status"].get<int>()) << c["file"] << ": " << r.raw;
    for (const auto& s : c.value("contains", json::array())) {
      std::string message = r.body.is_object() ? r.body.value("message", "") : "";
      EXPECT_NE(message.find(s.get<std::string>()), std::string::npos)
          << c["file"] << " lacks: " << s << "\n"
          << message;
    }
    if (r.status == 201 && (*obj)["spec"].contains("unknownFieldThatIsPruned")) {
      EXPECT_FALSE(r.body["spec"].contains("unknownFieldThatIsPruned"))
          << "unknown fields are pruned";
      // ... and rejected when the client asks for strict validation.
      (*obj)["metadata"]["name"] = "strict";
      auto strict = c_->Post(
          "/apis/flink.apache.org/v1beta1/namespaces/t/" + plural + "?fieldValidation=Strict",
          *obj);
      EXPECT_EQ(strict.status, 422);
      EXPECT_NE(
          strict.body.value("message", "").find("unknown field \"spec.unknownFieldThatIsPruned\""),
          std::string::npos)
          << strict.raw;
    }
  }
}

TEST_F(ApiTest, FaultsFailOrHangMatchingCalls) {
  auto f = c_->Post("/sim/v1/faults",
                    {{"method", "GET"}, {"path", "/configmaps"}, {"count", 2}, {"status", 500}});
  ASSERT_EQ(f.status, 201);
  EXPECT_EQ(c_->Get("/api/v1/namespaces/t/configmaps").status, 500);
  auto second = c_->Get("/api/v1/namespaces/t/configmaps");
  EXPECT_EQ(second.status, 500);
  EXPECT_EQ(second.body["kind"], "Status");
  EXPECT_EQ(c_->Get("/api/v1/namespaces/t/configmaps").status, 200) << "only the next 2 calls fail";
  c_->Post("/sim/v1/faults", {{"path", "/secrets"}, {"action", "hang"}});
  auto start = std::chrono::steady_clock::now();
  auto hung = c_->Get("/api/v1/namespaces/t/secrets");
  EXPECT_EQ(hung.status, 504);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
}

TEST_F(ApiTest, DiscoveryForClients) {
  auto api = c_->Get("/api");
  EXPECT_EQ(api.body["versions"], json({"v1"}));
  auto v1 = c_->Get("/api/v1");
  bool pods_log = false;
  for (const auto& r : v1.body["resources"])
    pods_log = pods_log || r["name"] == "pods/log";
  EXPECT_TRUE(pods_log);
  auto groups = c_->Get("/apis");
  EXPECT_NE(groups.raw.find("\"apps\""), std::string::npos);
  auto version = c_->Get("/version");
  EXPECT_EQ(version.body["major"], "1");
  auto openapi = c_->Get("/openapi/v3");
  EXPECT_TRUE(openapi.body["paths"].contains("apis/apps/v1"));
}

}  // namespace
}  // namespace sluice::sim::testing
