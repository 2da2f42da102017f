// `sluice login`, `sluice logout`, `sluice whoami`: an API token for this user, kept in
// the client configuration (client_config.h).
#include <unistd.h>

#include <iostream>

#include "cli/client_command.h"
#include "common/crypto.h"

namespace sluice::cli {
namespace {

struct LoginFlags {
  std::string server;
  std::string user;
  bool password_stdin = false;
  std::string ttl = "30d";
};

std::string Hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

Status Login(const LoginFlags& flags) {
  SLUICE_ASSIGN_OR_RETURN(ClientConfig config, LoadClientConfig());
  std::string server = flags.server;
  if (server.empty()) {
    const char* env = std::getenv("SLUICE_SERVER");
    server = env && *env ? env : config.server;
  }
  if (server.empty()) server = kDefaultServer;
  std::string user = flags.user;
  if (user.empty()) {
    SLUICE_ASSIGN_OR_RETURN(user, Prompt("User", false));
  }
  std::string password;
  if (flags.password_stdin) {
    SLUICE_ASSIGN_OR_RETURN(password, ReadStdinLine("password"));
  } else {
    SLUICE_ASSIGN_OR_RETURN(password, Prompt("Password for " + user, true));
  }
  ApiClient client(server, "");
  auto created = client.Call(
      "POST", "/api/v1/auth/tokens", {{"name", "sluice-cli@" + Hostname()}, {"ttl", flags.ttl}},
      {{"Authorization", "Basic " + crypto::Base64Encode(user + ":" + password)}});
  if (!created.ok()) return std::move(created).error();
  config.server = client.server();
  config.user = user;
  config.token = (*created)["token"];
  SLUICE_RETURN_IF_ERROR(SaveClientConfig(config));
  std::cout << "Logged in to " << config.server << " as " << user << " (the token expires "
            << (*created)["expiresAt"].get<std::string>() << "; kept in "
            << ClientConfigPath().string() << ")\n";
  return Status::Ok();
}

Status Logout(const ClientFlags& flags) {
  SLUICE_ASSIGN_OR_RETURN(ClientConfig config, LoadClientConfig());
  if (config.token.empty()) {
    std::cout << "Not logged in.\n";
    return Status::Ok();
  }
  ApiClient client(flags.server.empty() ? config.server : flags.server, config.token);
  auto out = client.Call("POST", "/api/v1/auth/logout");
  // A token the server no longer knows is as good as revoked.
  if (!out.ok() && out.error().code != ErrorCode::kUnauthenticated) return std::move(out).error();
  config.token.clear();
  SLUICE_RETURN_IF_ERROR(SaveClientConfig(config));
  std::cout << "Logged out of " << client.server() << ".\n";
  return Status::Ok();
}

void RegisterAuthCommands(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<LoginFlags>();
  auto* login =
      app.add_subcommand("login", "Log in to a Sluice server and keep an API token for the client");
  login->add_option("--server", flags->server,
                    "server URL [env SLUICE_SERVER; default " + std::string(kDefaultServer) + "]");
  login->add_option("-u,--user", flags->user, "user name (asked on the terminal when not given)");
  login->add_flag("--password-stdin", flags->password_stdin,
                  "read the password from standard input");
  login->add_option("--ttl", flags->ttl, "how long the token lives")->capture_default_str();
  login->callback([flags, &ctx] {
    Status st = Login(*flags);
    if (!st.ok()) {
      std::cerr << "sluice: " << st.error().ToString() << "\n";
      ctx.exit_code = st.error().code == ErrorCode::kUnavailable ? 2 : 1;
    }
  });

  auto logout_flags = std::make_shared<ClientFlags>();
  auto* logout = app.add_subcommand("logout", "Revoke the client's token and forget it");
  logout->add_option("--server", logout_flags->server, "server URL");
  logout->callback([logout_flags, &ctx] {
    Status st = Logout(*logout_flags);
    if (!st.ok()) {
      std::cerr << "sluice: " << st.error().ToString() << "\n";
      ctx.exit_code = 1;
    }
  });

  auto who_flags = std::make_shared<ClientFlags>();
  auto* whoami =
      app.add_subcommand("whoami", "Show the user, teams and permissions the client acts with");
  AddClientFlags(whoami, *who_flags);
  whoami->callback([who_flags, &ctx] {
    RunClient(ctx, *who_flags, [](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto me, client.Get("/api/v1/auth/me"));
      if (format != OutputFormat::kTable) {
        PrintObject(std::cout, format, me);
        return Status::Ok();
      }
      std::cout << me["name"].get<std::string>()
                << (me["admin"].get<bool>() ? " (administrator)" : "") << "\n";
      for (const auto& t : me["teams"]) {
        std::cout << "  " << t["team"].get<std::string>() << ": " << t["role"].get<std::string>()
                  << "\n";
      }
      return Status::Ok();
    });
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterAuthCommands);
}  // namespace sluice::cli
