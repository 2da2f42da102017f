#include "spec/tree.h"

#include <yaml-cpp/yaml.h>

#include "common/strings.h"

namespace sluice::spec {
namespace {

Mark MarkOf(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

Node FromYaml(const YAML::Node& y) {
  Node n;
  n.mark = MarkOf(y.Mark());
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::kScalar;
      n.scalar = y.Scalar();
      n.quoted = y.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::kSequence;
      for (const auto& item : y)
        n.items.push_back(FromYaml(item));
      break;
    case YAML::NodeType::Map:
      n.kind = Node::Kind::kMap;
      for (const auto& kv : y) {
        n.Add(kv.first.IsScalar() ? kv.first.Scalar() : "", MarkOf(kv.first.Mark()),
              FromYaml(kv.second));
      }
      break;
    default:
      n.kind = Node::Kind::kNull;
  }
  return n;
}

Node FromJson(const nlohmann::json& j) {
  Node n;
  if (j.is_object()) {
    n.kind = Node::Kind::kMap;
    for (const auto& [k, v] : j.items())
      n.Add(k, {}, FromJson(v));
  } else if (j.is_array()) {
    n.kind = Node::Kind::kSequence;
    for (const auto& v : j)
      n.items.push_back(FromJson(v));
  } else if (j.is_string()) {
    n.kind = Node::Kind::kScalar;
    n.scalar = j.get<std::string>();
    n.quoted = true;
  } else if (!j.is_null()) {
    n.kind = Node::Kind::kScalar;
    n.scalar = j.dump();
  }
  return n;
}

enum NumberForm { kNotANumber, kInteger, kFloat };

// YAML 1.2 core schema numbers: [-+]?[0-9]+ and [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
NumberForm NumberKind(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    return i - start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t whole = digits();
  bool fraction = false;
  size_t fraction_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    fraction = true;
    fraction_digits = digits();
  }
  if (whole == 0 && fraction_digits == 0) return kNotANumber;
  bool exponent = false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return kNotANumber;
    exponent = true;
  }
  if (i != s.size()) return kNotANumber;
  return fraction || exponent ? kFloat : kInteger;
}

std::string Position(std::string_view source, std::string_view text, size_t byte) {
  int line = 1, column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

std::vector<Node::Entry> Node::entries() const {
  std::vector<Entry> out;
  for (size_t i = 0; i < keys.size(); ++i)
    out.push_back({keys[i], key_marks[i], values[i]});
  return out;
}

void Node::Add(std::string key, Mark key_mark, Node value) {
  keys.push_back(std::move(key));
  key_marks.push_back(key_mark);
  values.push_back(std::move(value));
}

std::optional<Node::Entry> Node::Find(std::string_view key) const {
  for (size_t i = keys.size(); i-- > 0;) {
    if (keys[i] == key) return Entry{keys[i], key_marks[i], values[i]};
  }
  return std::nullopt;
}

Result<Node> ParseTree(std::string_view text, std::string_view source) {
  std::string_view body = Trim(text);
  bool json = !body.empty() && body.front() == '{';
  nlohmann::json parsed_json;
  if (json) {
    try {
      parsed_json = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      size_t colon = what.rfind(": ");
      return InvalidArgument("not valid JSON: " +
                             (colon == std::string::npos ? what : what.substr(colon + 2)))
          .At(Position(source, text, e.byte > 0 ? e.byte - 1 : 0));
    }
  }
  try {
    return FromYaml(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    // Valid JSON that yaml-cpp cannot read: keep the content, without positions.
    if (json) return FromJson(parsed_json);
    std::string where = std::string(source);
    if (!e.mark.is_null()) {
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    }
    return InvalidArgument("not valid YAML: " + e.msg)
        .At(where)
        .Hint(
            "check the indentation, and quote values that contain ': ' or start with a "
            "special character");
  }
}

nlohmann::json ToJson(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return nullptr;
    case Node::Kind::kSequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node.items)
        arr.push_back(ToJson(item));
      return arr;
    }
    case Node::Kind::kMap: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& e : node.entries())
        obj[e.key] = ToJson(e.value);
      return obj;
    }
    case Node::Kind::kScalar:
      break;
  }
  const std::string& s = node.scalar;
  if (node.quoted) return s;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s == "null" || s == "Null" || s == "NULL" || s == "~") return nullptr;
  switch (NumberKind(s)) {
    case kInteger:
      if (auto v = ParseInt(s[0] == '+' ? s.substr(1) : s)) return *v;
      [[fallthrough]];
    case kFloat:
      if (auto v = ParseDouble(s)) return *v;
      break;
    case kNotANumber:
      break;
  }
  return s;
}

}  // namespace sluice::spec
