#include "deploy/cli_client.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/fs.h"
#include "common/log.h"
#include "common/strings.h"
#include "flinkconf/catalog.h"
#include "flinkconf/config_file.h"

namespace sluice::deploy {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return FailedPrecondition("cannot read " + Quote(p.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status MakeDirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return FailedPrecondition("cannot create " + Quote(dir.string()) + ": " + ec.message());
  return {};
}

}  // namespace

Status PrepareClientFiles(const CliCommand& cmd, const FlinkDistribution& dist) {
  const JobFiles& f = cmd.job_files;
  SLUICE_RETURN_IF_ERROR(MakeDirs(f.conf_dir));
  SLUICE_RETURN_IF_ERROR(MakeDirs(f.log_dir));
  for (const auto& [path, content] : cmd.files) {
    SLUICE_RETURN_IF_ERROR(MakeDirs(path.parent_path()));
    SLUICE_RETURN_IF_ERROR(WriteFileAtomic(path, content));
  }
  // The distribution's configuration directory (log4j files and the like), then its
  // configuration file with the command's client keys merged in.
  std::error_code ec;
  for (fs::directory_iterator it(dist.conf_dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    fs::copy_file(it->path(), f.conf_dir / it->path().filename(),
                  fs::copy_options::overwrite_existing, ec);
    if (ec) {
      return FailedPrecondition("cannot copy " + Quote(it->path().string()) + " to " +
                                Quote(f.conf_dir.string()) + ": " + ec.message());
    }
  }
  if (ec)
    return FailedPrecondition("cannot read " + Quote(dist.conf_dir.string()) + ": " + ec.message());
  if (cmd.client_config.empty()) return {};
  const bool legacy = !fs::exists(dist.conf_dir / "config.yaml");
  const auto format =
      legacy ? flinkconf::ConfigFormat::kFlinkConfYaml : flinkconf::ConfigFormat::kConfigYaml;
  fs::path file = dist.conf_dir / flinkconf::FileName(format);
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadText(file));
  auto catalog = flinkconf::CatalogFor(dist.release.ToString());
  const flinkconf::Catalog& cat =
      catalog.ok() && catalog->catalog ? *catalog->catalog : flinkconf::NewestCatalog();
  SLUICE_ASSIGN_OR_RETURN(auto parsed,
                          flinkconf::ParseConfigFile(format, text, file.string(), &cat));
  flinkconf::FlatConfig merged = flinkconf::Effective(parsed.entries);
  for (const auto& [k, v] : cmd.client_config)
    merged[k] = v;
  SLUICE_ASSIGN_OR_RETURN(std::string rendered, flinkconf::RenderConfigFile(format, merged, cat));
  fs::path out = f.conf_dir / flinkconf::FileName(format);
  SLUICE_RETURN_IF_ERROR(WriteFileAtomic(out, rendered));
  fs::permissions(out, fs::perms::owner_read | fs::perms::owner_write, ec);  // it holds secrets
  return {};
}

ProcessOptions ClientProcessOptions(const CliCommand& cmd, const CliTarget& target,
                                    std::string_view cluster_id) {
  ProcessOptions o;
  o.argv = cmd.argv;
  o.env = cmd.env;
  o.timeout = target.cli_timeout;
  o.kill_grace = target.kill_grace;
  o.output_file = (cmd.job_files.log_dir / "client.log").string();
  if (target.log_sink) {
    CliLogSink sink = target.log_sink;
    std::string id(cluster_id);
    o.on_line = [sink, id](OutputStream s, std::string_view line) {
      sink(id, s == OutputStream::kStdout ? "stdout" : "stderr", line);
    };
  }
  return o;
}

Result<ClientRun> RunClient(const CliCommand& cmd, const FlinkDistribution& dist,
                            const CliTarget& target, std::string_view cluster_id,
                            std::string_view what) {
  SLUICE_RETURN_IF_ERROR(PrepareClientFiles(cmd, dist));
  SLUICE_ASSIGN_OR_RETURN(ProcessResult r,
                          RunProcess(ClientProcessOptions(cmd, target, cluster_id)));
  ClientRun run{r, ParseCliOutput(r.out, r.err)};
  if (!r.ok()) return CliFailure(what, r, run.output);
  return run;
}

}  // namespace sluice::deploy
