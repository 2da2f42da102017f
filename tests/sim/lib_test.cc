// The simulator's building blocks: names, selectors, patches, server-side apply field
// ownership, the schema validator and the Flink configuration reader.
#include <gtest/gtest.h>

#include <filesystem>

#include "sim/flink_config.h"
#include "sim/json_schema.h"
#include "sim/names.h"
#include "sim/patch.h"
#include "sim/selector.h"
#include "sim/test_support.h"
#include "sim/yaml_json.h"

namespace sluice::sim::testing {
namespace {

TEST(Names, FollowKubernetesRules) {
  for (const auto& c : LoadJsonFile("names.json")) {
    std::string rule = c["rule"], value = c["value"];
    std::vector<std::string> problems;
    if (rule == "subdomain")
      problems = CheckDns1123Subdomain(value);
    else if (rule == "label")
      problems = CheckDns1123Label(value);
    else if (rule == "dns1035")
      problems = CheckDns1035Label(value);
    else if (rule == "label-key")
      problems = CheckLabelKey(value);
    else if (rule == "label-value")
      problems = CheckLabelValue(value);
    EXPECT_EQ(problems.empty(), c["valid"].get<bool>()) << rule << " " << value;
    if (c.contains("message")) {
      std::string all;
      for (const auto& p : problems)
        all += p + "\n";
      EXPECT_NE(all.find(c["message"].get<std::string>()), std::string::npos) << all;
    }
  }
}

TEST(Selectors, ParseAndMatch) {
  for (const auto& c : LoadJsonFile("selectors.json")) {
    auto sel = LabelSelector::Parse(c["selector"]);
    if (c.value("error", false)) {
      EXPECT_FALSE(sel.ok()) << c["selector"];
      continue;
    }
    ASSERT_TRUE(sel.ok()) << c["selector"] << ": " << sel.error().message;
    Labels labels;
    for (auto& [k, v] : c["labels"].items())
      labels[k] = v;
    EXPECT_EQ(sel->Matches(labels), c["matches"].get<bool>()) << c["selector"];
  }
}

TEST(Selectors, FieldSelectorsAreLimitedPerKind) {
  EXPECT_TRUE(FieldSelector::Parse("status.phase=Running", "Pod").ok());
  auto bad = FieldSelector::Parse("status.phase=Running", "ConfigMap");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "field label not supported: status.phase");
}

TEST(Patches, CasesFromFiles) {
  for (const auto& entry : std::filesystem::directory_iterator(Testdata("patches"))) {
    json c = json::parse(ReadText(entry.path().string()));
    std::string type = c["type"];
    json got;
    if (type == "strategic") {
      auto r = StrategicMergePatch(c["original"], c["patch"], c["kind"]);
      ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.error().message;
      got = *r;
    } else if (type == "merge") {
      got = MergePatch(c["original"], c["patch"]);
    } else {
      auto r = JsonPatch(c["original"], c["patch"]);
      ASSERT_TRUE(r.ok()) << r.error().message;
      got = *r;
    }
    EXPECT_EQ(got, c["expected"]) << entry.path().filename() << "\n got " << got.dump(1);
  }
}

TEST(Patches, StrategicMergeNeedsTheMergeKey) {
  json orig = {{"spec", {{"containers", {{{"name", "a"}}}}}}};
  json patch = {{"spec", {{"containers", {{{"image", "x"}}}}}}};
  auto r = StrategicMergePatch(orig, patch, "Pod");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("does not contain declared merge key: name"), std::string::npos);
}

TEST(ServerSideApply, OwnershipConflictsAndRemoval) {
  json applied = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "d"}, {"labels", {{"a", "1"}}}}},
      {"spec",
       {{"replicas", 2},
        {"template", {{"spec", {{"containers", {{{"name", "c"}, {"image", "x"}}}}}}}}}}};
  auto first = ServerSideApply(nullptr, applied, "sluice", false, "Deployment", "t");
  ASSERT_TRUE(first.conflicts.empty());
  json live = first.object;
  ASSERT_EQ(live["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(live["metadata"]["managedFields"][0]["manager"], "sluice");
  EXPECT_EQ(live["metadata"]["managedFields"][0]["operation"], "Apply");
  EXPECT_TRUE(live["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"].contains("f:replicas"));

  // Another manager changes replicas with an update; it now owns that field.
  json before = live;
  live["spec"]["replicas"] = 5;
  RecordUpdateOwnership(before, live, "kubectl-scale", "Deployment", "t");
  auto conflict = ServerSideApply(live, applied, "sluice", false, "Deployment", "t");
  ASSERT_EQ(conflict.conflicts.size(), 1u);
  EXPECT_EQ(conflict.conflicts[0], "conflict with \"kubectl-scale\" using apps/v1: .spec.replicas");
  auto forced = ServerSideApply(live, applied, "sluice", true, "Deployment", "t");
  EXPECT_TRUE(forced.conflicts.empty());
  EXPECT_EQ(forced.object["spec"]["replicas"], 2);

  // Dropping a label from the applied config removes it (nobody else owns it).
  json less = applied;
  less["metadata"]["labels"] = {{"b", "2"}};
  auto r = ServerSideApply(forced.object, less, "sluice", false, "Deployment", "t");
  ASSERT_TRUE(r.conflicts.empty());
  EXPECT_FALSE(r.object["metadata"]["labels"].contains("a"));
  EXPECT_EQ(r.object["metadata"]["labels"]["b"], "2");
}

TEST(FieldsV1, RoundTrip) {
  json obj = {{"metadata", {{"labels", {{"x", "y"}}}}},
              {"spec", {{"containers", {{{"name", "a"}, {"image", "i"}}}}}}};
  auto fields = LeafFields(obj, "Pod");
  json v1 = FieldSetToFieldsV1(fields);
  EXPECT_TRUE(v1["f:spec"]["f:containers"].contains("k:{\"name\":\"a\"}")) << v1.dump();
  EXPECT_EQ(FieldsV1ToFieldSet(v1), fields);
}

TEST(JsonSchema, RefsOneOfDiscriminatorAndUnknownFields) {
  json doc = LoadJsonFile("schema/doc.json");
  SchemaValidator strict(doc, {.reject_unknown_fields = true});
  const json& schema = doc["components"]["schemas"]["Stats"];
  EXPECT_TRUE(
      strict.Validate(schema, {{"className", "completed"}, {"id", 1}, {"external_path", "/x"}})
          .empty());
  auto errs = strict.Validate(schema, {{"className", "completed"}, {"id", "one"}, {"typo", 1}});
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].kind, SchemaError::Kind::kType);
  EXPECT_EQ(errs[1].kind, SchemaError::Kind::kUnknownField);
  EXPECT_EQ(errs[1].path, "typo");
  auto missing = strict.Validate(schema, {{"id", 1}});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].kind, SchemaError::Kind::kRequired);
  EXPECT_EQ(missing[0].path, "className");
}

TEST(JsonSchema, KubernetesExtensions) {
  json schema = {{"type", "object"},
                 {"properties",
                  {{"port",
                    {{"x-kubernetes-int-or-string", true},
                     {"anyOf", {{{"type", "integer"}}, {{"type", "string"}}}}}},
                   {"conf", {{"x-kubernetes-preserve-unknown-fields", true}}},
                   {"items", {{"type", "array"}, {"items", {{"type", "string"}}}}}}}};
  SchemaValidator v(schema, {.reject_unknown_fields = true, .kubernetes_structural = true});
  EXPECT_TRUE(
      v.Validate(schema, {{"port", "rest"}, {"conf", {{"any", {{"thing", 1}}}}}, {"items", {"a"}}})
          .empty());
  EXPECT_TRUE(v.Validate(schema, {{"port", 8081}}).empty());
  auto errs = v.Validate(schema, {{"port", true}, {"items", {1}}});
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].path, "items[0]");
  EXPECT_EQ(errs[1].path, "port");
  json value = {{"port", 1}, {"extra", 2}, {"conf", {{"kept", 1}}}};
  auto dropped = v.Prune(schema, value);
  EXPECT_EQ(dropped, std::vector<std::string>{"extra"});
  EXPECT_TRUE(value["conf"].contains("kept"));
}

TEST(FlinkConfig, NestedFlatAndLegacy) {
  auto nested = FlinkConfig::ParseYaml(ReadText(Testdata("flink/config-nested.yaml")));
  ASSERT_TRUE(nested.ok()) << nested.error().ToString();
  EXPECT_EQ(nested->GetInt("parallelism.default", 0), 4);
  EXPECT_EQ(nested->GetDurationMs("execution.checkpointing.interval"), 10000);
  EXPECT_EQ(nested->GetList("pipeline.jars"),
            std::vector<std::string>{"local:///opt/flink/usrlib/job.jar"});
  EXPECT_EQ(nested->GetList("$internal.application.program-args"),
            (std::vector<std::string>{"--input", "a b"}));
  FlinkConfig legacy = FlinkConfig::ParseLegacy(ReadText(Testdata("flink/flink-conf.yaml")));
  EXPECT_EQ(legacy.GetOr("execution.savepoint.path", ""), "s3://bucket/savepoints/savepoint-abc");
  EXPECT_EQ(legacy.GetList("pipeline.jars"),
            (std::vector<std::string>{"local:///a.jar", "local:///b.jar"}));
  EXPECT_EQ(legacy.GetInt("taskmanager.numberOfTaskSlots", 0), 2);
  EXPECT_EQ(ParseFlinkDuration("1 min"), 60000);
  EXPECT_EQ(ParseFlinkDuration("250"), 250);
}

}  // namespace
}  // namespace sluice::sim::testing
