#include "sim/names.h"

#include <regex>

namespace sluice::sim {
namespace {

const std::regex& Label1123() {
  static const std::regex re("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return re;
}
const std::regex& Subdomain1123() {
  static const std::regex re("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return re;
}
const std::regex& Label1035() {
  static const std::regex re("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  return re;
}
const std::regex& QualifiedName() {
  static const std::regex re("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
  return re;
}
const std::regex& LabelValue() {
  static const std::regex re("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
  return re;
}

std::string MaxLen(size_t n) {
  return "must be no more than " + std::to_string(n) + " characters";
}

}  // namespace

std::vector<std::string> CheckDns1123Subdomain(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 253) out.push_back(MaxLen(253));
  if (!std::regex_match(value, Subdomain1123())) {
    out.push_back(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
        "regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  return out;
}

std::vector<std::string> CheckDns1123Label(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(MaxLen(63));
  if (!std::regex_match(value, Label1123())) {
    out.push_back(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  }
  return out;
}

std::vector<std::string> CheckDns1035Label(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(MaxLen(63));
  if (!std::regex_match(value, Label1035())) {
    out.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
        "an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return out;
}

std::vector<std::string> CheckPathSegmentName(const std::string& value) {
  if (value == "." || value == "..") return {"may not be '" + value + "'"};
  for (char c : value) {
    if (c == '/') return {"may not contain '/'"};
    if (c == '%') return {"may not contain '%'"};
  }
  return {};
}

std::vector<std::string> CheckLabelKey(const std::string& key) {
  std::vector<std::string> out;
  std::string name = key;
  auto slash = key.find('/');
  if (slash != std::string::npos) {
    std::string prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty()) {
      out.push_back("prefix part must be non-empty");
    } else {
      for (auto& m : CheckDns1123Subdomain(prefix))
        out.push_back("prefix part " + m);
    }
  }
  if (name.empty()) {
    out.push_back("name part must be non-empty");
  } else if (name.size() > 63) {
    out.push_back("name part " + MaxLen(63));
  } else if (!std::regex_match(name, QualifiedName())) {
    out.push_back(
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
        "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
        "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  }
  return out;
}

std::vector<std::string> CheckLabelValue(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() > 63) out.push_back(MaxLen(63));
  if (!std::regex_match(value, LabelValue())) {
    out.push_back(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
  }
  return out;
}

NameRule NameRuleFor(const std::string& kind) {
  if (kind == "Namespace") return NameRule::kLabel;
  if (kind == "Service") return NameRule::kDns1035;
  if (kind == "Role" || kind == "RoleBinding" || kind == "ClusterRole" ||
      kind == "ClusterRoleBinding") {
    return NameRule::kPathSegment;
  }
  return NameRule::kSubdomain;
}

std::vector<std::string> CheckName(NameRule rule, const std::string& value) {
  switch (rule) {
    case NameRule::kSubdomain:
      return CheckDns1123Subdomain(value);
    case NameRule::kLabel:
      return CheckDns1123Label(value);
    case NameRule::kDns1035:
      return CheckDns1035Label(value);
    case NameRule::kPathSegment:
      return CheckPathSegmentName(value);
  }
  return {};
}

}  // namespace sluice::sim
