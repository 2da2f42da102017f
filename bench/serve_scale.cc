// The measuring half of bench/serve_scale.sh (which starts sluice-sim and `sluice serve` and
// creates and deploys the jobs): talks to both over HTTP.
//
//   serve_scale wait --api URL --token T --jobs N [--timeout 1800]
//     waits until N jobs are RUNNING in the store (GET /api/v1/jobs?state=RUNNING, paged),
//     printing progress; exits 1 on timeout.
//   serve_scale changes --api URL --token T --sim URL --sim-token T --sim-ca FILE
//                       --namespaces K --prefix P --jobs N [--changes 300] [--rate 5]
//                       [--action lose-taskmanager] [--offset 0] [--out FILE]
//     injects M state changes into the simulator at R per second, each on a different
//     random job P<i> (1 <= i <= N, in namespace P<i mod K>; the random order's entries
//     from --offset on): the action (lose-taskmanager: a TaskManager pod dies and Flink
//     fails the job over; fail-job: the job fails in the JobManager and restarts;
//     restart-jobmanager: the JobManager pod dies) on the job's cluster, then polls the job
//     through the API every 20 ms until the store shows the change (status.restarts grew,
//     or for restart-jobmanager the observed Flink job state or restarts changed and came
//     back to RUNNING). Prints p50/p99/max of change -> store and JSON to --out.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/client.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Args {
  std::string mode, api, token, sim, sim_token, sim_ca, prefix = "bench-",
                                                        action = "lose-taskmanager", out;
  int jobs = 10000, changes = 300, timeout_s = 1800, namespaces = 100, offset = 0;
  double rate = 5;
};

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json Api(const Args& a, const std::string& path) {
  auto r = sluice::http::Send({.method = "GET",
                               .url = a.api + path,
                               .headers = {{"Authorization", "Bearer " + a.token}},
                               .timeout = 30s});
  if (!r.ok() || r->status != 200) return nullptr;
  return json::parse(r->body, nullptr, false);
}

int CountRunning(const Args& a) {
  int n = 0;
  int64_t cursor = 0;
  for (;;) {
    json page = Api(a, "/api/v1/jobs?state=RUNNING&limit=1000&cursor=" + std::to_string(cursor));
    if (!page.is_object()) return -1;
    n += static_cast<int>(page["jobs"].size());
    if (!page["nextCursor"].is_number()) return n;
    cursor = page["nextCursor"].get<int64_t>();
  }
}

int Wait(const Args& a) {
  auto start = Clock::now();
  int last = -2;
  for (;;) {
    int n = CountRunning(a);
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    if (n != last) {
      std::cout << "  " << static_cast<int>(secs) << " s: " << n << " of " << a.jobs << " RUNNING"
                << std::endl;
      last = n;
    }
    if (n >= a.jobs) return 0;
    if (secs > a.timeout_s) {
      std::cerr << "serve_scale: only " << n << " of " << a.jobs << " jobs RUNNING after "
                << a.timeout_s << " s" << std::endl;
      return 1;
    }
    std::this_thread::sleep_for(2s);
  }
}

struct Seen {
  int restarts = -1;
  std::string state, flink_state, flink_job_id;
};

Seen Observe(const Args& a, const std::string& name) {
  json j = Api(a, "/api/v1/jobs/" + name);
  Seen s;
  if (!j.is_object() || !j["status"].is_object()) return s;
  const json& st = j["status"];
  s.restarts = st.value("restarts", 0);
  s.state = st.value("state", "");
  s.flink_state = st.value("flinkJobState", "");
  s.flink_job_id = st.value("flinkJobId", "");
  return s;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size()));
  return v[std::min(i, v.size() - 1)];
}

int Changes(const Args& a) {
  const std::string ca = ReadFile(a.sim_ca);
  std::vector<int> order(a.jobs);
  std::iota(order.begin(), order.end(), 1);
  std::shuffle(order.begin(), order.end(), std::mt19937(20261125));
  const int offset = std::clamp(a.offset, 0, a.jobs);
  const int m = std::min(a.changes, a.jobs - offset);
  std::mutex mu;
  std::vector<double> delays;
  std::atomic<int> failed{0}, timed_out{0};
  std::vector<std::thread> threads;
  auto start = Clock::now();
  for (int i = 0; i < m; ++i) {
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<int64_t>(i * 1e6 / a.rate)));
    threads.emplace_back([&, job = order[offset + i]] {
      const std::string name = a.prefix + std::to_string(job);
      json j = Api(a, "/api/v1/jobs/" + name);
      std::string cid = j.is_object() ? j["status"].value("clusterId", "") : "";
      Seen before = Observe(a, name);
      if (cid.empty() || before.state != "RUNNING") {
        std::cerr << "serve_scale: " << name << " is not RUNNING with a cluster" << std::endl;
        ++failed;
        return;
      }
      auto t0 = Clock::now();
      auto r = sluice::http::Send({.method = "POST",
                                   .url = a.sim + "/sim/v1/flink/" + a.prefix +
                                          std::to_string(job % a.namespaces) + "/" + cid + "/" +
                                          a.action,
                                   .headers = {{"Authorization", "Bearer " + a.sim_token},
                                               {"Content-Type", "application/json"}},
                                   .body = "{}",
                                   .tls = {.ca_pem = ca}});
      if (!r.ok() || r->status != 200) {
        std::cerr << "serve_scale: " << a.action << " on " << cid << ": "
                  << (r.ok() ? r->body : r.error().ToString()) << std::endl;
        ++failed;
        return;
      }
      bool seen_down = false;  // restart-jobmanager: the observed job left RUNNING
      while (Clock::now() - t0 < 120s) {
        Seen now = Observe(a, name);
        bool changed;
        if (a.action == "restart-jobmanager") {
          if (now.flink_state != "RUNNING" || now.state != "RUNNING") seen_down = true;
          changed = seen_down || now.restarts != before.restarts ||
                    now.flink_job_id != before.flink_job_id;
        } else {
          changed = now.restarts > before.restarts;
        }
        if (changed) {
          double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
          std::lock_guard lock(mu);
          delays.push_back(ms);
          return;
        }
        std::this_thread::sleep_for(20ms);
      }
      std::cerr << "serve_scale: " << name << ": the change never reached the store" << std::endl;
      ++timed_out;
    });
  }
  for (auto& t : threads)
    t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  json out = {{"action", a.action},
              {"jobs", a.jobs},
              {"changes", m},
              {"rate", a.rate},
              {"measured", delays.size()},
              {"failed", failed.load()},
              {"timedOut", timed_out.load()},
              {"p50Ms", Percentile(delays, 0.50)},
              {"p99Ms", Percentile(delays, 0.99)},
              {"maxMs", delays.empty() ? 0 : *std::max_element(delays.begin(), delays.end())},
              {"seconds", secs}};
  std::printf(
      "  %s on %d random jobs at %.1f/s: change -> store p50 %.0f ms, p99 %.0f ms, max %.0f ms"
      " (%zu measured, %d failed to inject, %d never seen)\n",
      a.action.c_str(), m, a.rate, out["p50Ms"].get<double>(), out["p99Ms"].get<double>(),
      out["maxMs"].get<double>(), delays.size(), failed.load(), timed_out.load());
  if (!a.out.empty()) std::ofstream(a.out) << out.dump(2) << "\n";
  return failed.load() == 0 && timed_out.load() == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (argc < 2) {
    std::cerr << "usage: serve_scale wait|changes --api URL --token T ... (see the source)\n";
    return 2;
  }
  a.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--api")
      a.api = v;
    else if (k == "--token")
      a.token = v;
    else if (k == "--sim")
      a.sim = v;
    else if (k == "--sim-token")
      a.sim_token = v;
    else if (k == "--sim-ca")
      a.sim_ca = v;
    else if (k == "--namespaces")
      a.namespaces = std::stoi(v);
    else if (k == "--prefix")
      a.prefix = v;
    else if (k == "--action")
      a.action = v;
    else if (k == "--out")
      a.out = v;
    else if (k == "--jobs")
      a.jobs = std::stoi(v);
    else if (k == "--changes")
      a.changes = std::stoi(v);
    else if (k == "--offset")
      a.offset = std::stoi(v);
    else if (k == "--timeout")
      a.timeout_s = std::stoi(v);
    else if (k == "--rate")
      a.rate = std::stod(v);
    else {
      std::cerr << "serve_scale: unknown flag " << k << "\n";
      return 2;
    }
  }
  if (a.mode == "wait") return Wait(a);
  if (a.mode == "changes") return Changes(a);
  std::cerr << "serve_scale: unknown mode " << a.mode << " (wait, changes)\n";
  return 2;
}
