// Shared by the observe tests: one sluice-sim process per suite (bookmarks every 200 ms so
// that watches notice Stop quickly), a client with short retries, a WatchCache on it, a
// kubernetes-application deployer reading through the cache, and a recorder of change
// notifications.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "deploy/deployer.h"
#include "k8s/client.h"
#include "k8s/sim_process.h"
#include "observe/watch_cache.h"

namespace sluice::observe::testing {

// Every (namespace, cluster id) notified, in order of arrival.
class Recorder {
 public:
  void Add(const std::string& ns, const std::string& cid);
  bool Seen(const std::string& ns, const std::string& cid) const;
  int Count(const std::string& ns, const std::string& cid) const;
  void Clear();

 private:
  mutable std::mutex mu_;
  std::multiset<std::string> seen_;
};

class SimTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // lifecycle-1.20 renamed to `name` (its own cluster id and namespace `lifecycle`),
  // namespace prepared as `sluice preflight --setup` does.
  deploy::DeploymentRequest Prepare(const std::string& name);
  // Waits until Observe satisfies `pred`; the last observation.
  deploy::Observation WaitFor(const deploy::DeploymentRequest& request,
                              const std::function<bool(const deploy::Observation&)>& pred);
  // The state of the cache's watch of `resource` (pods, deployments.apps, ...).
  WatchCache::TypeState StateOf(const std::string& resource) const;

  static sluice::testing::SimProcess* sim_;
  std::shared_ptr<k8s::Client> client_;  // the cache is installed on it
  std::shared_ptr<k8s::Client> direct_;  // no cache
  std::shared_ptr<WatchCache> cache_;
  std::unique_ptr<deploy::Deployer> deployer_;
  Recorder recorder_;
  int subscription_ = 0;
};

}  // namespace sluice::observe::testing
