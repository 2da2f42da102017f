#include "cli/serve_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>

#include "common/fs.h"
#include "common/strings.h"
#include "common/time.h"

namespace sluice::cli {
namespace {

Status ParseListen(ServeConfig& c, const std::string& v) {
  auto bad = [&](const std::string& why) {
    return InvalidArgument("invalid listen address \"" + v + "\": " + why)
        .Hint("write HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080");
  };
  size_t colon = v.rfind(':');
  if (colon == std::string::npos) return bad("no port");
  std::string host = v.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) return bad("no host");
  auto port = ParseInt(v.substr(colon + 1));
  if (!port) return bad("port is not a number");
  if (*port < 0 || *port > 65535) return bad("port must be between 0 and 65535");
  c.listen_host = host;
  c.listen_port = static_cast<uint16_t>(*port);
  return Status::Ok();
}

}  // namespace

std::string ServeConfig::DatabaseUrl() const {
  if (!db.empty()) return db;
  return "sqlite://" + (data_dir / "sluice.db").string();
}

Result<size_t> ParseByteSize(const std::string& text) {
  std::string t(Trim(text));
  size_t i = 0;
  while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i])))
    ++i;
  auto n = ParseInt(t.substr(0, i));
  std::string unit = ToLower(Trim(t.substr(i)));
  size_t scale = 0;
  if (unit.empty() || unit == "b")
    scale = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    scale = 1u << 10;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    scale = 1u << 20;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    scale = 1u << 30;
  if (!n || scale == 0 || *n < 0) {
    return InvalidArgument("\"" + text + "\" is not a size")
        .Hint("write bytes or use k, m, g: 8m, 512k");
  }
  return static_cast<size_t>(*n) * scale;
}

const std::vector<ConfigKey>& ServeConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      {"listen", "address to serve HTTP on, HOST:PORT (default 127.0.0.1:8080)", ParseListen},
      {"db",
       "database URL: sqlite:///PATH or postgresql://USER@HOST:PORT/DB (default: SQLite under "
       "--data-dir)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (!v.starts_with("sqlite://") && !v.starts_with("postgresql://") &&
             !v.starts_with("postgres://")) {
           return InvalidArgument("unsupported database URL")
               .Hint("use sqlite:///PATH or postgresql://...");
         }
         c.db = v;
         return Status::Ok();
       }},
      {"data-dir", "directory for the embedded database and uploads (default ./var)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (v.empty()) return InvalidArgument("empty directory");
         c.data_dir = v;
         return Status::Ok();
       }},
      {"web-dir", "directory of the built web UI",
       [](ServeConfig& c, const std::string& v) -> Status {
         c.web_dir = v;
         return Status::Ok();
       }},
      {"log-level", "debug, info, warn or error (default info)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.log_level, log::ParseLevel(v));
         return Status::Ok();
       }},
      {"log-format", "json or text (default json)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (v != "json" && v != "text")
           return InvalidArgument("\"" + v + "\" is not a log format").Hint("use json or text");
         c.log_json = v == "json";
         return Status::Ok();
       }},
      {"max-body-size", "largest request body accepted (default 8m)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.max_body_bytes, ParseByteSize(v));
         if (c.max_body_bytes == 0) return InvalidArgument("must be above zero");
         return Status::Ok();
       }},
      {"threads", "HTTP worker threads (default: one per core)",
       [](ServeConfig& c, const std::string& v) -> Status {
         auto n = ParseInt(v);
         if (!n || *n < 0 || *n > 256)
           return InvalidArgument("\"" + v + "\" is not a thread count between 0 and 256");
         c.threads = static_cast<int>(*n);
         return Status::Ok();
       }},
      {"request-timeout", "time allowed to receive one request (default 30s)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.request_timeout, ParseDuration(v));
         return Status::Ok();
       }},
      {"shutdown-grace", "time requests in flight get to finish on SIGTERM (default 30s)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.shutdown_grace, ParseDuration(v));
         return Status::Ok();
       }},
      {"secure-cookies", "mark session cookies Secure: set when clients use HTTPS (default false)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (v != "true" && v != "false")
           return InvalidArgument("\"" + v + "\" is not true or false");
         c.secure_cookies = v == "true";
         return Status::Ok();
       }},
      {"session-idle-timeout", "a browser session ends after this long unused (default 30m)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.session_idle_timeout, ParseDuration(v));
         if (c.session_idle_timeout < std::chrono::seconds(1))
           return InvalidArgument("must be at least 1s");
         return Status::Ok();
       }},
      {"session-lifetime",
       "a browser session ends this long after login, used or not (default 12h)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.session_lifetime, ParseDuration(v));
         if (c.session_lifetime < std::chrono::seconds(1))
           return InvalidArgument("must be at least 1s");
         return Status::Ok();
       }},
      {"secret-key",
       "32 random bytes in base64 that encrypt stored secrets, the same for every "
       "replica (default: <data-dir>/secret.key, made at first start); prefer the environment",
       [](ServeConfig& c, const std::string& v) -> Status {
         c.secret_key = v;
         return Status::Ok();
       }},
      {"bootstrap-admin-password",
       "password of the user admin made at first start (default: a "
       "random one, printed once); prefer the environment",
       [](ServeConfig& c, const std::string& v) -> Status {
         c.bootstrap_admin_password = v;
         return Status::Ok();
       }},
      {"reconcile-workers",
       "reconcile passes that run at once; 0 turns the job controller off (default 4)",
       [](ServeConfig& c, const std::string& v) -> Status {
         auto n = ParseInt(v);
         if (!n || *n < 0 || *n > 256)
           return InvalidArgument("\"" + v + "\" is not a worker count between 0 and 256");
         c.reconcile_workers = static_cast<int>(*n);
         return Status::Ok();
       }},
      {"reconcile-lease",
       "how long a replica's lease on a job lasts without renewal; a dead replica's jobs move "
       "to the others after it (default 30s)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.reconcile_lease, ParseDuration(v));
         if (c.reconcile_lease < std::chrono::seconds(1) ||
             c.reconcile_lease > std::chrono::hours(1))
           return InvalidArgument("must be between 1s and 1h");
         return Status::Ok();
       }},
      {"reconcile-resync", "how often every live job is listed from the database (default 1m)",
       [](ServeConfig& c, const std::string& v) -> Status {
         SLUICE_ASSIGN_OR_RETURN(c.reconcile_resync, ParseDuration(v));
         if (c.reconcile_resync < std::chrono::seconds(1))
           return InvalidArgument("must be at least 1s");
         return Status::Ok();
       }},
      {"jobmanager-poll",
       "how often the JobManager of each running job is asked for its jobs' states, so that "
       "a job failing or restarting inside Flink is seen within about this long; 0 turns it "
       "off (default 3s)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (v == "0") {
           c.jobmanager_poll = std::chrono::milliseconds(0);
           return Status::Ok();
         }
         SLUICE_ASSIGN_OR_RETURN(c.jobmanager_poll, ParseDuration(v));
         if (c.jobmanager_poll.count() != 0 &&
             (c.jobmanager_poll < std::chrono::milliseconds(100) ||
              c.jobmanager_poll > std::chrono::hours(1)))
           return InvalidArgument("must be 0 or between 100ms and 1h");
         return Status::Ok();
       }},
      {"replica-id",
       "this replica's name in job leases; unique per process (default: the id kept in the "
       "data directory, hostname-pid-random the first time)",
       [](ServeConfig& c, const std::string& v) -> Status {
         if (v.empty() || v.size() > 200) return InvalidArgument("must be 1 to 200 characters");
         for (unsigned char ch : v) {
           if (std::iscntrl(ch) || std::isspace(ch))
             return InvalidArgument("must not contain spaces or control characters");
         }
         c.replica_id = v;
         return Status::Ok();
       }},
  };
  return keys;
}

std::string EnvName(const std::string& key) {
  std::string out = "SLUICE_";
  for (char c : key)
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

static const ConfigKey* FindKey(const std::string& name) {
  for (const auto& k : ServeConfigKeys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

static std::vector<std::string> KeyNames() {
  std::vector<std::string> names;
  for (const auto& k : ServeConfigKeys())
    names.push_back(k.name);
  return names;
}

static Status ApplyFile(ServeConfig& config, const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1u << 20));
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg)
        .At(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1));
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap())
    return InvalidArgument("the configuration must be a mapping of key: value").At(path);
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    std::string where = path + ":" + std::to_string(entry.first.Mark().line + 1);
    const ConfigKey* k = FindKey(key);
    if (!k) {
      std::string near = ClosestMatch(key, KeyNames());
      return InvalidArgument("unknown key \"" + key + "\"")
          .At(where)
          .Hint(near.empty() ? "known keys: " + Join(KeyNames(), ", ")
                             : "did you mean \"" + near + "\"?");
    }
    if (!entry.second.IsScalar())
      return InvalidArgument("\"" + key + "\" must be a single value").At(where);
    Status st = k->apply(config, entry.second.as<std::string>());
    if (!st.ok()) return std::move(st).error().Context(key).At(where);
  }
  return Status::Ok();
}

Result<ServeConfig> LoadServeConfig(const ConfigSources& sources) {
  ServeConfig config;
  if (!sources.file.empty()) SLUICE_RETURN_IF_ERROR(ApplyFile(config, sources.file));
  for (const auto& k : ServeConfigKeys()) {
    auto it = sources.env.find(EnvName(k.name));
    if (it == sources.env.end()) continue;
    Status st = k.apply(config, it->second);
    if (!st.ok())
      return std::move(st).error().Context(k.name).At("environment variable " + it->first);
  }
  for (const auto& [name, value] : sources.flags) {
    const ConfigKey* k = FindKey(name);
    if (!k) return InvalidArgument("unknown flag --" + name);
    Status st = k->apply(config, value);
    if (!st.ok()) return std::move(st).error().Context(name).At("--" + name);
  }
  return config;
}

}  // namespace sluice::cli
