// What the YARN, standalone (remote) and local targets need to reach a cluster: the
// Flink distributions whose client they run, where per-job files go, the ResourceManager
// or JobManager URL, Hadoop and Kerberos settings. It hangs off ClusterTarget::cli.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/client.h"

namespace sluice::deploy {

class FlinkVersions;

// Kerberos for the Flink client and the cluster it deploys (Flink's own options, plus the
// environment the JVM reads). SPNEGO towards the ResourceManager's REST API is not
// supported: its REST calls use simple authentication (`user.name`).
struct KerberosSettings {
  std::string principal;                 // security.kerberos.login.principal
  std::string keytab;                    // security.kerberos.login.keytab (a path on this machine)
  std::optional<bool> use_ticket_cache;  // security.kerberos.login.use-ticket-cache
  std::string krb5_conf;                 // KRB5_CONFIG, and -Djava.security.krb5.conf
  std::string ticket_cache;              // KRB5CCNAME
};

struct YarnSettings {
  // The ResourceManager's web address(es), http://rm:8088; with RM HA the first that
  // answers as the active one is used.
  std::vector<std::string> resource_managers;
  http::TlsConfig tls;
  std::string user;              // user.name for the RM's simple authentication ("" = none)
  std::string hadoop_conf_dir;   // HADOOP_CONF_DIR for the client
  std::string hadoop_classpath;  // HADOOP_CLASSPATH (`hadoop classpath`, resolved by the admin)
  std::string queue;             // yarn.application.queue unless the job sets it
  KerberosSettings kerberos;
  std::chrono::milliseconds timeout{15'000};  // per REST request
};

struct RemoteSettings {
  std::string rest_url;  // the JobManager's REST endpoint: http(s)://host:port[/prefix]
  http::TlsConfig tls;
  http::Headers headers;  // e.g. Authorization for a JobManager behind a proxy
  std::chrono::milliseconds timeout{30'000};
};

// One line of a Flink client's output, for the job's log.
using CliLogSink = std::function<void(std::string_view cluster_id, std::string_view stream,
                                      std::string_view line)>;

struct CliTarget {
  std::shared_ptr<const FlinkVersions> versions;  // distributions for YARN and local
  // Per-job work directories (<data-dir>/jobs): statements files, the client's
  // configuration and logs, the local target's process record.
  std::filesystem::path work_dir;
  std::filesystem::path runner_jar;  // "" = found beside the sluice binary (runner_jar.h)
  std::optional<YarnSettings> yarn;
  std::optional<RemoteSettings> remote;
  // Extra environment for the Flink client (added after Sluice's own variables).
  std::map<std::string, std::string> env;
  // How long a client command may take before its process group is killed.
  std::chrono::milliseconds cli_timeout{300'000};
  std::chrono::milliseconds kill_grace{5'000};
  // The address the local target's JobManager REST endpoint binds to.
  std::string local_rest_address = "127.0.0.1";
  CliLogSink log_sink;  // nullptr = Sluice's log
};

}  // namespace sluice::deploy
