// The configuration of `sluice serve`: defaults, then a YAML file (--config), then
// SLUICE_* environment variables, then flags. Unknown keys are errors that name the key.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/result.h"

namespace sluice::cli {

struct ServeConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  std::string db;  // empty: sqlite://<data-dir>/sluice.db
  std::filesystem::path data_dir = "./var";
  std::filesystem::path web_dir;  // empty: looked up beside the binary or in ./web/dist
  log::Level log_level = log::Level::kInfo;
  bool log_json = true;
  size_t max_body_bytes = 8u << 20;
  int threads = 0;  // 0: one per core
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds shutdown_grace{30'000};
  // Authentication.
  bool secure_cookies = false;
  std::chrono::milliseconds session_idle_timeout{30 * 60'000};
  std::chrono::milliseconds session_lifetime{12 * 3600'000};
  std::string secret_key;                // base64; empty: <data-dir>/secret.key
  std::string bootstrap_admin_password;  // first start only; empty: a random one, printed once
  // The reconcile controller (reconcile/controller.h). 0 workers: it does not run.
  int reconcile_workers = 4;
  std::chrono::milliseconds reconcile_lease{30'000};
  std::chrono::milliseconds reconcile_resync{60'000};
  // How often each running job's JobManager is asked for its jobs' states (0: never; a
  // change only Flink sees then waits for the job's next steady pass).
  std::chrono::milliseconds jobmanager_poll{3'000};
  std::string replica_id;  // empty: the one kept in the data directory (serve_lock.h)

  std::string DatabaseUrl() const;
};

struct ConfigKey {
  std::string name;  // as in the file and as the flag (--name); env: SLUICE_NAME_WITH_UNDERSCORES
  std::string help;
  std::function<Status(ServeConfig&, const std::string&)> apply;
};

const std::vector<ConfigKey>& ServeConfigKeys();
std::string EnvName(const std::string& key);

struct ConfigSources {
  std::string file;                          // path of the YAML file, or ""
  std::map<std::string, std::string> env;    // the process environment
  std::map<std::string, std::string> flags;  // key -> value for flags given
};

Result<ServeConfig> LoadServeConfig(const ConfigSources& sources);

Result<size_t> ParseByteSize(const std::string& text);

}  // namespace sluice::cli
