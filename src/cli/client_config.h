// Where the `sluice` client keeps its server and token: $XDG_CONFIG_HOME/sluice/config.yaml
// (default ~/.config/sluice/config.yaml), readable by the user only.
//
//   server: http://127.0.0.1:8080
//   user: alice
//   token: slc_...
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace sluice::cli {

struct ClientConfig {
  std::string server;
  std::string user;
  std::string token;
};

inline constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

std::filesystem::path ClientConfigPath();
// A missing file is an empty configuration.
Result<ClientConfig> LoadClientConfig(const std::filesystem::path& path = ClientConfigPath());
// Writes with mode 0600 (the directory 0700).
Status SaveClientConfig(const ClientConfig& config,
                        const std::filesystem::path& path = ClientConfigPath());

}  // namespace sluice::cli
