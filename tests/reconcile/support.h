// Shared by the reconciler's simulator tests: an in-process simulator, a real SQLite store
// in a TempDir, jobs made from tests/reconcile/testdata/jobs, and a loop of passes.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "k8s/client.h"
#include "reconcile/reconciler.h"
#include "sim/simulator.h"
#include "store/store.h"
#include "support/subprocess.h"
#include "support/test_env.h"

namespace sluice::reconcile::testing {

using Edits = std::vector<std::pair<std::string, std::string>>;

// A real `sluice serve` ($SLUICE_BIN) on 127.0.0.1 and a data directory, with a bootstrap
// administrator and a resync of 1 s, talked to over its REST API (each call at most
// `call_timeout`).
class ServeProcess {
 public:
  ServeProcess(const std::filesystem::path& data_dir, const std::string& admin_password,
               std::map<std::string, std::string> env = {},
               std::chrono::milliseconds call_timeout = std::chrono::seconds(30));
  // Waits at most `timeout` for the listen address, then takes an API token named
  // `token_name` with the administrator's password; false when either fails.
  bool Ready(std::chrono::milliseconds timeout, const std::string& token_name);
  // The answer's body, or null when the server did not answer (it may just have died);
  // *status is set only when it answered.
  nlohmann::json Call(const std::string& method, const std::string& path,
                      const nlohmann::json& body = nullptr, int* status = nullptr);

  sluice::testing::BackgroundProcess& proc() { return *proc_; }

 private:
  std::string password_;
  std::chrono::milliseconds call_timeout_;
  std::unique_ptr<sluice::testing::BackgroundProcess> proc_;
  std::string base_, token_;
};

class SimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  ReconcilerOptions Options() const;
  std::unique_ptr<Reconciler> NewReconciler(ReconcilerOptions options);

  // testdata/jobs/<file>.yaml with NAME replaced by `name` and the edits applied.
  std::string SpecText(const std::string& file, const std::string& name, const Edits& edits = {});
  // Creates the job (its namespace prepared as `sluice preflight --setup` does).
  int64_t Create(const std::string& text, const std::string& desired = "RUNNING");
  void AddVersion(int64_t id, const std::string& text);
  void SetIntent(int64_t id, const std::function<void(store::Job&)>& edit);
  store::Job Job(int64_t id);
  nlohmann::json Status(int64_t id);

  // Passes (each by `reconciler`, or a fresh one from `fresh`) until `pred` holds.
  bool Until(int64_t id, const std::function<bool(const store::Job&)>& pred,
             std::chrono::milliseconds timeout = std::chrono::seconds(90));
  bool UntilState(int64_t id, const std::string& state, int64_t version = 0);

  int Deployments(const std::string& ns, const std::string& cluster_id);
  std::vector<store::Savepoint> Savepoints(int64_t id);
  std::vector<store::JobEvent> Events(int64_t id);
  bool HasEvent(int64_t id, const std::string& type);
  // The path the simulated JobManager says the running job was restored from ("" none).
  std::string RestoredFrom(const std::string& ns, const std::string& cluster_id);
  // The path of the simulated job's latest `kind` (completed, restored, savepoint) checkpoint.
  std::string LatestCheckpointPath(const std::string& ns, const std::string& cluster_id,
                                   const std::string& kind);
  // The state_size the simulated JobManager's checkpoint statistics give the savepoint at
  // `path` (-1 when they do not list it).
  int64_t SimSavepointSize(const std::string& ns, const std::string& cluster_id,
                           const std::string& path);

  static sim::Simulator* sim_;
  sluice::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<k8s::Client> client_;
  std::unique_ptr<Reconciler> reconciler_;
  std::function<std::unique_ptr<Reconciler>()> fresh_;  // set: a new reconciler every pass
  std::string last_;                                    // the last pass's error, for messages
};

}  // namespace sluice::reconcile::testing
