// `sluice jobs list|get|apply -f|deploy|stop|savepoint|events|exceptions|logs`: jobs on a
// server.
//
// apply reads YAML or JSON job specs (several YAML documents allowed), as `sluice render`
// reads them, and creates each job or sends it as a new version with the revision it read.
// The actions record what the user wants; the server's reconciler carries it out.
#include <iostream>

#include "cli/client_command.h"
#include "common/fs.h"
#include "common/strings.h"
#include "http/message.h"

namespace sluice::cli {
namespace {

using json = nlohmann::json;

const std::vector<Column>& JobColumns() {
  static const std::vector<Column> columns = {Field("NAME", "name"),
                                              Field("TEAM", "team"),
                                              Field("TARGET", "target"),
                                              Field("STATE", "status.state"),
                                              Field("WANTS", "intent.desiredState"),
                                              Field("VERSION", "specVersion"),
                                              Field("UPDATED", "updatedAt")};
  return columns;
}

const std::vector<Column>& EventColumns() {
  static const std::vector<Column> columns = {Field("TIME", "time"),   Field("TYPE", "type"),
                                              Field("FROM", "from"),   Field("TO", "to"),
                                              Field("ACTOR", "actor"), Field("REASON", "reason")};
  return columns;
}

const std::vector<Column>& ExceptionColumns() {
  static const std::vector<Column> columns = {Field("TIME", "timestamp"), Field("TASK", "taskName"),
                                              Field("LOCATION", "location"),
                                              Field("EXCEPTION", "exceptionName")};
  return columns;
}

struct ListArgs {
  std::string team, state, target, text;
  int limit = 1000;
};

Status List(ApiClient& client, OutputFormat format, const ListArgs& a) {
  std::string query;
  auto add = [&query](const std::string& key, const std::string& value) {
    if (!value.empty()) query += "&" + key + "=" + http::PercentEncode(value);
  };
  add("team", a.team);
  add("state", a.state);
  add("target", a.target);
  add("text", a.text);
  json all = json::array();
  int64_t cursor = 0;
  while (static_cast<int>(all.size()) < a.limit) {
    int page = std::min(500, a.limit - static_cast<int>(all.size()));
    SLUICE_ASSIGN_OR_RETURN(json res, client.Get("/api/v1/jobs?limit=" + std::to_string(page) +
                                                 "&cursor=" + std::to_string(cursor) + query));
    for (auto& j : res["jobs"])
      all.push_back(std::move(j));
    if (res["nextCursor"].is_null()) break;
    cursor = res["nextCursor"].get<int64_t>();
  }
  PrintList(std::cout, format, all, JobColumns());
  return Status::Ok();
}

Status Apply(ApiClient& client, OutputFormat format, const std::string& file) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(file, 4u << 20));
  SLUICE_ASSIGN_OR_RETURN(auto docs, YamlDocumentsToJson(text, file));
  if (docs.empty()) return InvalidArgument("no job spec in the file").At(file);
  for (json doc : docs) {
    if (!doc.is_object() || !doc["metadata"].is_object() || !doc["metadata"]["name"].is_string()) {
      return InvalidArgument("each document needs metadata.name").At(file);
    }
    std::string name = doc["metadata"]["name"];
    auto current = client.Get(PathOf("/api/v1/jobs", name));
    if (!current.ok() && current.error().code != ErrorCode::kNotFound)
      return std::move(current).error();
    json answer;
    std::string what;
    if (!current.ok()) {
      SLUICE_ASSIGN_OR_RETURN(answer, client.Call("POST", "/api/v1/jobs", doc));
      what = "created";
    } else {
      doc["revision"] = (*current)["revision"];
      SLUICE_ASSIGN_OR_RETURN(answer, client.Call("PUT", PathOf("/api/v1/jobs", name), doc));
      what = answer["specVersion"] == (*current)["specVersion"]
                 ? "unchanged"
                 : "configured (version " + answer["specVersion"].dump() + ")";
    }
    if (format == OutputFormat::kTable) {
      std::cout << "job/" << name << " " << what << "\n";
    } else {
      PrintObject(std::cout, format, answer);
    }
  }
  return Status::Ok();
}

Status Act(ApiClient& client, OutputFormat format, const std::string& name,
           const std::string& action, const json& body) {
  SLUICE_ASSIGN_OR_RETURN(
      json answer, client.Call("POST", PathOf("/api/v1/jobs", name) + "/actions/" + action, body));
  if (format != OutputFormat::kTable) {
    PrintObject(std::cout, format, answer);
    return Status::Ok();
  }
  std::cout << "job/" << name << ": " << action << " requested";
  if (answer.contains("savepoint")) {
    std::cout << " (savepoint " << answer["savepoint"]["id"].dump() << ", trigger id "
              << answer["savepoint"]["triggerId"].get<std::string>() << ")";
  }
  std::cout << "\n";
  return Status::Ok();
}

Status Exceptions(ApiClient& client, OutputFormat format, const std::string& name) {
  SLUICE_ASSIGN_OR_RETURN(json res, client.Get(PathOf("/api/v1/jobs", name) + "/exceptions"));
  if (format != OutputFormat::kTable) {
    PrintObject(std::cout, format, res);
    return Status::Ok();
  }
  PrintList(std::cout, format, res["exceptions"], ExceptionColumns());
  // The newest one's stack trace: what a user reads first.
  const json& last = res["lastException"];
  if (last.is_object() && last.contains("stacktrace") && last["stacktrace"].is_string()) {
    std::cout << "\n" << last["stacktrace"].get<std::string>() << "\n";
  }
  return Status::Ok();
}

struct LogArgs {
  bool follow = false;
  bool taskmanager = false;
  std::string pod;
  int64_t tail = 0;
};

Status Logs(ApiClient& client, const std::string& name, const LogArgs& a) {
  std::string path = PathOf("/api/v1/jobs", name) +
                     "/logs?component=" + (a.taskmanager ? "taskmanager" : "jobmanager");
  if (a.follow) path += "&follow=true";
  if (!a.pod.empty()) path += "&pod=" + http::PercentEncode(a.pod);
  if (a.tail > 0) path += "&tailLines=" + std::to_string(a.tail);
  return client.Stream(path, [](std::string_view data) {
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    return static_cast<bool>(std::cout);
  });
}

// A subcommand taking one job name and the client flags.
struct NamedCommand {
  std::shared_ptr<ClientFlags> flags = std::make_shared<ClientFlags>();
  std::shared_ptr<std::string> name = std::make_shared<std::string>();
  CLI::App* cmd = nullptr;
};

NamedCommand AddNamed(CLI::App* parent, const std::string& verb, const std::string& help) {
  NamedCommand c;
  c.cmd = parent->add_subcommand(verb, help);
  AddClientFlags(c.cmd, *c.flags);
  c.cmd->add_option("name", *c.name, "job name")->required();
  return c;
}

void RegisterJobCommands(CLI::App& app, Context& ctx) {
  auto* jobs = app.add_subcommand("jobs", "Jobs on the server: list, apply specs, deploy, stop");
  jobs->require_subcommand(1);

  auto list_flags = std::make_shared<ClientFlags>();
  auto list_args = std::make_shared<ListArgs>();
  auto* list = jobs->add_subcommand("list", "List the jobs you may read");
  AddClientFlags(list, *list_flags);
  list->add_option("--team", list_args->team, "only this team's jobs");
  list->add_option("--state", list_args->state, "only jobs in this state (RUNNING, FAILED, ...)");
  list->add_option("--target", list_args->target, "only jobs for this target");
  list->add_option("--text", list_args->text, "only jobs whose name contains this");
  list->add_option("--limit", list_args->limit, "at most this many jobs (default 1000)");
  list->callback([list_flags, list_args, &ctx] {
    RunClient(ctx, *list_flags, [list_args](ApiClient& client, OutputFormat format) {
      return List(client, format, *list_args);
    });
  });

  NamedCommand get = AddNamed(jobs, "get", "Show a job: spec, intent and status");
  get.cmd->callback([get, &ctx] {
    RunClient(ctx, *get.flags, [get](ApiClient& client, OutputFormat format) -> Status {
      SLUICE_ASSIGN_OR_RETURN(json job, client.Get(PathOf("/api/v1/jobs", *get.name)));
      PrintObject(std::cout, format, job);
      return Status::Ok();
    });
  });

  auto apply_flags = std::make_shared<ClientFlags>();
  auto apply_file = std::make_shared<std::string>();
  auto* apply = jobs->add_subcommand("apply", "Create jobs, or add a spec version, from a file");
  AddClientFlags(apply, *apply_flags);
  apply->add_option("-f,--file", *apply_file, "the job spec (YAML or JSON)")->required();
  apply->callback([apply_flags, apply_file, &ctx] {
    RunClient(ctx, *apply_flags, [apply_file](ApiClient& client, OutputFormat format) {
      return Apply(client, format, *apply_file);
    });
  });

  NamedCommand deploy = AddNamed(jobs, "deploy", "Ask the server to run the job");
  auto deploy_path = std::make_shared<std::string>();
  deploy.cmd->add_option("--savepoint-path", *deploy_path, "state to start from");
  deploy.cmd->callback([deploy, deploy_path, &ctx] {
    RunClient(ctx, *deploy.flags, [deploy, deploy_path](ApiClient& client, OutputFormat format) {
      json body = json::object();
      if (!deploy_path->empty()) body["savepointPath"] = *deploy_path;
      return Act(client, format, *deploy.name, "deploy", body);
    });
  });

  NamedCommand stop = AddNamed(jobs, "stop", "Ask the server to stop the job (with a savepoint)");
  auto no_savepoint = std::make_shared<bool>(false);
  auto drain = std::make_shared<bool>(false);
  stop.cmd->add_flag("--no-savepoint", *no_savepoint, "stop without taking a savepoint");
  stop.cmd->add_flag("--drain", *drain, "advance to the end of event time before stopping");
  stop.cmd->callback([stop, no_savepoint, drain, &ctx] {
    RunClient(ctx, *stop.flags,
              [stop, no_savepoint, drain](ApiClient& client, OutputFormat format) {
                return Act(client, format, *stop.name, "stop",
                           {{"withSavepoint", !*no_savepoint}, {"drain", *drain}});
              });
  });

  NamedCommand savepoint = AddNamed(jobs, "savepoint", "Ask for a savepoint of a running job");
  savepoint.cmd->callback([savepoint, &ctx] {
    RunClient(ctx, *savepoint.flags, [savepoint](ApiClient& client, OutputFormat format) {
      return Act(client, format, *savepoint.name, "savepoint", json::object());
    });
  });

  NamedCommand events = AddNamed(jobs, "events", "A job's events, oldest first");
  events.cmd->callback([events, &ctx] {
    RunClient(ctx, *events.flags, [events](ApiClient& client, OutputFormat format) -> Status {
      json all = json::array();
      int64_t after = 0;
      for (;;) {
        SLUICE_ASSIGN_OR_RETURN(json res,
                                client.Get(PathOf("/api/v1/jobs", *events.name) +
                                           "/events?limit=1000&after=" + std::to_string(after)));
        for (auto& e : res["events"])
          all.push_back(std::move(e));
        if (res["nextAfter"].is_null()) break;
        after = res["nextAfter"].get<int64_t>();
      }
      PrintList(std::cout, format, all, EventColumns());
      return Status::Ok();
    });
  });

  NamedCommand exceptions =
      AddNamed(jobs, "exceptions", "The exceptions Flink reported for a job, newest first");
  exceptions.cmd->callback([exceptions, &ctx] {
    RunClient(ctx, *exceptions.flags, [exceptions](ApiClient& client, OutputFormat format) {
      return Exceptions(client, format, *exceptions.name);
    });
  });

  NamedCommand logs = AddNamed(jobs, "logs", "JobManager or TaskManager logs of a job");
  auto log_args = std::make_shared<LogArgs>();
  logs.cmd->add_flag("-f,--follow", log_args->follow, "keep printing as the log grows");
  logs.cmd->add_flag("--taskmanager", log_args->taskmanager,
                     "TaskManager logs instead of the JobManager's");
  logs.cmd->add_option("--pod", log_args->pod, "one pod by name");
  logs.cmd->add_option("--tail", log_args->tail, "only the last N lines")
      ->check(CLI::Range(1, 100000));
  logs.cmd->callback([logs, log_args, &ctx] {
    RunClient(ctx, *logs.flags, [logs, log_args](ApiClient& client, OutputFormat) {
      return Logs(client, *logs.name, *log_args);
    });
  });
}

}  // namespace
SLUICE_CLI_COMMAND(RegisterJobCommands);
}  // namespace sluice::cli
