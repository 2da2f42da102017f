#include "deploy/request.h"

#include <openssl/evp.h>

#include "common/strings.h"
#include "spec/names.h"
#include "spec/render.h"

namespace sluice::deploy {
namespace {

std::string Sha256Hex(std::string_view data, size_t hex_digits) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len && out.size() < hex_digits; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out.substr(0, hex_digits);
}

}  // namespace

std::string ObjectRef::ToString() const {
  return kind + " " + (namespace_.empty() ? "" : namespace_ + "/") + name;
}

std::string SpecHash(const spec::JobSpec& job) {
  return Sha256Hex(spec::RenderJson(job), 16);
}

std::string DerivedId(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (auto p : parts) {
    text += p;
    text += '\n';
  }
  return Sha256Hex(text, 32);
}

Result<flinkconf::FlinkVersion> VersionOf(const spec::JobSpec& job) {
  auto v = flinkconf::FlinkVersion::Parse(job.spec.flink_version);
  if (!v.ok()) return std::move(v).error().Context("spec.flinkVersion");
  return v;
}

bool HaEnabled(const std::map<std::string, std::string>& config) {
  for (const char* key : {"high-availability.type", "high-availability"}) {
    auto it = config.find(key);
    if (it == config.end()) continue;
    std::string v = ToLower(Trim(it->second));
    return !v.empty() && v != "none";
  }
  return false;
}

Result<DeploymentRequest> MakeRequest(const spec::JobSpec& job, std::string spec_version) {
  DeploymentRequest r;
  r.job = job;
  r.spec_version = std::move(spec_version);
  r.cluster_id = spec::ClusterId(job);
  auto explicit_id = job.spec.flink_configuration.find("kubernetes.cluster-id");
  if (Status st = spec::CheckClusterId(r.cluster_id); !st.ok()) {
    std::string where = explicit_id != job.spec.flink_configuration.end()
                            ? "spec.flinkConfiguration[\"kubernetes.cluster-id\"]"
                            : "metadata.name";
    Error e = std::move(st).error();
    e.where = where;
    return e;
  }
  r.namespace_ = job.spec.namespace_.empty() ? "default" : job.spec.namespace_;
  const spec::Restore& restore = job.spec.restore;
  if (restore.mode.value_or(spec::RestoreMode::kAuto) != spec::RestoreMode::kNone) {
    r.restore_path = restore.path;
  }
  r.allow_non_restored_state = restore.allow_non_restored_state.value_or(false);
  std::map<std::string, std::string> config(job.spec.flink_configuration.begin(),
                                            job.spec.flink_configuration.end());
  if (!HaEnabled(config)) {
    r.job_id = DerivedId({r.cluster_id, r.spec_version, SpecHash(job), r.restore_path});
  }
  return r;
}

}  // namespace sluice::deploy
