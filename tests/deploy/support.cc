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

}  // namespace sluice::deploy::testing
