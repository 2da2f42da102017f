// `sluice teams list|get|create|add-member|remove-member`.
#include <iostream>

#include "cli/client_command.h"

namespace sluice::cli {
namespace {

using json = nlohmann::json;

void RegisterTeamCommands(CLI::App& app, Context& ctx) {
  auto* teams = app.add_subcommand("teams", "Teams and their members");
  teams->require_subcommand(1);

  auto list_flags = std::make_shared<ClientFlags>();
  auto* list = teams->add_subcommand("list", "List teams (yours; administrators: all)");
  AddClientFlags(list, *list_flags);
  list->callback([list_flags, &ctx] {
    RunClient(ctx, *list_flags, [](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto res, client.Get("/api/v1/teams"));
      PrintList(
          std::cout, format, res["teams"],
          {Field("NAME", "name"), Field("ROLE", "role"), Field("DESCRIPTION", "description")});
      return Status::Ok();
    });
  });

  auto get_flags = std::make_shared<ClientFlags>();
  auto get_name = std::make_shared<std::string>();
  auto* get = teams->add_subcommand("get", "Show a team and its members");
  AddClientFlags(get, *get_flags);
  get->add_option("team", *get_name, "team name")->required();
  get->callback([get_flags, get_name, &ctx] {
    RunClient(ctx, *get_flags, [get_name](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto team, client.Get(PathOf("/api/v1/teams", *get_name)));
      if (format == OutputFormat::kTable) {
        PrintList(std::cout, format, team["members"],
                  {Field("USER", "user"), Field("ROLE", "role")});
      } else {
        PrintObject(std::cout, format, team);
      }
      return Status::Ok();
    });
  });

  auto create_flags = std::make_shared<ClientFlags>();
  auto create_name = std::make_shared<std::string>();
  auto description = std::make_shared<std::string>();
  auto* create = teams->add_subcommand("create", "Create a team (administrators)");
  AddClientFlags(create, *create_flags);
  create->add_option("team", *create_name, "team name")->required();
  create->add_option("--description", *description, "what the team is");
  create->callback([create_flags, create_name, description, &ctx] {
    RunClient(ctx, *create_flags, [=](ApiClient& client, OutputFormat) -> Status {
      json body = {{"name", *create_name}};
      if (!description->empty()) body["description"] = *description;
      SLUICE_RETURN_IF_ERROR(client.Call("POST", "/api/v1/teams", body));
      std::cout << "team/" << *create_name << " created\n";
      return Status::Ok();
    });
  });

  auto member_flags = std::make_shared<ClientFlags>();
  auto member_team = std::make_shared<std::string>();
  auto member_user = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>("viewer");
  auto* add = teams->add_subcommand("add-member", "Add a user to a team, or change their role");
  AddClientFlags(add, *member_flags);
  add->add_option("team", *member_team, "team name")->required();
  add->add_option("user", *member_user, "user name")->required();
  add->add_option("--role", *role, "viewer, developer or admin")->capture_default_str();
  add->callback([member_flags, member_team, member_user, role, &ctx] {
    RunClient(ctx, *member_flags, [=](ApiClient& client, OutputFormat) -> Status {
      SLUICE_RETURN_IF_ERROR(client.Call(
          "PUT", PathOf(PathOf("/api/v1/teams", *member_team) + "/members", *member_user),
          {{"role", *role}}));
      std::cout << *member_user << " is " << *role << " in team " << *member_team << "\n";
      return Status::Ok();
    });
  });

  auto remove_flags = std::make_shared<ClientFlags>();
  auto remove_team = std::make_shared<std::string>();
  auto remove_user = std::make_shared<std::string>();
  auto* remove = teams->add_subcommand("remove-member", "Remove a user from a team");
  AddClientFlags(remove, *remove_flags);
  remove->add_option("team", *remove_team, "team name")->required();
  remove->add_option("user", *remove_user, "user name")->required();
  remove->callback([remove_flags, remove_team, remove_user, &ctx] {
    RunClient(ctx, *remove_flags, [=](ApiClient& client, OutputFormat) -> Status {
      SLUICE_RETURN_IF_ERROR(client.Call(
          "DELETE", PathOf(PathOf("/api/v1/teams", *remove_team) + "/members", *remove_user)));
      std::cout << *remove_user << " left team " << *remove_team << "\n";
      return Status::Ok();
    });
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterTeamCommands);
}  // namespace sluice::cli
