#include "api/json_schema.h"

#include <optional>

#include "api/names.h"
#include "api/permissions.h"
#include "common/json.h"
#include "common/strings.h"
#include "common/time.h"

namespace sluice::api {
namespace {

using json = nlohmann::json;

constexpr int kMaxDepth = 64;

bool HasType(const json& v, const std::string& type) {
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    // 3.0 is an integer in JSON Schema's sense.
    return v.is_number_float() && v.get<double>() == static_cast<double>(v.get<int64_t>());
  }
  if (type == "number") return v.is_number();
  return JsonTypeName(v) == type;
}

std::string Article(const std::string& type) {
  return (type == "integer" || type == "object" || type == "array") ? "an " + type : "a " + type;
}

bool Digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// 2026-01-02T03:04:05(.123)?(Z|+01:00)
bool IsRfc3339(std::string_view s) {
  if (!Digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !Digits(s, 5, 2) || s[7] != '-' ||
      !Digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !Digits(s, 11, 2) || s[13] != ':' ||
      !Digits(s, 14, 2) || s[16] != ':' || !Digits(s, 17, 2)) {
    return false;
  }
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && Digits(s, i + 1, 2) &&
         s[i + 3] == ':' && Digits(s, i + 4, 2);
}

// 1.20 or 1.20.1
bool IsVersion(std::string_view s) {
  int parts = 0;
  for (const auto& part : Split(s, '.')) {
    if (part.empty() || !Digits(part, 0, part.size())) return false;
    ++parts;
  }
  return parts == 2 || parts == 3;
}

// Why `s` is not of `format`; "" when it is.
std::string FormatProblem(const std::string& format, const std::string& s) {
  if (format == "name") {
    if (IsResourceName(s)) return "";
    return "must be a name: 1 to 63 lower-case letters, digits and '-', starting and ending "
           "with a letter or digit";
  }
  if (format == "user-name") {
    if (IsUserName(s)) return "";
    return "must be a user name: 1 to 63 lower-case letters, digits, '-', '.' and '_', "
           "starting and ending with a letter or digit";
  }
  if (format == "permission" || format == "scope") {
    if (ParsePermission(s) || (format == "scope" && s == "*")) return "";
    std::vector<std::string> names;
    for (Permission p : AllPermissions())
      names.emplace_back(PermissionName(p));
    std::string near = ClosestMatch(s, names);
    return "unknown permission " + Quote(s) +
           (near.empty() ? "; known: " + Join(names, ", ") : "; did you mean " + Quote(near) + "?");
  }
  if (format == "duration") {
    auto d = ParseDuration(s);
    if (d.ok()) return "";
    return "must be a duration such as 30s, 15m, 12h or 30d";
  }
  if (format == "date-time") return IsRfc3339(s) ? "" : "must be an RFC 3339 time";
  if (format == "version")
    return IsVersion(s) ? "" : "must be a version: MAJOR.MINOR or MAJOR.MINOR.PATCH";
  if (format == "uri") {
    bool ok =
        (s.starts_with("http://") && s.size() > 7) || (s.starts_with("https://") && s.size() > 8);
    if (ok && s.find_first_of(" \t\r\n") == std::string::npos) return "";
    return "must be an http:// or https:// URL";
  }
  return "";  // unknown formats are documentation only
}

}  // namespace

std::string FieldPath(const std::string& parent, std::string_view field) {
  return parent.empty() ? std::string(field) : parent + "." + std::string(field);
}

std::string IndexPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::vector<SchemaError> SchemaValidator::Validate(const json& schema, const json& value,
                                                   const std::string& path,
                                                   size_t max_errors) const {
  std::vector<SchemaError> errors;
  Check(schema, value, path, errors, max_errors, 0);
  if (errors.size() > max_errors) errors.resize(max_errors);
  return errors;
}

void SchemaValidator::Check(const json& schema, const json& value, const std::string& path,
                            std::vector<SchemaError>& errors, size_t max_errors, int depth) const {
  if (errors.size() >= max_errors) return;
  auto fail = [&](std::string message) { errors.push_back({path, std::move(message)}); };
  if (depth > kMaxDepth) return fail("is nested too deeply");
  if (!schema.is_object()) return;

  if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
    static constexpr std::string_view kPrefix = "#/components/schemas/";
    const std::string& target = ref->get_ref<const std::string&>();
    if (!components_ || !target.starts_with(kPrefix) ||
        !components_->contains(target.substr(kPrefix.size()))) {
      return fail("internal: unresolved schema reference " + target);
    }
    return Check((*components_)[target.substr(kPrefix.size())], value, path, errors, max_errors,
                 depth + 1);
  }

  if (value.is_null() && schema.value("nullable", false)) return;

  if (auto t = schema.find("type"); t != schema.end()) {
    std::vector<std::string> types;
    if (t->is_string()) types.push_back(*t);
    if (t->is_array()) {
      for (const auto& x : *t)
        types.push_back(x);
    }
    bool matched = false;
    for (const auto& type : types)
      matched = matched || HasType(value, type);
    if (!matched) {
      std::vector<std::string> described;
      for (const auto& type : types)
        described.push_back(Article(type));
      return fail("must be " + Join(described, " or ") + ", not " + Article(JsonTypeName(value)));
    }
  }

  if (auto e = schema.find("enum"); e != schema.end() && e->is_array()) {
    bool found = false;
    for (const auto& x : *e)
      found = found || x == value;
    if (!found) {
      std::vector<std::string> allowed;
      for (const auto& x : *e)
        allowed.push_back(x.dump());
      return fail("must be one of " + Join(allowed, ", "));
    }
  }

  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (auto n = schema.find("minLength"); n != schema.end() && s.size() < n->get<size_t>()) {
      return fail(n->get<size_t>() == 1 ? "must not be empty"
                                        : "must be at least " + n->dump() + " characters long");
    }
    if (auto n = schema.find("maxLength"); n != schema.end() && s.size() > n->get<size_t>()) {
      return fail("must be at most " + n->dump() + " characters long");
    }
    if (auto f = schema.find("format"); f != schema.end() && f->is_string()) {
      std::string problem = FormatProblem(*f, s);
      if (!problem.empty()) return fail(problem);
    }
  }

  if (value.is_number()) {
    double v = value.get<double>();
    if (auto n = schema.find("minimum"); n != schema.end() && v < n->get<double>()) {
      return fail("must be at least " + n->dump());
    }
    if (auto n = schema.find("maximum"); n != schema.end() && v > n->get<double>()) {
      return fail("must be at most " + n->dump());
    }
  }

  if (value.is_array()) {
    if (auto n = schema.find("minItems"); n != schema.end() && value.size() < n->get<size_t>()) {
      return fail("must have at least " + n->dump() + " item(s)");
    }
    if (auto n = schema.find("maxItems"); n != schema.end() && value.size() > n->get<size_t>()) {
      return fail("must have at most " + n->dump() + " items");
    }
    if (auto items = schema.find("items"); items != schema.end()) {
      for (size_t i = 0; i < value.size(); ++i) {
        Check(*items, value[i], IndexPath(path, i), errors, max_errors, depth + 1);
      }
    }
  }

  if (value.is_object()) {
    const json empty = json::object();
    auto props_it = schema.find("properties");
    const json& props = props_it != schema.end() ? *props_it : empty;
    if (auto req = schema.find("required"); req != schema.end()) {
      for (const auto& name : *req) {
        if (!value.contains(name.get<std::string>())) {
          errors.push_back({FieldPath(path, name.get<std::string>()), "is required"});
        }
      }
    }
    auto extra = schema.find("additionalProperties");
    for (const auto& [key, v] : value.items()) {
      if (errors.size() >= max_errors) return;
      std::string child = FieldPath(path, key);
      if (auto p = props.find(key); p != props.end()) {
        Check(*p, v, child, errors, max_errors, depth + 1);
      } else if (extra != schema.end() && extra->is_boolean() && !extra->get<bool>()) {
        std::vector<std::string> known;
        for (const auto& [name, unused] : props.items())
          known.push_back(name);
        std::string near = ClosestMatch(key, known);
        errors.push_back(
            {child,
             "is not a known field" +
                 (near.empty() ? (known.empty() ? std::string() : "; known: " + Join(known, ", "))
                               : "; did you mean " + Quote(near) + "?")});
      } else if (extra != schema.end() && extra->is_object()) {
        Check(*extra, v, child, errors, max_errors, depth + 1);
      }
    }
  }
}

namespace {

bool IsJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A JSON string at body[i] (its opening quote) whose bytes are printable ASCII and whose
// escapes are the short ones; nullopt for anything else (the full parser decides).
std::optional<std::string> PlainString(std::string_view body, size_t& i) {
  std::string out;
  size_t run = ++i;
  for (; i < body.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(body[i]);
    if (c < 0x20 || c >= 0x80) return std::nullopt;
    if (c == '"') {
      out.append(body.substr(run, i - run));
      ++i;
      return out;
    }
    if (c != '\\') continue;
    out.append(body.substr(run, i - run));
    if (++i == body.size()) return std::nullopt;
    switch (body[i]) {
      case '"':
      case '\\':
      case '/':
        out.push_back(body[i]);
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 't':
        out.push_back('\t');
        break;
      default:
        return std::nullopt;  // \u... and errors
    }
    run = i + 1;
  }
  return std::nullopt;
}

// The common body of the SQL routes (and many others) without nlohmann's character-by-
// character lexer: an object of distinct keys with plain string values. Anything else is
// nullopt, for json::parse (which also words the errors).
std::optional<json> FlatStringObject(std::string_view body) {
  size_t i = 0;
  auto skip = [&] {
    while (i < body.size() && IsJsonSpace(body[i]))
      ++i;
  };
  skip();
  if (i == body.size() || body[i] != '{') return std::nullopt;
  ++i;
  json out = json::object();
  skip();
  if (i < body.size() && body[i] == '}') return std::nullopt;  // {} is rare: json::parse
  for (;;) {
    skip();
    if (i == body.size() || body[i] != '"') return std::nullopt;
    auto key = PlainString(body, i);
    if (!key || out.contains(*key)) return std::nullopt;
    skip();
    if (i == body.size() || body[i] != ':') return std::nullopt;
    ++i;
    skip();
    if (i == body.size() || body[i] != '"') return std::nullopt;
    auto value = PlainString(body, i);
    if (!value) return std::nullopt;
    out.emplace(std::move(*key), std::move(*value));
    skip();
    if (i == body.size()) return std::nullopt;
    if (body[i] == '}') break;
    if (body[i] != ',') return std::nullopt;
    ++i;
  }
  ++i;
  skip();
  if (i != body.size()) return std::nullopt;
  return out;
}

}  // namespace

Result<nlohmann::json> ParseJsonBody(std::string_view body) {
  if (auto flat = FlatStringObject(body)) return std::move(*flat);
  try {
    return json::parse(body);
  } catch (const json::parse_error& e) {
    size_t line = 1, column = 1;
    size_t end = std::min(body.size(), e.byte > 0 ? e.byte - 1 : 0);
    for (size_t i = 0; i < end; ++i) {
      if (body[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    size_t colon = what.find(": ", what.find("parse error"));
    std::string reason = colon == std::string::npos ? what : what.substr(colon + 2);
    // "...; last read: '<raw bytes>'" would echo the input, perhaps not even UTF-8.
    if (size_t last = reason.find("; last read:"); last != std::string::npos) reason.resize(last);
    return InvalidArgument("the request body is not valid JSON: " + reason)
        .At("body:" + std::to_string(line) + ":" + std::to_string(column))
        .Hint("send a JSON object with Content-Type: application/json");
  }
}

}  // namespace sluice::api
