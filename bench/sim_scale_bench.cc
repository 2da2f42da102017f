// Starts sluice-sim, creates N simulated Flink application clusters (a JobManager
// Deployment, its ConfigMap and REST Service each, as Flink's client would), keeps watches open,
// waits until every job runs, and reports the simulator's resident memory and CPU seconds.
//
//   sim_scale_bench [--clusters 10000] [--namespaces 100] [--threads 8] [--idle 30]
//                   [--sim PATH] [--out FILE]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Target {
  std::string url, token, ca;
};

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Field(const std::string& yaml, const std::string& key) {
  auto pos = yaml.find(key + ": ");
  if (pos == std::string::npos) return "";
  auto start = pos + key.size() + 2;
  return yaml.substr(start, yaml.find('\n', start) - start);
}

std::string Unbase64(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z')
      d = c - 'A';
    else if (c >= 'a' && c <= 'z')
      d = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      d = c - '0' + 52;
    else if (c == '+')
      d = 62;
    else if (c == '/')
      d = 63;
    else
      break;
    val = (val << 6) + d;
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

int Call(const Target& t, const std::string& method, const std::string& path, const json& body,
         json* out = nullptr) {
  sluice::http::ClientRequest req;
  req.method = method;
  req.url = t.url + path;
  req.headers["Authorization"] = "Bearer " + t.token;
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers["Content-Type"] = "application/json";
  }
  req.tls.ca_pem = t.ca;
  auto r = sluice::http::Send(req);
  if (!r.ok()) return -1;
  if (out) *out = json::parse(r->body, nullptr, false);
  return r->status;
}

struct Usage {
  double rss_mib = 0;
  double cpu_s = 0;
  int threads = 0;
};

Usage Sample(pid_t pid) {
  Usage u;
  std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  auto pos = status.find("VmRSS:");
  if (pos != std::string::npos) u.rss_mib = std::stod(status.substr(pos + 6)) / 1024.0;
  pos = status.find("Threads:");
  if (pos != std::string::npos) u.threads = std::stoi(status.substr(pos + 8));
  std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  auto close = stat.rfind(')');
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; in >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  u.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  return u;
}

json Deployment(const std::string& ns, const std::string& cid) {
  json labels = {{"type", "flink-native-kubernetes"}, {"app", cid}, {"component", "jobmanager"}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", cid}, {"namespace", ns}, {"labels", labels}}},
          {"spec",
           {{"replicas", 1},
            {"selector", {{"matchLabels", labels}}},
            {"template",
             {{"metadata", {{"labels", labels}}},
              {"spec",
               {{"containers",
                 {{{"name", "flink-main-container"},
                   {"image", "flink:1.20.1-scala_2.12-java17"},
                   {"args", {"bash", "-c", "kubernetes-jobmanager.sh kubernetes-application "}},
                   {"ports",
                    {{{"name", "rest"}, {"containerPort", 8081}},
                     {{"name", "jobmanager-rpc"}, {"containerPort", 6123}},
                     {{"name", "blobserver"}, {"containerPort", 6124}}}},
                   {"resources",
                    {{"requests", {{"cpu", "1"}, {"memory", "1600Mi"}}},
                     {"limits", {{"cpu", "1"}, {"memory", "1600Mi"}}}}},
                   {"volumeMounts",
                    {{{"name", "flink-config-volume"}, {"mountPath", "/opt/flink/conf"}}}}}}},
                {"volumes",
                 {{{"name", "flink-config-volume"},
                   {"configMap", {{"name", "flink-config-" + cid}}}}}}}}}}}}};
}

json ConfigMap(const std::string& ns, const std::string& cid) {
  std::string conf =
      "execution.target: kubernetes-application\n"
      "kubernetes.cluster-id: " +
      cid +
      "\n"
      "pipeline.jars: [local:///opt/flink/usrlib/job.jar]\n"
      "parallelism.default: 1\n"
      "taskmanager.numberOfTaskSlots: 1\n"
      "jobmanager.memory.process.size: 1600m\n"
      "taskmanager.memory.process.size: 1728m\n"
      "execution.checkpointing.interval: 60s\n"
      "state.checkpoints.dir: s3://bucket/checkpoints\n"
      "state.savepoints.dir: s3://bucket/savepoints\n";
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata",
           {{"name", "flink-config-" + cid},
            {"namespace", ns},
            {"labels", {{"type", "flink-native-kubernetes"}, {"app", cid}}}}},
          {"data", {{"config.yaml", conf}}}};
}

json RestService(const std::string& ns, const std::string& cid) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata",
           {{"name", cid + "-rest"},
            {"namespace", ns},
            {"labels", {{"type", "flink-native-kubernetes"}, {"app", cid}}}}},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector",
             {{"type", "flink-native-kubernetes"}, {"app", cid}, {"component", "jobmanager"}}},
            {"ports", {{{"name", "rest"}, {"port", 8081}, {"targetPort", 8081}}}}}}};
}

}  // namespace

int main(int argc, char** argv) {
  int clusters = 10000, namespaces = 100, threads = 8, idle = 30;
  std::string sim_bin = SLUICE_SIM_BIN, out_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--clusters")
      clusters = std::atoi(argv[i + 1]);
    else if (a == "--namespaces")
      namespaces = std::atoi(argv[i + 1]);
    else if (a == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (a == "--idle")
      idle = std::atoi(argv[i + 1]);
    else if (a == "--sim")
      sim_bin = argv[i + 1];
    else if (a == "--out")
      out_file = argv[i + 1];
  }
  std::string dir =
      std::filesystem::temp_directory_path() / ("sim-scale-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string kc = dir + "/kubeconfig", ready = dir + "/ready";
  pid_t pid = fork();
  if (pid == 0) {
    execl(sim_bin.c_str(), sim_bin.c_str(), "--listen", "127.0.0.1:0", "--kubeconfig-out",
          kc.c_str(), "--ready-file", ready.c_str(), "--startup-delay", "200ms", "--no-events",
          "--no-operator", "--history", "20000", "--bookmark-interval", "60s",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  auto stop_sim = [&] {
    kill(pid, SIGTERM);
    int st;
    waitpid(pid, &st, 0);
    std::filesystem::remove_all(dir);
  };
  for (int i = 0; i < 200 && !std::filesystem::exists(ready); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!std::filesystem::exists(ready)) {
    std::cerr << "sim_scale_bench: sluice-sim did not start (" << sim_bin << ")\n";
    stop_sim();
    return 1;
  }
  std::string yaml = ReadFile(kc);
  Target t{Field(yaml, "    server"), Field(yaml, "    token"),
           Unbase64(Field(yaml, "    certificate-authority-data"))};
  Usage start = Sample(pid);

  // TaskManagers are created by the JobManagers' service accounts: grant them edit.
  json crb = {
      {"metadata", {{"name", "all-sa-edit"}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"}, {"name", "edit"}}},
      {"subjects",
       {{{"kind", "Group"},
         {"name", "system:serviceaccounts"},
         {"apiGroup", "rbac.authorization.k8s.io"}}}}};
  Call(t, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", crb);
  for (int n = 0; n < namespaces; ++n)
    Call(t, "POST", "/api/v1/namespaces", {{"metadata", {{"name", "ns-" + std::to_string(n)}}}});

  // Watches stay open for the whole run: pods everywhere, deployments everywhere and one
  // pod watch per namespace, as controllers would keep them.
  std::atomic<bool> stop{false};
  std::atomic<long> events{0};
  std::vector<std::thread> watchers;
  std::vector<std::string> watch_paths = {
      "/api/v1/pods?watch=true&allowWatchBookmarks=true",
      "/apis/apps/v1/deployments?watch=true&allowWatchBookmarks=true",
      "/api/v1/configmaps?watch=true"};
  for (int n = 0; n < namespaces; ++n)
    watch_paths.push_back("/api/v1/namespaces/ns-" + std::to_string(n) +
                          "/pods?watch=true&labelSelector=component%3Dtaskmanager");
  for (const auto& p : watch_paths) {
    watchers.emplace_back([&, p] {
      sluice::http::ClientRequest req;
      req.url = t.url + p;
      req.headers["Authorization"] = "Bearer " + t.token;
      req.tls.ca_pem = t.ca;
      req.timeout = std::chrono::milliseconds(0);
      req.on_data = [&](std::string_view chunk) {
        for (char c : chunk) {
          if (c == '\n') ++events;
        }
        return !stop.load();
      };
      auto r = sluice::http::Send(req);
      (void)r;
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  auto created_at = Clock::now();
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&] {
      for (int i; (i = next++) < clusters;) {
        std::string ns = "ns-" + std::to_string(i % namespaces);
        std::string cid = "cluster-" + std::to_string(i);
        if (Call(t, "POST", "/apis/apps/v1/namespaces/" + ns + "/deployments",
                 Deployment(ns, cid)) != 201)
          ++failures;
        if (Call(t, "POST", "/api/v1/namespaces/" + ns + "/configmaps", ConfigMap(ns, cid)) != 201)
          ++failures;
        if (Call(t, "POST", "/api/v1/namespaces/" + ns + "/services", RestService(ns, cid)) != 201)
          ++failures;
      }
    });
  }
  for (auto& w : workers)
    w.join();
  double create_s = std::chrono::duration<double>(Clock::now() - created_at).count();
  Usage after_create = Sample(pid);

  json info;
  size_t running = 0;
  auto wait_start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - wait_start).count() < 600) {
    Call(t, "GET", "/sim/v1/info", nullptr, &info);
    running = info.value("flinkJobsRunning", 0);
    if (static_cast<int>(running) >= clusters) break;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  double all_running_s = std::chrono::duration<double>(Clock::now() - created_at).count();
  Usage settled = Sample(pid);
  std::this_thread::sleep_for(std::chrono::seconds(idle));
  Usage after_idle = Sample(pid);
  Call(t, "GET", "/sim/v1/info", nullptr, &info);

  // One JobManager REST call through the service proxy, as Sluice makes them.
  auto rest_start = Clock::now();
  json overview;
  int rest_status =
      Call(t, "GET", "/api/v1/namespaces/ns-7/services/cluster-7-rest:rest/proxy/jobs/overview",
           nullptr, &overview);
  double rest_ms = std::chrono::duration<double, std::milli>(Clock::now() - rest_start).count();

  json report = {{"clusters", clusters},
                 {"namespaces", namespaces},
                 {"watches", watch_paths.size()},
                 {"createFailures", failures.load()},
                 {"jobsRunning", running},
                 {"objects", info.value("objects", 0)},
                 {"openWatches", info.value("watches", 0)},
                 {"watchEventsReceived", events.load()},
                 {"createSeconds", create_s},
                 {"allRunningSeconds", all_running_s},
                 {"rssMiBStart", start.rss_mib},
                 {"rssMiBAfterCreate", after_create.rss_mib},
                 {"rssMiBSettled", settled.rss_mib},
                 {"rssMiBAfterIdle", after_idle.rss_mib},
                 {"cpuSecondsStart", start.cpu_s},
                 {"cpuSecondsToAllRunning", settled.cpu_s - start.cpu_s},
                 {"cpuSecondsIdle", after_idle.cpu_s - settled.cpu_s},
                 {"idleSeconds", idle},
                 {"simThreads", after_idle.threads},
                 {"proxyRestStatus", rest_status},
                 {"proxyRestMs", rest_ms}};
  std::cout << report.dump(2) << std::endl;
  if (!out_file.empty()) std::ofstream(out_file) << report.dump(2) << "\n";
  stop = true;
  stop_sim();
  for (auto& w : watchers)
    w.join();
  return failures.load() == 0 && static_cast<int>(running) >= clusters ? 0 : 1;
}
