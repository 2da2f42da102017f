// `sluice clusters list|get|apply -f|delete`.
//
// apply reads YAML or JSON (several YAML documents allowed), each one cluster as the API
// takes it (name, kind, config, secrets, teams), plus `secretFiles`: secret fields read
// from files, relative to the manifest (secretFiles: {kubeconfig: ./kubeconfig}).
#include <iostream>

#include "cli/client_command.h"
#include "common/fs.h"
#include "common/strings.h"

namespace sluice::cli {
namespace {

using json = nlohmann::json;

const std::vector<Column>& ClusterColumns() {
  static const std::vector<Column> columns = {
      Field("NAME", "name"), Field("KIND", "kind"), Field("TEAMS", "teams"),
      Field("REVISION", "revision"), Field("UPDATED", "updatedAt")};
  return columns;
}

Result<json> ReadManifestSecrets(json doc, const std::filesystem::path& file) {
  if (!doc.contains("secretFiles")) return doc;
  if (!doc["secretFiles"].is_object()) {
    return InvalidArgument("secretFiles must map secret fields to file names").At(file.string());
  }
  for (const auto& [field, name] : doc["secretFiles"].items()) {
    if (!name.is_string())
      return InvalidArgument("secretFiles." + field + " must be a file name").At(file.string());
    std::filesystem::path p = name.get<std::string>();
    if (p.is_relative()) p = file.parent_path() / p;
    auto content = ReadFile(p, 1u << 20);
    if (!content.ok()) return std::move(content).error().Context("secretFiles." + field);
    doc["secrets"][field] = *content;
  }
  doc.erase("secretFiles");
  return doc;
}

Status Apply(ApiClient& client, const std::string& file) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file, 4u << 20));
  SLUICE_ASSIGN_OR_RETURN(auto docs, YamlDocumentsToJson(text, file));
  if (docs.empty()) return InvalidArgument("no cluster in the file").At(file);
  for (json doc : docs) {
    if (!doc.is_object() || !doc.contains("name") || !doc["name"].is_string()) {
      return InvalidArgument("each document needs a name").At(file);
    }
    SLUICE_ASSIGN_OR_RETURN(doc, ReadManifestSecrets(std::move(doc), file));
    std::string name = doc["name"];
    auto current = client.Get(PathOf("/api/v1/clusters", name));
    if (!current.ok() && current.error().code != ErrorCode::kNotFound)
      return std::move(current).error();
    if (!current.ok()) {
      SLUICE_RETURN_IF_ERROR(client.Call("POST", "/api/v1/clusters", doc));
      std::cout << "cluster/" << name << " created\n";
    } else {
      doc["revision"] = (*current)["revision"];
      SLUICE_RETURN_IF_ERROR(client.Call("PUT", PathOf("/api/v1/clusters", name), doc));
      std::cout << "cluster/" << name << " configured\n";
    }
  }
  return Status::Ok();
}

void RegisterClusterCommands(CLI::App& app, Context& ctx) {
  auto* clusters = app.add_subcommand("clusters", "Clusters and Flink versions on the server");
  clusters->require_subcommand(1);

  auto list_flags = std::make_shared<ClientFlags>();
  auto* list = clusters->add_subcommand("list", "List the clusters you may use");
  AddClientFlags(list, *list_flags);
  list->callback([list_flags, &ctx] {
    RunClient(ctx, *list_flags, [](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto res, client.Get("/api/v1/clusters"));
      PrintList(std::cout, format, res["clusters"], ClusterColumns());
      return Status::Ok();
    });
  });

  auto get_flags = std::make_shared<ClientFlags>();
  auto get_name = std::make_shared<std::string>();
  auto* get =
      clusters->add_subcommand("get", "Show a cluster (secrets: only whether they are set)");
  AddClientFlags(get, *get_flags);
  get->add_option("name", *get_name, "cluster name")->required();
  get->callback([get_flags, get_name, &ctx] {
    RunClient(ctx, *get_flags, [get_name](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto c, client.Get(PathOf("/api/v1/clusters", *get_name)));
      PrintObject(std::cout, format, c);
      return Status::Ok();
    });
  });

  auto apply_flags = std::make_shared<ClientFlags>();
  auto apply_file = std::make_shared<std::string>();
  auto* apply =
      clusters->add_subcommand("apply", "Create or update clusters from a YAML or JSON file");
  AddClientFlags(apply, *apply_flags);
  apply->add_option("-f,--file", *apply_file, "the manifest")->required();
  apply->callback([apply_flags, apply_file, &ctx] {
    RunClient(ctx, *apply_flags,
              [apply_file](ApiClient& client, OutputFormat) { return Apply(client, *apply_file); });
  });

  auto delete_flags = std::make_shared<ClientFlags>();
  auto delete_name = std::make_shared<std::string>();
  auto* del = clusters->add_subcommand("delete", "Remove a cluster that no job uses");
  AddClientFlags(del, *delete_flags);
  del->add_option("name", *delete_name, "cluster name")->required();
  del->callback([delete_flags, delete_name, &ctx] {
    RunClient(ctx, *delete_flags, [delete_name](ApiClient& client, OutputFormat) -> Status {
      SLUICE_RETURN_IF_ERROR(client.Call("DELETE", PathOf("/api/v1/clusters", *delete_name)));
      std::cout << "cluster/" << *delete_name << " deleted\n";
      return Status::Ok();
    });
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterClusterCommands);
}  // namespace sluice::cli
