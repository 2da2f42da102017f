// What the simulator's tests share: an in-process simulator with fast timings, a small
// Kubernetes client over HTTPS, processes started from argv (never a shell), polling,
// and validation of Flink REST answers against the reference OpenAPI specs.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"
#include "sim/simulator.h"
#include "support/test_env.h"

namespace sluice::sim::testing {

using nlohmann::json;

SimOptions FastOptions();
std::unique_ptr<Simulator> StartSim(SimOptions options = FastOptions());

struct Reply {
  int status = 0;
  json body;
  std::string raw;
  http::Headers headers;
};

class Client {
 public:
  explicit Client(Simulator& sim) : sim_(sim) {}
  Reply Call(const std::string& method, const std::string& path, const json& body = nullptr,
             const std::string& content_type = "application/json", http::Headers extra = {});
  Reply Get(const std::string& path) { return Call("GET", path); }
  Reply Post(const std::string& path, const json& body) { return Call("POST", path, body); }
  Reply Put(const std::string& path, const json& body) { return Call("PUT", path, body); }
  Reply Delete(const std::string& path, const json& body = nullptr) {
    return Call("DELETE", path, body);
  }
  Reply Patch(const std::string& path, const std::string& type, const json& body) {
    return Call("PATCH", path, body, type);
  }
  // A watch that collects events on a thread until Stop() or the server ends it.
  class Watch {
   public:
    ~Watch();
    std::vector<json> events() const;
    // Waits until an event satisfies `pred`; true when one did.
    bool WaitFor(const std::function<bool(const json&)>& pred,
                 std::chrono::milliseconds timeout = std::chrono::seconds(60));
    bool ended() const;
    void Stop();

   private:
    friend class Client;
    struct State;
    std::shared_ptr<State> state_;
  };
  std::unique_ptr<Watch> StartWatch(const std::string& path_with_query);

 private:
  Simulator& sim_;
};

// Polls `pred` until it holds or the timeout passes. The ceiling is generous because loaded
// CI machines are slow; a predicate that holds returns at once.
bool Eventually(const std::function<bool()>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

struct ProcessResult {
  int exit_code = -1;
  std::string out, err;
};
// Runs argv with extra environment, feeding `input` to stdin; kills it after `timeout`.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(60),
                         const std::string& input = "");

// A process left running (kubectl get -w); its output is read as it comes.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);
  ~Background();
  std::string output() const;
  bool WaitForOutput(const std::function<bool(const std::string&)>& pred,
                     std::chrono::milliseconds timeout);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// The Flink REST spec of a version ("1.20", "2.2", "1.17") from the reference folder.
const json& FlinkSpec(const std::string& version);
// Problems of one REST answer against the spec's response schema for its route; empty
// when it conforms. Unknown properties count as problems (a misspelt key would be one).
std::vector<std::string> CheckFlinkAnswer(const std::string& version, const std::string& method,
                                          const std::string& path, int status, const json& body);

json LoadJsonFile(const std::string& relative_to_testdata);
std::string ReadText(const std::string& path);
std::string Testdata(const std::string& relative);

// Namespaced objects for the native Flink layout (reference/flink-native-k8s.md).
json FlinkDeployment(const std::string& ns, const std::string& cluster_id, const std::string& image,
                     const std::string& service_account);
json FlinkConfigMap(const std::string& ns, const std::string& cluster_id,
                    const std::string& config_yaml, const std::string& owner_uid = "",
                    const std::string& key = "config.yaml");
json FlinkRestService(const std::string& ns, const std::string& cluster_id);

}  // namespace sluice::sim::testing
