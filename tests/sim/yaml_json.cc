#include "sim/yaml_json.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>

namespace sluice::sim {
namespace {

using nlohmann::json;

json Scalar(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return s;
  static const std::regex int_re("^[-+]?(0|[1-9][0-9]*)$");
  static const std::regex float_re("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
  if (s == "null" || s == "Null" || s == "NULL" || s == "~" || s.empty()) return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (std::regex_match(s, int_re)) {
    try {
      return std::stoll(s);
    } catch (const std::exception&) {
      return s;
    }
  }
  if (std::regex_match(s, float_re)) return std::strtod(s.c_str(), nullptr);
  return s;
}

json Convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return Scalar(node);
    case YAML::NodeType::Sequence: {
      json arr = json::array();
      for (const auto& item : node)
        arr.push_back(Convert(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      json obj = json::object();
      for (const auto& kv : node)
        obj[kv.first.as<std::string>()] = Convert(kv.second);
      return obj;
    }
    default:
      return nullptr;
  }
}

Error YamlError(const YAML::Exception& e) {
  return InvalidArgument("YAML: " + e.msg)
      .At("line " + std::to_string(e.mark.line + 1) + ", column " +
          std::to_string(e.mark.column + 1));
}

}  // namespace

Result<json> YamlToJson(const std::string& text) {
  try {
    return Convert(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return YamlError(e);
  }
}

Result<std::vector<json>> YamlDocumentsToJson(const std::string& text) {
  try {
    std::vector<json> out;
    for (const auto& doc : YAML::LoadAll(text)) {
      if (doc.IsNull()) continue;
      out.push_back(Convert(doc));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return YamlError(e);
  }
}

}  // namespace sluice::sim
