#include "k8s/kubeconfig.h"

#include <cstdlib>
#include <filesystem>

#include "common/fs.h"
#include "common/strings.h"
#include "k8s/encoding.h"

namespace sluice::k8s {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key) || obj[key].is_null()) return "";
  const json& v = obj[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

bool Bool(const json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return false;
  const json& v = obj[key];
  if (v.is_boolean()) return v.get<bool>();
  return v.is_string() && EqualsIgnoreCase(v.get<std::string>(), "true");
}

std::string ResolvePath(std::string_view path, std::string_view base_dir) {
  if (path.empty()) return "";
  fs::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p.string();
  return (fs::path(base_dir) / p).lexically_normal().string();
}

// kubectl's rule: a command with a path separator is relative to the kubeconfig's
// directory; a bare name is looked up in PATH when the plugin runs.
std::string ResolveCommand(std::string_view command, std::string_view base_dir) {
  if (command.find('/') == std::string_view::npos) return std::string(command);
  return ResolvePath(command, base_dir);
}

Result<std::string> DecodeData(const json& obj, const char* key, const std::string& where) {
  std::string text = Str(obj, key);
  if (text.empty()) return std::string();
  auto decoded = Base64Decode(text);
  if (!decoded.ok()) {
    return InvalidArgument(where + "." + key + ": " + decoded.error().message);
  }
  return decoded;
}

// Named entries: [{name: x, <field>: {...}}].
template <typename F>
Status ForEachNamed(const json& doc, const char* list, const char* field, F&& f) {
  if (!doc.contains(list) || doc[list].is_null()) return Status::Ok();
  if (!doc[list].is_array()) return InvalidArgument(std::string(list) + " must be a list");
  for (size_t i = 0; i < doc[list].size(); ++i) {
    const json& entry = doc[list][i];
    std::string name = Str(entry, "name");
    std::string where = std::string(list) + "[" + std::to_string(i) + "]";
    if (name.empty()) return InvalidArgument(where + ": no name");
    const json body = entry.is_object() && entry.contains(field) ? entry[field] : json::object();
    SLUICE_RETURN_IF_ERROR(f(name, body, where + "." + field));
  }
  return Status::Ok();
}

std::string HomeKubeconfig() {
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.kube/config" : "";
}

}  // namespace

Result<Kubeconfig> Kubeconfig::Parse(std::string_view text, std::string_view source,
                                     std::string_view base_dir) {
  auto parsed = YamlToJson(text, source);
  if (!parsed.ok()) return std::move(parsed).error().Context("kubeconfig");
  json doc = std::move(parsed).value();
  if (doc.is_null()) doc = json::object();
  if (!doc.is_object()) return InvalidArgument(std::string(source) + ": not a kubeconfig (a map)");
  Kubeconfig kc;
  kc.source_ = std::string(source);
  kc.current_context_ = Str(doc, "current-context");
  auto at = [&](Error e) { return std::move(e).Context(std::string(source)); };

  Status st = ForEachNamed(
      doc, "clusters", "cluster",
      [&](const std::string& name, const json& c, const std::string& where) -> Status {
        Cluster cl;
        cl.server = Str(c, "server");
        SLUICE_ASSIGN_OR_RETURN(cl.ca_pem, DecodeData(c, "certificate-authority-data", where));
        cl.ca_file = ResolvePath(Str(c, "certificate-authority"), base_dir);
        cl.insecure = Bool(c, "insecure-skip-tls-verify");
        cl.tls_server_name = Str(c, "tls-server-name");
        kc.clusters_.emplace(name, std::move(cl));
        return Status::Ok();
      });
  if (!st.ok()) return at(std::move(st).error());

  st = ForEachNamed(
      doc, "users", "user",
      [&](const std::string& name, const json& u, const std::string& where) -> Status {
        AuthInfo a;
        a.token = Str(u, "token");
        a.token_file = ResolvePath(Str(u, "tokenFile"), base_dir);
        SLUICE_ASSIGN_OR_RETURN(a.client_cert_pem, DecodeData(u, "client-certificate-data", where));
        SLUICE_ASSIGN_OR_RETURN(a.client_key_pem, DecodeData(u, "client-key-data", where));
        a.client_cert_file = ResolvePath(Str(u, "client-certificate"), base_dir);
        a.client_key_file = ResolvePath(Str(u, "client-key"), base_dir);
        a.username = Str(u, "username");
        a.password = Str(u, "password");
        if (u.contains("auth-provider") && !u["auth-provider"].is_null()) {
          return InvalidArgument(where + ".auth-provider: auth providers (" +
                                 Str(u["auth-provider"], "name") +
                                 ") were removed from Kubernetes clients; use an exec plugin")
              .Hint("e.g. gke-gcloud-auth-plugin, kubelogin or aws eks get-token");
        }
        if (u.contains("exec") && u["exec"].is_object()) {
          const json& e = u["exec"];
          ExecConfig x;
          if (!Str(e, "apiVersion").empty()) x.api_version = Str(e, "apiVersion");
          x.command = ResolveCommand(Str(e, "command"), base_dir);
          if (x.command.empty()) return InvalidArgument(where + ".exec.command: missing");
          for (const auto& arg : e.value("args", json::array()))
            x.args.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
          for (const auto& kv : e.value("env", json::array()))
            x.env.emplace_back(Str(kv, "name"), Str(kv, "value"));
          x.install_hint = Str(e, "installHint");
          x.provide_cluster_info = Bool(e, "provideClusterInfo");
          x.interactive_mode = Str(e, "interactiveMode");
          a.exec = std::move(x);
        }
        kc.users_.emplace(name, std::move(a));
        return Status::Ok();
      });
  if (!st.ok()) return at(std::move(st).error());

  st = ForEachNamed(
      doc, "contexts", "context",
      [&](const std::string& name, const json& c, const std::string&) -> Status {
        kc.contexts_.emplace(
            name, KubeconfigContext{Str(c, "cluster"), Str(c, "user"), Str(c, "namespace")});
        return Status::Ok();
      });
  if (!st.ok()) return at(std::move(st).error());
  return kc;
}

Result<Kubeconfig> Kubeconfig::Load(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return std::move(text).error().Context("kubeconfig");
  return Parse(*text, path, fs::path(path).parent_path().string());
}

void Kubeconfig::Merge(const Kubeconfig& later) {
  for (const auto& [k, v] : later.clusters_)
    clusters_.emplace(k, v);
  for (const auto& [k, v] : later.users_)
    users_.emplace(k, v);
  for (const auto& [k, v] : later.contexts_)
    contexts_.emplace(k, v);
  if (current_context_.empty()) current_context_ = later.current_context_;
  source_ = source_.empty() ? later.source_ : source_ + ":" + later.source_;
}

std::vector<std::string> Kubeconfig::ContextNames() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : contexts_)
    out.push_back(k);
  return out;
}

Result<RestConfig> Kubeconfig::Resolve(std::string_view context) const {
  std::string name = context.empty() ? current_context_ : std::string(context);
  if (name.empty()) {
    return FailedPrecondition("kubeconfig " + source_ + " has no current-context")
        .Hint("pass --context (contexts: " + Join(ContextNames(), ", ") + ")");
  }
  auto ctx = contexts_.find(name);
  if (ctx == contexts_.end()) {
    std::string hint = "contexts: " + Join(ContextNames(), ", ");
    std::string near = ClosestMatch(name, ContextNames());
    if (!near.empty()) hint = "did you mean " + Quote(near) + "?";
    return NotFound("context " + Quote(name) + " is not in kubeconfig " + source_).Hint(hint);
  }
  auto cl = clusters_.find(ctx->second.cluster);
  if (cl == clusters_.end()) {
    return NotFound("context " + Quote(name) + " names cluster " + Quote(ctx->second.cluster) +
                    ", which kubeconfig " + source_ + " does not define");
  }
  if (cl->second.server.empty()) {
    return InvalidArgument("cluster " + Quote(ctx->second.cluster) + " in " + source_ +
                           " has no server");
  }
  RestConfig rc;
  rc.server = cl->second.server;
  while (rc.server.size() > 1 && rc.server.back() == '/')
    rc.server.pop_back();
  rc.tls.ca_pem = cl->second.ca_pem;
  rc.tls.ca_file = cl->second.ca_file;
  rc.tls.insecure_skip_verify = cl->second.insecure;
  rc.tls.server_name = cl->second.tls_server_name;
  if (!ctx->second.user.empty()) {
    auto u = users_.find(ctx->second.user);
    if (u == users_.end()) {
      return NotFound("context " + Quote(name) + " names user " + Quote(ctx->second.user) +
                      ", which kubeconfig " + source_ + " does not define");
    }
    rc.auth = u->second;
  }
  if (!ctx->second.namespace_.empty()) rc.default_namespace = ctx->second.namespace_;
  rc.context = name;
  rc.cluster = ctx->second.cluster;
  rc.user = ctx->second.user;
  rc.source = source_;
  return rc;
}

Result<RestConfig> LoadRestConfig(const KubeconfigOptions& options) {
  if (!options.path.empty()) {
    SLUICE_ASSIGN_OR_RETURN(Kubeconfig kc, Kubeconfig::Load(options.path));
    return kc.Resolve(options.context);
  }
  std::vector<std::string> paths;
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    for (const auto& p : Split(env, ':')) {
      if (!p.empty()) paths.push_back(p);
    }
  } else if (std::string home = HomeKubeconfig(); !home.empty()) {
    paths.push_back(home);
  }
  std::optional<Kubeconfig> merged;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    SLUICE_ASSIGN_OR_RETURN(Kubeconfig kc, Kubeconfig::Load(p));
    if (!merged) {
      merged = std::move(kc);
    } else {
      merged->Merge(kc);
    }
  }
  if (!merged) {
    return NotFound(
               "no kubeconfig found (looked at " +
               (paths.empty() ? std::string("$KUBECONFIG and ~/.kube/config") : Join(paths, ", ")) +
               ")")
        .Hint("pass --kubeconfig FILE or set KUBECONFIG");
  }
  return merged->Resolve(options.context);
}

Result<RestConfig> InClusterConfig(std::string_view root) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port) {
    return FailedPrecondition(
        "not running in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
        "are not set");
  }
  fs::path dir(root);
  RestConfig rc;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6
  rc.server = "https://" + h + ":" + port;
  rc.auth.token_file = (dir / "token").string();
  SLUICE_ASSIGN_OR_RETURN(rc.auth.token, ReadFile(rc.auth.token_file));
  rc.auth.token = std::string(Trim(rc.auth.token));
  rc.tls.ca_file = (dir / "ca.crt").string();
  if (auto ns = ReadFile(dir / "namespace"); ns.ok() && !Trim(*ns).empty()) {
    rc.default_namespace = std::string(Trim(*ns));
  }
  rc.context = "in-cluster";
  rc.source = "in-cluster";
  return rc;
}

}  // namespace sluice::k8s
