#include "api/audit_log.h"

#include "common/log.h"
#include "common/redact.h"

namespace sluice::api {

nlohmann::json AuditLog::Redact(const nlohmann::json& details) {
  if (details.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : details.items()) {
      out[k] =
          IsSecretKey(k) && !v.is_boolean() && !v.is_null() ? nlohmann::json(kRedacted) : Redact(v);
    }
    return out;
  }
  if (details.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : details)
      out.push_back(Redact(v));
    return out;
  }
  return details;
}

void AuditLog::Record(store::AuditEntry entry, const nlohmann::json& details) {
  entry.details_json = Redact(details.is_null() ? nlohmann::json::object() : details)
                           .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto written = store_.AppendAudit(std::move(entry));
  if (!written.ok()) {
    log::Error("audit.write_failed").With(written.error());
    return;
  }
  log::Info("audit")
      .With("action", written->action)
      .With("actor", written->actor)
      .With("target", written->target_kind + "/" + written->target_name)
      .With("result", written->result)
      .With("request_id", written->request_id);
}

}  // namespace sluice::api
