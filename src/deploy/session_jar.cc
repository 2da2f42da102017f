#include "deploy/session_jar.h"

#include <array>

#include "common/fs.h"
#include "common/strings.h"
#include "deploy/request.h"
#include "deploy/sql.h"
#include "http/client.h"

namespace sluice::deploy {
namespace {

uint32_t Crc32(std::string_view data) {
  static const auto kTable = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : data)
    crc = kTable[(crc ^ ch) & 0xFF] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

void Le(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

Result<std::string> FetchJar(const std::string& uri) {
  if (uri.starts_with("file://")) {
    std::string path = uri.substr(7);
    auto bytes = ReadFile(path, size_t{1} << 30);
    if (!bytes.ok()) return std::move(bytes).error().Context("spec.jar.jarURI");
    return bytes;
  }
  if (uri.starts_with("http://") || uri.starts_with("https://")) {
    http::ClientRequest req;
    req.url = uri;
    req.timeout = std::chrono::minutes(5);
    auto r = http::SendWithRetry(req, {});
    if (!r.ok()) return std::move(r).error().Context("spec.jar.jarURI");
    if (r->status != 200) {
      return Unavailable("spec.jar.jarURI: GET " + uri + " answered HTTP " +
                         std::to_string(r->status));
    }
    return r->body;
  }
  return InvalidArgument("a session cluster runs jars uploaded through its REST API, and " +
                         Quote(uri) + " cannot be read from here")
      .At("spec.jar.jarURI")
      .Hint(
          "use a file:// or https:// URI, or the kubernetes-application target for jars in the "
          "image (local://)");
}

}  // namespace

std::string EmptyJar() {
  const std::string name = "META-INF/MANIFEST.MF";
  const std::string body = "Manifest-Version: 1.0\r\nCreated-By: Sluice\r\n\r\n";
  uint32_t crc = Crc32(body);
  std::string out;
  Le(out, 0x04034b50, 4);  // local file header
  Le(out, 20, 2);
  Le(out, 0, 2);
  Le(out, 0, 2);  // stored
  Le(out, 0, 2);
  Le(out, 0x21, 2);  // 1980-01-01
  Le(out, crc, 4);
  Le(out, static_cast<uint32_t>(body.size()), 4);
  Le(out, static_cast<uint32_t>(body.size()), 4);
  Le(out, static_cast<uint32_t>(name.size()), 2);
  Le(out, 0, 2);
  out += name + body;
  uint32_t central = static_cast<uint32_t>(out.size());
  Le(out, 0x02014b50, 4);  // central directory
  Le(out, 20, 2);
  Le(out, 20, 2);
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 0x21, 2);
  Le(out, crc, 4);
  Le(out, static_cast<uint32_t>(body.size()), 4);
  Le(out, static_cast<uint32_t>(body.size()), 4);
  Le(out, static_cast<uint32_t>(name.size()), 2);
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 0, 4);
  Le(out, 0, 4);
  out += name;
  uint32_t central_size = static_cast<uint32_t>(out.size()) - central;
  Le(out, 0x06054b50, 4);  // end of central directory
  Le(out, 0, 2);
  Le(out, 0, 2);
  Le(out, 1, 2);
  Le(out, 1, 2);
  Le(out, central_size, 4);
  Le(out, central, 4);
  Le(out, 0, 2);
  return out;
}

Result<SessionJar> PrepareSessionJar(const DeploymentRequest& request,
                                     const KubernetesTarget& target) {
  const spec::Spec& s = request.job.spec;
  SLUICE_ASSIGN_OR_RETURN(flinkconf::FlinkVersion version, VersionOf(request.job));
  SessionJar out;
  for (const auto& [k, v] : s.flink_configuration)
    out.configuration[k] = v;
  out.configuration["pipeline.name"] = request.job.metadata.name;
  if (s.jar) {
    SLUICE_ASSIGN_OR_RETURN(out.jar_bytes, FetchJar(s.jar->jar_uri));
    out.jar_name = s.jar->jar_uri.substr(s.jar->jar_uri.find_last_of('/') + 1);
    if (!out.jar_name.ends_with(".jar")) out.jar_name += ".jar";
    out.entry_class = s.jar->entry_class;
    out.args = s.jar->args;
    return out;
  }
  if (s.sql.empty()) {
    return InvalidArgument("a kubernetes-session job needs spec.jar or spec.sql").At("spec");
  }
  bool batch = ToLower(out.configuration["execution.runtime-mode"]) == "batch";
  SLUICE_ASSIGN_OR_RETURN(SqlArtifacts sql, BuildSqlArtifacts(s.sql, version, batch));
  for (const auto& [k, v] : sql.set_options)
    out.configuration[k] = v;
  if (out.configuration["execution.runtime-mode"].empty())
    out.configuration.erase("execution.runtime-mode");
  out.entry_class = sql.main_class;
  out.script_bytes = sql.content;
  // Uploads take only *.jar names; the file is read by path, never opened as a jar.
  out.script_name = request.cluster_id + "-" + sql.file_name + ".jar";
  out.args = sql.args;
  for (auto& a : out.args) {
    if (a.find(std::string(kSqlMountDir)) != std::string::npos) {
      a = version.major >= 2 ? "file://@SCRIPT@" : "@SCRIPT@";
    }
  }
  if (version.major >= 2) {
    out.jar_name = "sluice-sql-driver.jar";
    out.jar_bytes = EmptyJar();  // SqlDriver comes from the cluster's own lib/
    return out;
  }
  if (target.sql_runner_jar.empty()) {
    return FailedPrecondition(
               "SQL jobs on a Flink 1.x session cluster run the Sluice SQL runner, "
               "which must be uploaded to it")
        .Hint("build runner/ (runner/README.md) and pass --runner-jar PATH");
  }
  auto bytes = ReadFile(target.sql_runner_jar, size_t{1} << 30);
  if (!bytes.ok()) return std::move(bytes).error().Context("the SQL runner jar");
  out.jar_name = "sluice-sql-runner.jar";
  out.jar_bytes = std::move(bytes).value();
  return out;
}

}  // namespace sluice::deploy
