#include "support.h"

#include <gtest/gtest.h>

#include "common/fs.h"
#include "spec/parse.h"
#include "support/test_env.h"

namespace sluice::deploy::testing {

std::string CaseText(const std::string& name) {
  auto path = sluice::testing::SourceDir() / "tests/deploy/cases" / (name + ".yaml");
  auto text = ReadFile(path.string());
  EXPECT_TRUE(text.ok()) << path;
  return text.ok() ? *text : "";
}

spec::JobSpec LoadCaseText(const std::string& text, const std::string& source) {
  auto job = spec::LoadJobSpec(text, source);
  EXPECT_TRUE(job.ok()) << source << ": " << job.error().ToString();
  return job.ok() ? *job : spec::JobSpec{};
}

spec::JobSpec LoadCase(const std::string& name) {
  return LoadCaseText(CaseText(name), name);
}

DeploymentRequest RequestFor(const spec::JobSpec& job) {
  auto r = MakeRequest(job);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : DeploymentRequest{};
}

void SimDeployTest::SetUp() {
  ASSERT_NO_FATAL_FAILURE(SimProcessSuite::SetUp());
  client_ = sim_->NewClient("", client_options_);
  ASSERT_NE(client_, nullptr);
  if (target_) {
    ASSERT_NO_FATAL_FAILURE(UseDeployer(*target_));
  }
}

void SimDeployTest::UseDeployer(spec::Target target, KubernetesTarget kubernetes) {
  kubernetes.client = client_;
  auto d = NewDeployer(target, {.name = "sim", .kubernetes = std::move(kubernetes)});
  ASSERT_TRUE(d.ok()) << d.error().ToString();
  deployer_ = std::move(*d);
}

Observation SimDeployTest::ObserveUntil(const DeploymentRequest& request,
                                        const std::function<bool(const Observation&)>& pred,
                                        bool* reached) {
  Observation last;
  *reached = sluice::testing::WaitUntil(
      [&] {
        auto o = deployer_->Observe(request);
        if (!o.ok()) return false;
        last = *o;
        return pred(last);
      },
      kLong);
  return last;
}

}  // namespace sluice::deploy::testing
