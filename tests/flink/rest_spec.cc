#include "rest_spec.h"

#include <map>

#include "common/fs.h"
#include "common/strings.h"
#include "k8s/encoding.h"
#include "sim/json_schema.h"
#include "support/test_env.h"

namespace sluice::flink::testing {
namespace {

using nlohmann::json;

const json& Spec(const std::string& version) {
  static std::mutex mu;
  static std::map<std::string, json> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(version);
  if (it != cache.end()) return it->second;
  auto text =
      ReadFile(sluice::testing::ReferenceDir() / "flink-rest" / version / "rest_v1_dispatcher.yml");
  json doc = text.ok() ? k8s::YamlToJson(*text).value_or(json()) : json();
  return cache[version] = doc;
}

bool Matches(const std::string& tmpl, const std::string& path) {
  auto a = Split(tmpl, '/');
  auto b = Split(path, '/');
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!a[i].empty() && a[i].front() == '{') continue;
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> CheckRequest(const std::string& version, const std::string& method,
                                      const std::string& path, const std::string& body) {
  const json& spec = Spec(version);
  if (spec.is_null()) return {"no REST spec for Flink " + version + " in the reference"};
  std::string p = path.substr(0, path.find('?'));
  std::string m = ToLower(method);
  for (const auto& [tmpl, ops] : spec["paths"].items()) {
    if (!Matches(tmpl, p) || !ops.contains(m)) continue;
    const json& op = ops[m];
    if (!op.contains("requestBody")) {
      if (!body.empty()) return {method + " " + tmpl + " takes no body in Flink " + version};
      return {};
    }
    const json content = op["requestBody"].value("content", json::object());
    if (!content.contains("application/json")) return {};  // multipart uploads
    json value = json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (value.is_discarded()) return {method + " " + tmpl + ": the body is not JSON"};
    sim::SchemaValidator v(spec, {.reject_unknown_fields = true});
    std::vector<std::string> out;
    for (const auto& e : v.Validate(content["application/json"]["schema"], value)) {
      out.push_back(method + " " + tmpl + ": " + (e.path.empty() ? "<body>" : e.path) + ": " +
                    e.message);
    }
    return out;
  }
  return {method + " " + p + " is not in the Flink " + version + " REST spec"};
}

Transport RecordingTransport::transport() {
  return [this](const RestRequest& r) {
    {
      std::lock_guard lock(mu_);
      requests_.push_back({r.method, r.path, r.body});
    }
    return inner_(r);
  };
}

std::vector<Recorded> RecordingTransport::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

}  // namespace sluice::flink::testing
