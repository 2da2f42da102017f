// `sluice users list|get|create|update|passwd`.
#include <iostream>

#include "cli/client_command.h"

namespace sluice::cli {
namespace {

using json = nlohmann::json;

struct UserFlags {
  ClientFlags client;
  std::string name;
  std::string display_name;
  std::string admin;  // "", "true", "false"
  bool make_admin = false;
  bool disable = false, enable = false;
  bool password_stdin = false;
  bool set_password = false;
};

// A new password from stdin (--password-stdin) or asked twice on the terminal.
Result<std::string> NewPassword(bool from_stdin) {
  if (from_stdin) return ReadStdinLine("password");
  SLUICE_ASSIGN_OR_RETURN(std::string first, Prompt("New password", true));
  SLUICE_ASSIGN_OR_RETURN(std::string again, Prompt("Again", true));
  if (first != again) return InvalidArgument("the passwords differ");
  return first;
}

const std::vector<Column>& UserColumns() {
  static const std::vector<Column> columns = {
      Field("NAME", "name"), Field("DISPLAY NAME", "displayName"), Field("ADMIN", "admin"),
      Field("DISABLED", "disabled")};
  return columns;
}

void RegisterUserCommands(CLI::App& app, Context& ctx) {
  auto* users = app.add_subcommand("users", "Users of the server");
  users->require_subcommand(1);

  auto list_flags = std::make_shared<ClientFlags>();
  auto* list = users->add_subcommand("list", "List users");
  AddClientFlags(list, *list_flags);
  list->callback([list_flags, &ctx] {
    RunClient(ctx, *list_flags, [](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto res, client.Get("/api/v1/users"));
      PrintList(std::cout, format, res["users"], UserColumns());
      return Status::Ok();
    });
  });

  auto get = std::make_shared<UserFlags>();
  auto* get_cmd = users->add_subcommand("get", "Show a user and their teams");
  AddClientFlags(get_cmd, get->client);
  get_cmd->add_option("name", get->name, "user name")->required();
  get_cmd->callback([get, &ctx] {
    RunClient(ctx, get->client, [get](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto u, client.Get(PathOf("/api/v1/users", get->name)));
      PrintObject(std::cout, format, u);
      return Status::Ok();
    });
  });

  auto create = std::make_shared<UserFlags>();
  auto* create_cmd = users->add_subcommand("create", "Create a user (administrators)");
  AddClientFlags(create_cmd, create->client);
  create_cmd->add_option("name", create->name, "user name")->required();
  create_cmd->add_option("--display-name", create->display_name, "full name");
  create_cmd->add_flag("--admin", create->make_admin, "make the user an administrator");
  create_cmd->add_flag("--password-stdin", create->password_stdin,
                       "read the password from standard input");
  create_cmd->callback([create, &ctx] {
    RunClient(ctx, create->client, [create](ApiClient& client, OutputFormat) -> Status {
      SLUICE_ASSIGN_OR_RETURN(std::string password, NewPassword(create->password_stdin));
      json body = {{"name", create->name}, {"password", password}, {"admin", create->make_admin}};
      if (!create->display_name.empty()) body["displayName"] = create->display_name;
      SLUICE_RETURN_IF_ERROR(client.Call("POST", "/api/v1/users", body));
      std::cout << "user/" << create->name << " created\n";
      return Status::Ok();
    });
  });

  auto update = std::make_shared<UserFlags>();
  auto* update_cmd = users->add_subcommand("update", "Change a user (administrators)");
  AddClientFlags(update_cmd, update->client);
  update_cmd->add_option("name", update->name, "user name")->required();
  update_cmd->add_option("--display-name", update->display_name, "full name");
  update_cmd->add_option("--admin", update->admin, "true or false")
      ->check(CLI::IsMember({"true", "false"}));
  auto* disable =
      update_cmd->add_flag("--disable", update->disable, "stop the user from logging in");
  update_cmd->add_flag("--enable", update->enable, "let a disabled user log in again")
      ->excludes(disable);
  update_cmd->add_flag("--reset-password", update->set_password, "set a new password");
  update_cmd->add_flag("--password-stdin", update->password_stdin,
                       "read the new password from standard input");
  update_cmd->callback([update, &ctx] {
    RunClient(ctx, update->client, [update](ApiClient& client, OutputFormat) -> Status {
      json body = json::object();
      if (!update->display_name.empty()) body["displayName"] = update->display_name;
      if (!update->admin.empty()) body["admin"] = update->admin == "true";
      if (update->disable) body["disabled"] = true;
      if (update->enable) body["disabled"] = false;
      if (update->set_password || update->password_stdin) {
        SLUICE_ASSIGN_OR_RETURN(std::string password, NewPassword(update->password_stdin));
        body["password"] = password;
      }
      if (body.empty())
        return InvalidArgument("nothing to change").Hint("see sluice users update --help");
      SLUICE_RETURN_IF_ERROR(client.Call("PATCH", PathOf("/api/v1/users", update->name), body));
      std::cout << "user/" << update->name << " updated\n";
      return Status::Ok();
    });
  });

  auto passwd = std::make_shared<UserFlags>();
  auto* passwd_cmd = users->add_subcommand("passwd", "Change your own password");
  AddClientFlags(passwd_cmd, passwd->client);
  passwd_cmd->add_flag("--password-stdin", passwd->password_stdin,
                       "read the current and the new password from standard input, one per line");
  passwd_cmd->callback([passwd, &ctx] {
    RunClient(ctx, passwd->client, [passwd](ApiClient& client, OutputFormat) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto me, client.Get("/api/v1/auth/me"));
      std::string current;
      if (passwd->password_stdin) {
        SLUICE_ASSIGN_OR_RETURN(current, ReadStdinLine("current password"));
      } else {
        SLUICE_ASSIGN_OR_RETURN(current, Prompt("Current password", true));
      }
      SLUICE_ASSIGN_OR_RETURN(std::string next, NewPassword(passwd->password_stdin));
      SLUICE_RETURN_IF_ERROR(client.Call("PATCH", PathOf("/api/v1/users", me["name"]),
                                         {{"password", next}, {"currentPassword", current}}));
      std::cout << "Password changed.\n";
      return Status::Ok();
    });
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterUserCommands);
}  // namespace sluice::cli
