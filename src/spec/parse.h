// Reading a job specification from YAML or JSON (one model), with defaults and
// validation. Every problem names the field path, and for YAML and JSON text the line
// and column.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "flinkconf/findings.h"
#include "spec/job_spec.h"
#include "spec/tree.h"

namespace sluice::spec {

struct Problem {
  flinkconf::Severity severity = flinkconf::Severity::kError;
  std::string path;  // metadata.name, spec.jar.args[1], spec.flinkConfiguration["a.b"]
  Mark mark;
  std::string message;
  std::string hint;
};
// "error: job.yaml:12:13: spec.parallelism: expected a whole number (hint)"
std::string FormatProblem(const Problem& p, std::string_view source);
bool HasErrors(const std::vector<Problem>& problems);

struct ParsedSpec {
  JobSpec job;                        // decoded and defaulted (meaningful when ok())
  std::vector<Problem> problems;      // decoding and validation, in document order
  std::map<std::string, Mark> marks;  // field path -> where its value is
  bool ok() const { return !HasErrors(problems); }
};

// Decodes (unknown fields are errors, with did-you-mean), applies the defaults and
// validates. JSON when the text starts with '{'.
ParsedSpec ParseJobSpec(std::string_view text, std::string_view source = "job.yaml");
// The same, as a Result: the error lists every error problem, one per line.
Result<JobSpec> LoadJobSpec(std::string_view text, std::string_view source = "job.yaml");

// The rules of docs/job-spec.md on a (defaulted) spec; `marks` positions the problems.
std::vector<Problem> ValidateJobSpec(const JobSpec& job,
                                     const std::map<std::string, Mark>& marks = {});

// Field path helpers: Child("spec", "jar") = "spec.jar"; Key("spec.env", "A.B") =
// spec.env["A.B"]; Index("spec.jar.args", 2) = spec.jar.args[2].
std::string Child(const std::string& path, std::string_view field);
std::string Key(const std::string& path, std::string_view key);
std::string Index(const std::string& path, size_t i);

}  // namespace sluice::spec
