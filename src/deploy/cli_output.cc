#include "deploy/cli_output.h"

#include <regex>
#include <vector>

#include "common/strings.h"

namespace sluice::deploy {
namespace {

constexpr std::string_view kExceptionBanner = "The program finished with the following exception:";

std::string Last(const std::string& text, const std::regex& re, int group = 1) {
  std::string found;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    found = (*it)[group].str();
  return found;
}

bool IsStackLine(std::string_view line) {
  std::string_view t = Trim(line);
  return t.starts_with("at ") || (t.starts_with("...") && t.ends_with("more")) ||
         t.starts_with("Suppressed:");
}

std::vector<std::string> NonEmptyLines(std::string_view text) {
  std::vector<std::string> out;
  for (auto& l : Split(text, '\n')) {
    std::string_view t = Trim(l);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

}  // namespace

std::string TrimException(std::string_view text, size_t max_lines) {
  std::vector<std::string> keep;
  bool headline = true;
  for (const auto& line : NonEmptyLines(text)) {
    if (line.starts_with("----------")) continue;
    if (IsStackLine(line)) {
      headline = false;
      continue;
    }
    if (headline || line.starts_with("Caused by:")) {
      keep.push_back(line);
    }
    if (keep.size() >= max_lines) break;
  }
  return Join(keep, "\n");
}

CliOutput ParseCliOutput(std::string_view out, std::string_view err, std::string_view log) {
  std::string all = std::string(out) + "\n" + std::string(err) + "\n" + std::string(log);
  static const std::regex app(R"(Submitted application (application_\d+_\d+))");
  static const std::regex web(R"(Found Web Interface (\S+) of application)");
  static const std::regex web2(R"(JobManager Web Interface: (\S+))");
  static const std::regex job(R"(Job has been submitted with JobID ([0-9a-fA-F]{32}))");
  // Savepoint paths may hold spaces: the rest of the line.
  static const std::regex sp(R"(Savepoint completed\. Path: ([^\r\n]*[^\s]))");
  static const std::regex sp2(R"(Savepoint stored in ([^\r\n]*[^\s.])\.?[ \t]*(\r?\n|$))");
  static const std::regex finished(R"(Job with JobID [0-9a-fA-F]{32} has finished\.)");
  CliOutput o;
  o.application_id = Last(all, app);
  std::string w = Last(all, web2);
  if (w.empty()) w = Last(all, web);
  if (!w.empty() && w.find("://") == std::string::npos) w = "http://" + w;
  o.web_interface = w;
  o.job_id = Last(all, job);
  o.savepoint_path = Last(all, sp);
  if (o.savepoint_path.empty()) o.savepoint_path = Last(all, sp2);
  o.job_finished = std::regex_search(all, finished);
  for (std::string_view stream : {err, out, log}) {
    size_t at = stream.rfind(kExceptionBanner);
    if (at != std::string_view::npos) {
      o.exception = TrimException(stream.substr(at + kExceptionBanner.size()));
      break;
    }
  }
  return o;
}

Error CliFailure(std::string_view what, const ProcessResult& result, const CliOutput& output) {
  ErrorCode code = result.timed_out   ? ErrorCode::kTimeout
                   : result.cancelled ? ErrorCode::kCancelled
                                      : ErrorCode::kFailedPrecondition;
  std::string detail = output.exception;
  if (detail.empty()) {
    // No exception banner (usage errors, a JVM that did not start): stderr's last lines.
    auto lines = NonEmptyLines(result.err.empty() ? result.out : result.err);
    size_t from = lines.size() > 8 ? lines.size() - 8 : 0;
    detail =
        Join(std::vector<std::string>(lines.begin() + static_cast<long>(from), lines.end()), "\n");
  }
  std::string message = std::string(what) + " " + result.Describe();
  if (!detail.empty()) message += ":\n" + detail;
  std::string hint;
  if (result.timed_out)
    hint = "its whole process group was killed; raise the client timeout if the cluster is slow";
  return Error{code, message, "", hint};
}

}  // namespace sluice::deploy
