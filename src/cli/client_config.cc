#include "cli/client_config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "common/fs.h"
#include "common/strings.h"

namespace sluice::cli {

std::filesystem::path ClientConfigPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return std::filesystem::path(xdg) / "sluice" / "config.yaml";
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home && *home ? home : ".") / ".config" / "sluice" / "config.yaml";
}

Result<ClientConfig> LoadClientConfig(const std::filesystem::path& path) {
  auto text = ReadFile(path, 1u << 20);
  if (!text.ok()) {
    if (text.error().code == ErrorCode::kNotFound) return ClientConfig{};
    return std::move(text).error();
  }
  ClientConfig c;
  try {
    YAML::Node root = YAML::Load(*text);
    if (root.IsNull()) return c;
    if (!root.IsMap())
      return InvalidArgument("the client configuration must be a mapping").At(path.string());
    for (const auto& entry : root) {
      std::string key = entry.first.as<std::string>();
      std::string value = entry.second.IsScalar() ? entry.second.as<std::string>() : "";
      if (key == "server") {
        c.server = value;
      } else if (key == "user") {
        c.user = value;
      } else if (key == "token") {
        c.token = value;
      } else {
        return InvalidArgument("unknown key " + Quote(key))
            .At(path.string() + ":" + std::to_string(entry.first.Mark().line + 1))
            .Hint("known keys: server, user, token");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg)
        .At(path.string() + ":" + std::to_string(e.mark.line + 1));
  }
  return c;
}

Status SaveClientConfig(const ClientConfig& config, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return FailedPrecondition("cannot create the directory: " + ec.message())
        .At(path.parent_path().string());
  }
  ::chmod(path.parent_path().c_str(), 0700);
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!config.server.empty()) out << YAML::Key << "server" << YAML::Value << config.server;
  if (!config.user.empty()) out << YAML::Key << "user" << YAML::Value << config.user;
  if (!config.token.empty()) out << YAML::Key << "token" << YAML::Value << config.token;
  out << YAML::EndMap;
  return WriteFileAtomic(path, std::string(out.c_str()) + "\n", 0600);
}

}  // namespace sluice::cli
