#include "sim/json_schema.h"

#include <algorithm>

#include "common/json.h"
#include "http/router.h"

namespace sluice::sim {
namespace {

using nlohmann::json;

bool IsIntegral(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  if (v.is_number_float()) {
    double d = v.get<double>();
    return d == static_cast<double>(static_cast<long long>(d));
  }
  return false;
}

bool TypeMatches(const std::string& type, const json& v) {
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "integer") return IsIntegral(v);
  if (type == "number") return v.is_number();
  if (type == "null") return v.is_null();
  return true;
}

std::string Quote(const json& v) {
  if (v.is_string()) return "\"" + v.get<std::string>() + "\"";
  return v.dump();
}

}  // namespace

std::string JoinPath(const std::string& base, const std::string& key) {
  if (!key.empty() && key[0] == '[') return base + key;
  if (base.empty()) return key;
  return base + "." + key;
}

const json* SchemaValidator::Resolve(const json& schema) const {
  const json* s = &schema;
  for (int depth = 0; depth < 32 && s->is_object() && s->contains("$ref"); ++depth) {
    std::string ref = (*s)["$ref"].get<std::string>();
    if (ref.rfind("#/", 0) != 0) return nullptr;
    try {
      s = &root_.at(json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
      return nullptr;
    }
  }
  return s;
}

void SchemaValidator::CollectProperties(const json& schema, std::vector<std::string>& names,
                                        bool& open) const {
  const json* s = Resolve(schema);
  if (!s || !s->is_object()) return;
  if (s->contains("properties")) {
    for (auto& [k, _] : (*s)["properties"].items())
      names.push_back(k);
  }
  if (s->contains("additionalProperties") &&
      !((*s)["additionalProperties"].is_boolean() && !(*s)["additionalProperties"].get<bool>())) {
    open = true;
  }
  if (s->value("x-kubernetes-preserve-unknown-fields", false)) open = true;
  if (s->contains("allOf")) {
    for (auto& sub : (*s)["allOf"])
      CollectProperties(sub, names, open);
  }
  for (const char* key : {"anyOf", "oneOf"}) {
    if (s->contains(key)) {
      for (auto& sub : (*s)[key])
        CollectProperties(sub, names, open);
    }
  }
}

std::vector<SchemaError> SchemaValidator::Validate(const json& schema, const json& value,
                                                   const std::string& path) const {
  std::vector<SchemaError> out;
  Check(schema, value, path, false, out);
  return out;
}

void SchemaValidator::Check(const json& schema_in, const json& value, const std::string& path,
                            bool skip_discriminator, std::vector<SchemaError>& out,
                            bool part_of_allof) const {
  const json* sp = Resolve(schema_in);
  if (!sp) {
    out.push_back({SchemaError::Kind::kOther, path, "schema reference cannot be resolved", {}});
    return;
  }
  const json& s = *sp;
  if (!s.is_object()) return;
  if (value.is_null() && s.value("nullable", false)) return;

  // A discriminator sends the value to the schema its mapping names.
  if (!skip_discriminator && s.contains("discriminator") && value.is_object()) {
    const json& d = s["discriminator"];
    std::string prop = d.value("propertyName", "");
    if (value.contains(prop) && value[prop].is_string() && d.contains("mapping")) {
      std::string tag = value[prop].get<std::string>();
      if (d["mapping"].contains(tag)) {
        Check(json{{"$ref", d["mapping"][tag]}}, value, path, true, out);
        return;
      }
      out.push_back({SchemaError::Kind::kEnum, path,
                     "Unsupported value: " + Quote(value[prop]) + " for discriminator " + prop,
                     value[prop]});
      return;
    }
  }

  bool int_or_string = s.value("x-kubernetes-int-or-string", false);
  if (int_or_string) {
    if (!IsIntegral(value) && !value.is_string()) {
      out.push_back({SchemaError::Kind::kType, path,
                     "Invalid value: \"" + JsonTypeName(value) + "\": " + path +
                         " in body must be of type integer or string: \"" + JsonTypeName(value) +
                         "\"",
                     value});
    }
    return;
  }

  if (s.contains("type") && s["type"].is_string()) {
    std::string type = s["type"].get<std::string>();
    if (!TypeMatches(type, value)) {
      out.push_back({SchemaError::Kind::kType, path,
                     "Invalid value: \"" + JsonTypeName(value) +
                         "\": " + (path.empty() ? "body" : path) + " in body must be of type " +
                         type + ": \"" + JsonTypeName(value) + "\"",
                     value});
      return;
    }
  }

  if (s.contains("enum") && s["enum"].is_array()) {
    bool found = std::find(s["enum"].begin(), s["enum"].end(), value) != s["enum"].end();
    if (!found) {
      std::string allowed;
      for (const auto& e : s["enum"])
        allowed += (allowed.empty() ? "" : ", ") + Quote(e);
      out.push_back({SchemaError::Kind::kEnum, path,
                     "Unsupported value: " + Quote(value) + ": supported values: " + allowed,
                     value});
    }
  }

  for (const auto& sub : s.value("allOf", json::array()))
    Check(sub, value, path, true, out, true);
  for (const char* key : {"anyOf", "oneOf"}) {
    // Flink's generated specs make oneOf alternatives overlap, so one match is enough.
    if (!s.contains(key)) continue;
    bool any = false;
    std::vector<SchemaError> first;
    for (const auto& sub : s[key]) {
      std::vector<SchemaError> errs;
      Check(sub, value, path, false, errs);
      if (errs.empty()) {
        any = true;
        break;
      }
      if (first.empty()) first = std::move(errs);
    }
    if (!any) out.insert(out.end(), first.begin(), first.end());
  }

  if (value.is_object()) {
    for (const auto& req : s.value("required", json::array())) {
      std::string name = req.get<std::string>();
      if (!value.contains(name)) {
        out.push_back({SchemaError::Kind::kRequired, JoinPath(path, name), "Required value", {}});
      }
    }
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* additional =
        s.contains("additionalProperties") ? &s["additionalProperties"] : nullptr;
    bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
    std::vector<std::string> declared;
    bool open = false;
    bool check_unknown = options_.reject_unknown_fields && !preserve && !part_of_allof;
    if (check_unknown) CollectProperties(s, declared, open);
    bool structural_closed = options_.kubernetes_structural && !preserve && !props && !additional &&
                             s.value("type", "") == "object";
    for (auto& [k, v] : value.items()) {
      std::string child = JoinPath(path, k);
      if (props && props->contains(k)) {
        Check((*props)[k], v, child, false, out);
      } else if (additional && additional->is_object()) {
        Check(*additional, v, child, false, out);
      } else if (additional && additional->is_boolean() && !additional->get<bool>()) {
        out.push_back(
            {SchemaError::Kind::kUnknownField, child, "unknown field \"" + child + "\"", {}});
      } else if (check_unknown && !open && !declared.empty() &&
                 std::find(declared.begin(), declared.end(), k) == declared.end()) {
        out.push_back(
            {SchemaError::Kind::kUnknownField, child, "unknown field \"" + child + "\"", {}});
      } else if (check_unknown && structural_closed) {
        out.push_back(
            {SchemaError::Kind::kUnknownField, child, "unknown field \"" + child + "\"", {}});
      }
    }
  }
  if (value.is_array() && s.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      Check(s["items"], value[i], path + "[" + std::to_string(i) + "]", false, out);
    }
  }
}

std::vector<std::string> SchemaValidator::Prune(const json& schema_in, json& value,
                                                const std::string& path) const {
  std::vector<std::string> dropped;
  const json* sp = Resolve(schema_in);
  if (!sp || !sp->is_object()) return dropped;
  const json& s = *sp;
  if (s.value("x-kubernetes-preserve-unknown-fields", false) && !s.contains("properties")) {
    return dropped;
  }
  if (value.is_object()) {
    const json* props = s.contains("properties") ? &s["properties"] : nullptr;
    const json* additional =
        s.contains("additionalProperties") && s["additionalProperties"].is_object()
            ? &s["additionalProperties"]
            : nullptr;
    bool preserve = s.value("x-kubernetes-preserve-unknown-fields", false);
    std::vector<std::string> remove;
    for (auto& [k, v] : value.items()) {
      std::string child = JoinPath(path, k);
      if (props && props->contains(k)) {
        auto sub = Prune((*props)[k], v, child);
        dropped.insert(dropped.end(), sub.begin(), sub.end());
      } else if (additional) {
        auto sub = Prune(*additional, v, child);
        dropped.insert(dropped.end(), sub.begin(), sub.end());
      } else if (!preserve && (props || s.value("type", "") == "object")) {
        remove.push_back(k);
        dropped.push_back(child);
      }
    }
    for (const auto& k : remove)
      value.erase(k);
  } else if (value.is_array() && s.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      auto sub = Prune(s["items"], value[i], path + "[" + std::to_string(i) + "]");
      dropped.insert(dropped.end(), sub.begin(), sub.end());
    }
  }
  return dropped;
}

const json* FindResponseSchema(const json& spec, const std::string& method, const std::string& path,
                               int status) {
  if (!spec.contains("paths")) return nullptr;
  std::string m = method;
  std::transform(m.begin(), m.end(), m.begin(), ::tolower);
  for (const auto& [pattern, item] : spec["paths"].items()) {
    std::map<std::string, std::string> params;
    if (!http::MatchPattern(pattern, path, &params)) continue;
    if (!item.contains(m)) continue;
    const json& responses = item[m]["responses"];
    std::string code = std::to_string(status);
    if (!responses.contains(code)) return nullptr;
    const json& r = responses[code];
    if (!r.contains("content")) return &r;  // a response without a body
    for (auto& [type, body] : r["content"].items()) {
      if (body.contains("schema")) return &body["schema"];
    }
    return nullptr;
  }
  return nullptr;
}

}  // namespace sluice::sim
