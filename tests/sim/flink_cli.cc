// A fake `flink` command line for a Flink distribution directory (bin/flink,
// lib/flink-dist-<version>.jar, conf/): it parses the real CLI's arguments for run,
// run-application, cancel, stop, savepoint and list, drives the simulated YARN,
// standalone and local clusters of sluice-sim, and prints what the real CLI prints.
//
// It finds the simulator in <FLINK_HOME>/conf/sluice-sim.json (or $SLUICE_SIM_CONF):
//   {"admin": "https://127.0.0.1:PORT", "token": "...", "caFile": "/path/ca.pem"}
// With $SLUICE_SIM_FLINK_ARGV_FILE set it appends its argv there, one JSON string per
// line, so tests can check that every argument arrived unchanged.
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Options {
  std::string action;
  std::string target;                          // -t / --target
  std::map<std::string, std::string> dynamic;  // -D
  std::string savepoint;  // -s (run) or -p/--savepointPath (stop) or positional (savepoint)
  bool savepoint_flag = false;
  int parallelism = 0;
  std::string entry_class;
  std::vector<std::string> classpaths;
  std::string jobmanager;  // -m
  std::string yarn_id;     // -yid
  std::string yarn_name;   // -ynm
  bool detached = false;
  bool allow_non_restored = false;
  bool drain = false;
  bool list_running = false, list_scheduled = false, list_all = false;
  std::string jar;
  std::vector<std::string> program_args;
  std::vector<std::string> positional;
};

std::string g_home;

std::string Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S,000", &tm);
  return buf;
}

void Log(const std::string& logger, const std::string& message) {
  std::string lg = logger;
  if (lg.size() < 60) lg.resize(60, ' ');
  std::cout << Now() << " INFO  " << lg << " [] - " << message << std::endl;
}

[[noreturn]] void Fail(const std::string& headline, const std::string& cause) {
  std::cerr << "\n------------------------------------------------------------\n"
            << " The program finished with the following exception:\n\n"
            << headline << "\n";
  if (!cause.empty()) std::cerr << "Caused by: " << cause << "\n";
  std::exit(1);
}

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << problem << "\n\nUse the help option (-h or --help) to get help on the command.\n";
  std::exit(1);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FlinkVersion() {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(g_home) / "lib", ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("flink-dist", 0) == 0 && name.size() > 4 &&
        name.substr(name.size() - 4) == ".jar") {
      std::string v = name.substr(std::string("flink-dist").size());
      if (!v.empty() && (v[0] == '-' || v[0] == '_')) v = v.substr(1);
      auto dash = v.find('-');  // flink-dist_2.12-1.17.2.jar
      if (v.rfind("2.1", 0) == 0 && dash != std::string::npos) v = v.substr(dash + 1);
      return v.substr(0, v.size() - 4);
    }
  }
  return "1.20.1";
}

json SimConf() {
  const char* env = std::getenv("SLUICE_SIM_CONF");
  fs::path p = env ? fs::path(env) : fs::path(g_home) / "conf" / "sluice-sim.json";
  std::string text = ReadFile(p);
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    Fail("org.apache.flink.configuration.IllegalConfigurationException: cannot read " + p.string(),
         "the simulated flink CLI needs conf/sluice-sim.json with the simulator's admin URL and "
         "token");
  }
  return j;
}

json Admin(const std::string& method, const std::string& path, const json& body) {
  json conf = SimConf();
  sluice::http::ClientRequest req;
  req.method = method;
  req.url = conf.value("admin", "") + path;
  req.headers["Authorization"] = "Bearer " + conf.value("token", "");
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  req.tls.ca_file = conf.value("caFile", "");
  auto r = sluice::http::Send(req);
  if (!r.ok())
    Fail(
        "org.apache.flink.client.deployment.ClusterDeploymentException: Could not reach the "
        "cluster manager.",
        r.error().ToString());
  json out = json::parse(r->body, nullptr, false);
  if (out.is_discarded()) out = json::object();
  out["__status"] = r->status;
  return out;
}

struct RestReply {
  int status = 0;
  json body;
};

RestReply Rest(const std::string& base, const std::string& method, const std::string& path,
               const json& body = nullptr, std::vector<sluice::http::MultipartPart> parts = {}) {
  sluice::http::ClientRequest req;
  req.method = method;
  req.url = base + path;
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  req.multipart = std::move(parts);
  auto r = sluice::http::Send(req);
  if (!r.ok()) {
    Fail("org.apache.flink.util.FlinkException: Could not connect to the JobManager at " + base +
             ".",
         "java.net.ConnectException: Connection refused: " + base);
  }
  RestReply out{r->status, json::parse(r->body, nullptr, false)};
  if (out.body.is_discarded()) out.body = json::object();
  return out;
}

void DumpArgv(int argc, char** argv) {
  const char* file = std::getenv("SLUICE_SIM_FLINK_ARGV_FILE");
  if (!file) return;
  std::ofstream out(file, std::ios::app);
  for (int i = 0; i < argc; ++i)
    out << json(std::string(argv[i])).dump() << "\n";
}

// The real CLI parses with commons-cli: "-p 4", "-p4", "--parallelism 4",
// "--parallelism=4", "-Dk=v", "-D k=v"; the first non-option of run is the jar and the
// rest are the program's own arguments, untouched.
Options Parse(const std::vector<std::string>& args) {
  Options o;
  if (args.empty()) Usage("Please specify an action.");
  o.action = args[0];
  auto value = [&](size_t& i, const std::string& a, const std::string& shortf,
                   const std::string& longf) -> std::optional<std::string> {
    if (a == shortf || a == longf) {
      if (i + 1 >= args.size()) Usage("Missing argument for option: " + shortf.substr(1));
      return args[++i];
    }
    if (!longf.empty() && a.rfind(longf + "=", 0) == 0) return a.substr(longf.size() + 1);
    if (shortf.size() == 2 && a.size() > 2 && a.rfind(shortf, 0) == 0 && a[1] != '-')
      return a.substr(2);
    return std::nullopt;
  };
  bool takes_jar = o.action == "run" || o.action == "run-application";
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (takes_jar && !o.jar.empty()) {
      o.program_args.push_back(a);
      continue;
    }
    if (a.empty() || a[0] != '-') {
      if (takes_jar)
        o.jar = a;
      else
        o.positional.push_back(a);
      continue;
    }
    std::optional<std::string> v;
    if ((a == "-d" && o.action == "stop") || a == "--drain")
      o.drain = true;
    else if (a == "-d" || a == "--detached")
      o.detached = true;
    else if (a == "-n" || a == "--allowNonRestoredState")
      o.allow_non_restored = true;
    else if (a == "-r" || a == "--running")
      o.list_running = true;
    else if (a == "-a" || a == "--all")
      o.list_all = true;
    else if ((a == "-s" || a == "--savepointPath") && o.action == "cancel") {
      o.savepoint_flag = true;
      if (i + 1 < args.size() && args[i + 1][0] != '-' && args.size() - i > 2)
        o.savepoint = args[++i];
    } else if (a == "--scheduled")
      o.list_scheduled = true;
    else if (a == "-yid" || a == "--yarnapplicationId") {
      if (i + 1 >= args.size()) Usage("Missing argument for option: yid");
      o.yarn_id = args[++i];
    } else if (a == "-ynm" || a == "--yarnname") {
      if (i + 1 >= args.size()) Usage("Missing argument for option: ynm");
      o.yarn_name = args[++i];
    } else if ((v = value(i, a, "-t", "--target")))
      o.target = *v;
    else if ((v = value(i, a, "-D", ""))) {
      auto eq = v->find('=');
      if (eq == std::string::npos)
        Usage("Dynamic property '" + *v + "' must be of the form key=value");
      o.dynamic[v->substr(0, eq)] = v->substr(eq + 1);
    } else if ((v = value(i, a, "-c", "--class")))
      o.entry_class = *v;
    else if ((v = value(i, a, "-C", "--classpath")))
      o.classpaths.push_back(*v);
    else if ((v = value(i, a, "-m", "--jobmanager")))
      o.jobmanager = *v;
    else if (o.action == "stop" && (v = value(i, a, "-p", "--savepointPath"))) {
      o.savepoint = *v;
      o.savepoint_flag = true;
    } else if ((v = value(i, a, "-p", "--parallelism"))) {
      try {
        o.parallelism = std::stoi(*v);
      } catch (const std::exception&) {
        Fail(
            "org.apache.flink.client.program.ProgramInvocationException: The parallelism must be a "
            "positive number: " +
                *v,
            "");
      }
    } else if ((v = value(i, a, "-s", "--fromSavepoint")))
      o.savepoint = *v;
    else
      Usage("Unrecognized option: " + a);
  }
  if (o.yarn_id.empty() && o.dynamic.count("yarn.application.id"))
    o.yarn_id = o.dynamic["yarn.application.id"];
  if (o.target.empty() && o.dynamic.count("execution.target"))
    o.target = o.dynamic["execution.target"];
  if (o.target.empty() && !o.yarn_id.empty()) o.target = "yarn-session";
  if (o.target.empty() && o.jobmanager == "yarn-cluster") o.target = "yarn-per-job";
  if (o.target.empty()) o.target = "remote";
  return o;
}

std::string JobManagerOf(const Options& o) {
  if (o.target.rfind("yarn", 0) == 0) {
    if (o.yarn_id.empty())
      Fail(
          "java.lang.IllegalStateException: No cluster id was specified. Please specify a cluster "
          "to which you would like to connect.",
          "");
    json app = Admin("GET", "/sim/v1/yarn/apps/" + o.yarn_id, nullptr);
    if (app["__status"] != 200 || !app.contains("jobManagerAddress")) {
      Fail(
          "org.apache.flink.client.deployment.ClusterRetrieveException: Couldn't retrieve Yarn "
          "cluster",
          "org.apache.flink.configuration.IllegalConfigurationException: The Yarn application " +
              o.yarn_id + " doesn't run anymore.");
    }
    Log("org.apache.flink.yarn.YarnClusterDescriptor",
        "Found Web Interface " + app["jobManagerAddress"].get<std::string>() + " of application '" +
            o.yarn_id + "'.");
    return "http://" + app["jobManagerAddress"].get<std::string>();
  }
  std::string m = o.jobmanager;
  if (m.empty()) {
    std::string host = o.dynamic.count("rest.address") ? o.dynamic.at("rest.address") : "localhost";
    std::string port = o.dynamic.count("rest.port") ? o.dynamic.at("rest.port") : "8081";
    m = host + ":" + port;
  }
  return m.rfind("http", 0) == 0 ? m : "http://" + m;
}

json YarnRequest(const Options& o, const std::string& mode) {
  json conf = json::object();
  for (const auto& [k, v] : o.dynamic)
    conf[k] = v;
  if (!o.classpaths.empty()) {
    std::string cp;
    for (const auto& c : o.classpaths)
      cp += (cp.empty() ? "" : ";") + c;
    conf["pipeline.classpaths"] = cp;
  }
  json req = {{"mode", mode},
              {"flinkVersion", FlinkVersion().substr(0, FlinkVersion().rfind('.'))},
              {"config", conf}};
  std::string name = !o.yarn_name.empty() ? o.yarn_name
                     : o.dynamic.count("yarn.application.name")
                         ? o.dynamic.at("yarn.application.name")
                         : "";
  if (!name.empty()) req["name"] = name;
  if (!o.jar.empty()) req["jar"] = o.jar;
  if (!o.entry_class.empty()) req["entryClass"] = o.entry_class;
  req["args"] = o.program_args;
  if (o.parallelism > 0) req["parallelism"] = o.parallelism;
  if (!o.savepoint.empty()) req["savepointPath"] = o.savepoint;
  if (o.dynamic.count("yarn.application.queue"))
    req["queue"] = o.dynamic.at("yarn.application.queue");
  return req;
}

void PrintYarnDeployment(const json& app) {
  std::string id = app["applicationId"];
  Log("org.apache.flink.yarn.YarnClusterDescriptor", "Submitting application master " + id);
  Log("org.apache.hadoop.yarn.client.api.impl.YarnClientImpl", "Submitted application " + id);
  Log("org.apache.flink.yarn.YarnClusterDescriptor", "Waiting for the cluster to be allocated");
  Log("org.apache.flink.yarn.YarnClusterDescriptor", "Deploying cluster, current state ACCEPTED");
  Log("org.apache.flink.yarn.YarnClusterDescriptor",
      "YARN application has been deployed successfully.");
  Log("org.apache.flink.yarn.YarnClusterDescriptor",
      "Found Web Interface " + app["jobManagerAddress"].get<std::string>() + " of application '" +
          id + "'.");
}

void RequireLocalJar(const std::string& jar) {
  if (jar.empty()) Usage("No JAR file specified.");
  std::string path = jar.rfind("file://", 0) == 0 ? jar.substr(7) : jar;
  if (!fs::exists(path)) {
    Fail(
        "org.apache.flink.client.program.ProgramInvocationException: Could not build the program "
        "from JAR file: JAR file does not exist: " +
            path,
        "java.io.FileNotFoundException: JAR file does not exist: " + path);
  }
}

std::string SubmitViaRest(const std::string& base, const Options& o) {
  std::string path = o.jar.rfind("file://", 0) == 0 ? o.jar.substr(7) : o.jar;
  auto up = Rest(base, "POST", "/jars/upload", nullptr,
                 {{"jarfile", fs::path(path).filename().string(), "application/x-java-archive",
                   ReadFile(path)}});
  if (up.status != 200)
    Fail(
        "org.apache.flink.client.program.ProgramInvocationException: Could not upload the "
        "program's JAR files to the JobManager.",
        up.body.dump());
  std::string filename = up.body.value("filename", "");
  std::string jar_id = filename.substr(filename.rfind('/') + 1);
  // Flink's client runs main() here, so the SQL runner's script is read from this host; the
  // JobGraph then carries it. The fake hands the JobManager a copy to stand for that.
  std::vector<std::string> args = o.program_args;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--statements" && args[i] != "--scriptUri") continue;
    std::string script = args[i + 1].rfind("file://", 0) == 0 ? args[i + 1].substr(7) : args[i + 1];
    if (!fs::exists(script))
      Fail(
          "org.apache.flink.client.program.ProgramInvocationException: The main method caused an "
          "error: java.io.FileNotFoundException: " +
              script + " (No such file or directory)",
          "");
    auto copy = Rest(base, "POST", "/jars/upload", nullptr,
                     {{"jarfile", fs::path(script).filename().string() + ".jar",
                       "application/x-java-archive", ReadFile(script)}});
    if (copy.status != 200)
      Fail("java.io.IOException: Could not ship the script.", copy.body.dump());
    args[i + 1] = copy.body.value("filename", "");
  }
  json run = {{"programArgsList", args}, {"allowNonRestoredState", o.allow_non_restored}};
  if (!o.entry_class.empty()) run["entryClass"] = o.entry_class;
  if (o.parallelism > 0) run["parallelism"] = o.parallelism;
  if (!o.savepoint.empty()) run["savepointPath"] = o.savepoint;
  // Flink's client puts a fixed job id ($internal.pipeline.job-id) into the JobGraph.
  if (o.dynamic.count("$internal.pipeline.job-id"))
    run["jobId"] = o.dynamic.at("$internal.pipeline.job-id");
  json conf = json::object();
  for (const auto& [k, v] : o.dynamic)
    conf[k] = v;
  run["flinkConfiguration"] = conf;
  auto r = Rest(base, "POST", "/jars/" + jar_id + "/run", run);
  if (r.status != 200)
    Fail(
        "org.apache.flink.client.program.ProgramInvocationException: The main method caused an "
        "error: Failed to execute job.",
        r.body.dump());
  return r.body.value("jobid", "");
}

void WaitIfAttached(const std::string& base, const Options& o, const std::string& jid) {
  if (o.detached || jid.empty()) return;
  for (;;) {
    auto r = Rest(base, "GET", "/jobs/" + jid + "/status");
    std::string s = r.body.value("status", "");
    if (s == "FINISHED" || s == "CANCELED" || s == "FAILED") {
      std::cout << "Program execution finished\nJob with JobID " << jid << " has finished.\n";
      if (s == "FAILED")
        Fail("org.apache.flink.client.program.ProgramInvocationException: Job failed (JobID: " +
                 jid + ")",
             "");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int Run(const Options& o, bool application) {
  std::string version = FlinkVersion();
  if (application && version.rfind("2.", 0) == 0 && o.action == "run-application") {
    Usage("\"run-application\" is not a valid action.");
  }
  if (o.target == "yarn-application") {
    if (o.jar.empty()) Usage("No JAR file specified.");
    json app = Admin("POST", "/sim/v1/yarn/apps", YarnRequest(o, "application"));
    if (app["__status"] != 201)
      Fail(
          "org.apache.flink.client.deployment.ClusterDeploymentException: Couldn't deploy Yarn "
          "Application Cluster",
          app.dump());
    PrintYarnDeployment(app);
    return 0;
  }
  if (application)
    Usage("No executor found for target \"" + o.target +
          "\" in run-application; use yarn-application or kubernetes-application.");
  if (o.target == "yarn-per-job") {
    if (version.rfind("2.", 0) == 0)
      Fail("java.lang.IllegalStateException: No ExecutorFactory found to execute the application.",
           "");
    RequireLocalJar(o.jar);
    json app = Admin("POST", "/sim/v1/yarn/apps", YarnRequest(o, "per-job"));
    if (app["__status"] != 201)
      Fail(
          "org.apache.flink.client.deployment.ClusterDeploymentException: Could not deploy Yarn "
          "job cluster.",
          app.dump());
    PrintYarnDeployment(app);
    std::cout << "Job has been submitted with JobID " << app.value("jobId", "") << std::endl;
    WaitIfAttached(app.value("restUrl", ""), o, app.value("jobId", ""));
    return 0;
  }
  if (o.target == "yarn-session" || o.target == "remote" || o.target == "local") {
    RequireLocalJar(o.jar);
    std::string base;
    if (o.target == "local") {
      // The MiniCluster's REST endpoint binds where rest.bind-address/-port say.
      std::string host =
          o.dynamic.count("rest.bind-address") ? o.dynamic.at("rest.bind-address") : "127.0.0.1";
      std::string port = o.dynamic.count("rest.bind-port") ? o.dynamic.at("rest.bind-port") : "0";
      json s = Admin("POST", "/sim/v1/standalone", {{"listen", host + ":" + port}});
      if (s["__status"] != 201)
        Fail("org.apache.flink.util.FlinkException: Could not create the local cluster.", s.dump());
      base = s.value("url", "");
    } else {
      base = JobManagerOf(o);
    }
    std::string jid = SubmitViaRest(base, o);
    std::cout << "Job has been submitted with JobID " << jid << std::endl;
    WaitIfAttached(base, o, jid);
    return 0;
  }
  Fail("java.lang.IllegalStateException: No ExecutorFactory found to execute the application.", "");
}

json Operation(const std::string& base, const std::string& jid, const std::string& trigger) {
  for (int i = 0; i < 600; ++i) {
    auto r = Rest(base, "GET", "/jobs/" + jid + "/savepoints/" + trigger);
    if (r.body["status"].value("id", "") == "COMPLETED") return r.body["operation"];
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Fail("java.util.concurrent.TimeoutException", "");
}

std::string JobIdArg(const Options& o, const std::string& action) {
  if (o.positional.empty()) Usage("Missing JobID. Specify a Job ID to " + action + " a job.");
  const std::string& j = o.positional[0];
  if (j.size() != 32 || j.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    Usage("Error: Invalid JobID: " + j);
  }
  return j;
}

int Cancel(const Options& o) {
  std::string jid = JobIdArg(o, "cancel");
  std::string base = JobManagerOf(o);
  if (o.savepoint_flag) {
    std::cout << "DEPRECATION WARNING: Cancelling a job with savepoint is deprecated. Use \"stop\" "
                 "instead."
              << std::endl;
    std::cout << "Cancelling job " << jid << " with CANONICAL savepoint to "
              << (o.savepoint.empty() ? "default savepoint directory" : o.savepoint) << "."
              << std::endl;
    json body = {{"cancel-job", true}};
    if (!o.savepoint.empty()) body["target-directory"] = o.savepoint;
    auto r = Rest(base, "POST", "/jobs/" + jid + "/savepoints", body);
    if (r.status != 202)
      Fail("org.apache.flink.util.FlinkException: Could not cancel job " + jid + ".",
           r.body.dump());
    json op = Operation(base, jid, r.body["request-id"]);
    if (!op.contains("location"))
      Fail("org.apache.flink.util.FlinkException: Could not cancel job " + jid + ".", op.dump());
    std::cout << "Cancelled job " << jid << ". Savepoint stored in "
              << op["location"].get<std::string>() << "." << std::endl;
    return 0;
  }
  std::cout << "Cancelling job " << jid << "." << std::endl;
  auto r = Rest(base, "PATCH", "/jobs/" + jid + "?mode=cancel");
  if (r.status != 202)
    Fail("org.apache.flink.util.FlinkException: Could not cancel job " + jid + ".", r.body.dump());
  std::cout << "Cancelled job " << jid << "." << std::endl;
  return 0;
}

int Stop(const Options& o) {
  std::string jid = JobIdArg(o, "stop");
  std::string base = JobManagerOf(o);
  std::cout << "Suspending job \"" << jid << "\" with a CANONICAL savepoint." << std::endl;
  json body = {{"drain", o.drain}};
  if (!o.savepoint.empty()) body["targetDirectory"] = o.savepoint;
  auto r = Rest(base, "POST", "/jobs/" + jid + "/stop", body);
  if (r.status != 202)
    Fail("org.apache.flink.util.FlinkException: Could not stop with a savepoint job \"" + jid +
             "\".",
         r.body.dump());
  json op = Operation(base, jid, r.body["request-id"]);
  if (!op.contains("location")) {
    Fail("org.apache.flink.util.FlinkException: Could not stop with a savepoint job \"" + jid +
             "\".",
         op.value("failure-cause", json::object()).value("stack-trace", std::string("")));
  }
  std::cout << "Savepoint completed. Path: " << op["location"].get<std::string>() << std::endl;
  return 0;
}

int Savepoint(const Options& o) {
  std::string jid = JobIdArg(o, "trigger a savepoint for");
  std::string dir = o.positional.size() > 1 ? o.positional[1] : "";
  std::string base = JobManagerOf(o);
  std::cout << "Triggering savepoint for job " << jid << "." << std::endl;
  std::cout << "Waiting for response..." << std::endl;
  json body = {{"cancel-job", false}};
  if (!dir.empty()) body["target-directory"] = dir;
  auto r = Rest(base, "POST", "/jobs/" + jid + "/savepoints", body);
  if (r.status != 202)
    Fail("org.apache.flink.util.FlinkException: Triggering a savepoint for the job " + jid +
             " failed.",
         r.body.dump());
  json op = Operation(base, jid, r.body["request-id"]);
  if (!op.contains("location")) {
    Fail("org.apache.flink.util.FlinkException: Triggering a savepoint for the job " + jid +
             " failed.",
         op.value("failure-cause", json::object()).value("stack-trace", std::string("")));
  }
  std::cout << "Savepoint completed. Path: " << op["location"].get<std::string>() << std::endl;
  std::cout << "You can resume your program from this savepoint with the run command." << std::endl;
  return 0;
}

int List(const Options& o) {
  std::string base = JobManagerOf(o);
  std::cout << "Waiting for response..." << std::endl;
  auto r = Rest(base, "GET", "/jobs/overview");
  bool running = o.list_running || o.list_all || (!o.list_scheduled);
  bool scheduled = o.list_scheduled || o.list_all || (!o.list_running);
  std::vector<json> run, sched, term;
  for (const auto& j : r.body.value("jobs", json::array())) {
    std::string s = j.value("state", "");
    if (s == "RUNNING" || s == "RESTARTING" || s == "FAILING" || s == "CANCELLING")
      run.push_back(j);
    else if (s == "CREATED" || s == "INITIALIZING")
      sched.push_back(j);
    else
      term.push_back(j);
  }
  auto line = [](const json& j) {
    std::time_t t = j.value("start-time", int64_t{0}) / 1000;
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%d.%m.%Y %H:%M:%S", &tm);
    std::cout << buf << " : " << j.value("jid", "") << " : " << j.value("name", "") << " ("
              << j.value("state", "") << ")" << std::endl;
  };
  if (running) {
    if (run.empty())
      std::cout << "No running jobs." << std::endl;
    else {
      std::cout << "------------------ Running/Restarting Jobs -------------------" << std::endl;
      for (const auto& j : run)
        line(j);
      std::cout << "--------------------------------------------------------------" << std::endl;
    }
  }
  if (scheduled) {
    if (sched.empty())
      std::cout << "No scheduled jobs." << std::endl;
    else {
      std::cout << "----------------------- Scheduled Jobs -----------------------" << std::endl;
      for (const auto& j : sched)
        line(j);
      std::cout << "--------------------------------------------------------------" << std::endl;
    }
  }
  if (o.list_all) {
    if (term.empty())
      std::cout << "No terminated jobs." << std::endl;
    else {
      std::cout << "---------------------- Terminated Jobs -----------------------" << std::endl;
      for (const auto& j : term)
        line(j);
      std::cout << "--------------------------------------------------------------" << std::endl;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  DumpArgv(argc, argv);
  const char* home = std::getenv("FLINK_HOME");
  g_home = home ? home : fs::absolute(fs::path(argv[0])).parent_path().parent_path().string();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--version" || args[0] == "-v")) {
    std::cout << "Version: " << FlinkVersion() << ", Commit ID: sim0000" << std::endl;
    return 0;
  }
  Options o = Parse(args);
  if (o.action == "run") return Run(o, false);
  if (o.action == "run-application") return Run(o, true);
  if (o.action == "cancel") return Cancel(o);
  if (o.action == "stop") return Stop(o);
  if (o.action == "savepoint") return Savepoint(o);
  if (o.action == "list") return List(o);
  Usage("\"" + o.action +
        "\" is not a valid action.\n\nValid actions are \"run\", \"run-application\", \"list\", "
        "\"info\", \"savepoint\", \"stop\", or \"cancel\".");
}
