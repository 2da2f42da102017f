#include "deploy/flink_dist.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "common/process.h"
#include "common/strings.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;

bool IsVersionText(std::string_view v) {
  static const std::regex re(R"(\d+\.\d+(\.\d+)?([-.][A-Za-z0-9.]+)?)");
  return std::regex_match(v.begin(), v.end(), re);
}

Error Broken(const fs::path& home, std::string message, std::string hint = "") {
  return Error{ErrorCode::kFailedPrecondition, std::move(message), home.string(), std::move(hint)};
}

// a.b.c compared numerically, part by part.
bool NewerPatch(const std::string& a, const std::string& b) {
  auto parts = [](const std::string& v) {
    std::vector<int64_t> out;
    for (const auto& p : Split(v, '.'))
      out.push_back(ParseInt(p).value_or(-1));
    return out;
  };
  return parts(a) > parts(b);
}

}  // namespace

Result<std::string> FlinkVersionFromDistJar(std::string_view file_name) {
  std::string_view name = file_name;
  if (!name.starts_with("flink-dist") || !name.ends_with(".jar")) {
    return InvalidArgument(Quote(file_name) + " is not a flink-dist jar");
  }
  name.remove_prefix(std::string_view("flink-dist").size());
  name.remove_suffix(4);
  if (name.starts_with("_")) {  // flink-dist_2.12-1.17.2: a Scala suffix comes first
    size_t dash = name.find('-');
    if (dash == std::string_view::npos)
      name = {};
    else
      name.remove_prefix(dash);
  }
  if (name.starts_with("-")) name.remove_prefix(1);
  if (!IsVersionText(name)) {
    return InvalidArgument("cannot read a Flink version from " + Quote(file_name) +
                           " (expected flink-dist-<version>.jar)");
  }
  return std::string(name);
}

Result<std::string> JavaVersionFromOutput(std::string_view output) {
  static const std::regex re(R"re(version "([^"]+)")re");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(output.begin(), output.end(), m, re)) return m[1].str();
  return InvalidArgument("no version in the output of java -version: " +
                         Quote(Trim(output.substr(0, 200))));
}

int JavaMajor(std::string_view v) {
  auto parts = Split(v, '.');
  if (parts.empty()) return 0;
  int64_t first = ParseInt(parts[0]).value_or(0);
  if (first == 1 && parts.size() > 1) return static_cast<int>(ParseInt(parts[1]).value_or(0));
  std::string head = parts[0];
  size_t cut = head.find_first_not_of("0123456789");
  return static_cast<int>(ParseInt(head.substr(0, cut)).value_or(0));
}

Result<FlinkDistribution> InspectDistribution(const DistributionOptions& o) {
  FlinkDistribution d;
  if (o.home.empty()) return InvalidArgument("a Flink distribution needs its FLINK_HOME directory");
  std::error_code ec;
  d.home = fs::absolute(o.home, ec).lexically_normal();
  if (!fs::is_directory(d.home, ec)) {
    return Broken(d.home, "FLINK_HOME " + Quote(d.home.string()) + " is not a directory",
                  "point it at an unpacked Flink distribution (the folder with bin/, lib/, conf/)");
  }
  fs::path bin = d.FlinkBin();
  if (!fs::is_regular_file(bin, ec)) {
    return Broken(d.home, "no bin/flink in " + Quote(d.home.string()),
                  "is this an unpacked Flink distribution?");
  }
  if (::access(bin.c_str(), X_OK) != 0) {
    return Broken(d.home, Quote(bin.string()) + " is not executable", "chmod +x it");
  }

  fs::path lib = d.home / "lib";
  std::vector<fs::path> dist_jars;
  for (fs::directory_iterator it(lib, ec), end; !ec && it != end; it.increment(ec)) {
    std::string file = it->path().filename().string();
    if (file.starts_with("flink-dist") && file.ends_with(".jar")) dist_jars.push_back(it->path());
  }
  if (ec) {
    return Broken(d.home, "cannot read " + Quote(lib.string()) + ": " + ec.message());
  }
  if (dist_jars.empty()) {
    return Broken(d.home, "no lib/flink-dist*.jar in " + Quote(d.home.string()),
                  "the distribution is incomplete; unpack it again");
  }
  if (dist_jars.size() > 1) {
    std::sort(dist_jars.begin(), dist_jars.end());
    return Broken(d.home,
                  "several flink-dist jars in lib/: " + dist_jars[0].filename().string() + ", " +
                      dist_jars[1].filename().string(),
                  "keep the one of this distribution's version");
  }
  if (!std::ifstream(dist_jars[0], std::ios::binary).good()) {
    return Broken(d.home, "cannot read " + Quote(dist_jars[0].string()), "check its permissions");
  }
  SLUICE_ASSIGN_OR_RETURN(d.version, FlinkVersionFromDistJar(dist_jars[0].filename().string()));
  auto release = flink::FlinkRelease::Parse(d.version);
  if (!release.ok()) return Broken(d.home, release.error().message);
  d.release = *release;
  if (!o.expected_version.empty()) {
    auto want = flink::FlinkRelease::Parse(o.expected_version);
    if (!want.ok()) return std::move(want).error();
    bool exact = Split(o.expected_version, '.').size() >= 3;
    bool same = exact ? d.version == o.expected_version
                      : (want->major == d.release.major && want->minor == d.release.minor);
    if (!same) {
      return Broken(d.home,
                    "the distribution is Flink " + d.version + ", not the expected " +
                        o.expected_version + " (from " + dist_jars[0].filename().string() + ")",
                    "register it under its own version, or point at the right FLINK_HOME");
    }
  }

  d.conf_dir = o.conf_dir.empty() ? d.home / "conf" : fs::absolute(o.conf_dir, ec);
  bool has_config =
      fs::is_regular_file(d.conf_dir / "config.yaml", ec) ||
      (d.release.major < 2 && fs::is_regular_file(d.conf_dir / "flink-conf.yaml", ec));
  if (!has_config) {
    return Broken(
        d.home,
        "no Flink configuration file in " + Quote(d.conf_dir.string()) +
            (d.release.major < 2 ? " (config.yaml or flink-conf.yaml)" : " (config.yaml)"),
        "the client reads its defaults from there");
  }

  // Java: the registered home, else $JAVA_HOME, else java on PATH; checked by running it.
  std::string path_env = o.path_env;
  if (path_env.empty()) {
    const char* p = std::getenv("PATH");
    path_env = p ? p : "/usr/local/bin:/usr/bin:/bin";
  }
  d.java_home = o.java_home;
  if (d.java_home.empty()) {
    if (const char* jh = std::getenv("JAVA_HOME"); jh && *jh) d.java_home = jh;
  }
  if (!d.java_home.empty()) {
    d.java = (d.java_home / "bin" / "java").string();
    if (::access(d.java.c_str(), X_OK) != 0) {
      return Broken(
          d.home,
          "no Java at " + Quote(d.java) + " (JAVA_HOME " + Quote(d.java_home.string()) + ")",
          "set the distribution's Java home to a JDK or JRE");
    }
  } else {
    auto java = FindExecutable("java", path_env);
    if (!java.ok()) {
      return Broken(
          d.home,
          "no Java for Flink " + d.version + ": JAVA_HOME is not set and " + java.error().message,
          "install a JDK, or register the distribution with its Java home");
    }
    d.java = *java;
  }
  ProcessOptions po;
  po.argv = {d.java, "-version"};
  po.env = {{"PATH", path_env}};
  if (!d.java_home.empty()) po.env["JAVA_HOME"] = d.java_home.string();
  po.timeout = o.java_timeout;
  po.kill_grace = std::chrono::milliseconds(1000);
  po.max_output_bytes = 64 << 10;
  auto ran = RunProcess(po);
  if (!ran.ok()) return Broken(d.home, "cannot run " + Quote(d.java) + ": " + ran.error().message);
  if (!ran->ok()) {
    return Broken(d.home, Quote(d.java) + " -version " + ran->Describe() + ": " +
                              std::string(Trim(ran->err.substr(0, 300))));
  }
  auto java_version = JavaVersionFromOutput(ran->err + ran->out);
  if (!java_version.ok()) return Broken(d.home, java_version.error().message);
  d.java_version = *java_version;
  int major = JavaMajor(d.java_version);
  int needed = d.release.major >= 2 ? 11 : 8;
  if (major < needed) {
    return Broken(d.home,
                  "Flink " + d.version + " needs Java " + std::to_string(needed) + " or later; " +
                      Quote(d.java) + " is Java " + d.java_version,
                  "register the distribution with a newer Java home");
  }
  d.name = o.name.empty() ? d.version : o.name;
  return d;
}

Result<FlinkDistribution> FlinkVersions::Register(const DistributionOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(FlinkDistribution d, InspectDistribution(options));
  std::lock_guard lock(mu_);
  for (const auto& existing : distributions_) {
    if (existing.name == d.name) {
      return AlreadyExists("a Flink distribution named " + Quote(d.name) + " is registered (" +
                           existing.home.string() + ")");
    }
  }
  distributions_.push_back(d);
  return d;
}

void FlinkVersions::Add(FlinkDistribution distribution) {
  std::lock_guard lock(mu_);
  for (auto& existing : distributions_) {
    if (existing.name == distribution.name) {
      existing = std::move(distribution);
      return;
    }
  }
  distributions_.push_back(std::move(distribution));
}

Result<FlinkDistribution> FlinkVersions::Find(std::string_view flink_version) const {
  std::lock_guard lock(mu_);
  for (const auto& d : distributions_) {
    if (d.name == flink_version) return d;
  }
  for (const auto& d : distributions_) {
    if (d.version == flink_version) return d;
  }
  auto want = flink::FlinkRelease::Parse(flink_version);
  const FlinkDistribution* best = nullptr;
  if (want.ok() && Split(flink_version, '.').size() < 3) {
    for (const auto& d : distributions_) {
      if (d.release.major != want->major || d.release.minor != want->minor) continue;
      if (!best || NewerPatch(d.version, best->version)) best = &d;
    }
  }
  if (best) return *best;
  std::string known;
  for (const auto& d : distributions_)
    known += (known.empty() ? "" : ", ") + d.name + " (" + d.version + ")";
  return Error{ErrorCode::kNotFound,
               "no Flink distribution registered for version " + Quote(flink_version),
               "spec.flinkVersion",
               known.empty() ? "register the Flink distribution (FLINK_HOME) this job needs"
                             : "registered: " + known};
}

std::vector<FlinkDistribution> FlinkVersions::List() const {
  std::lock_guard lock(mu_);
  return distributions_;
}

}  // namespace sluice::deploy
