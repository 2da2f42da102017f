#include "cli/output.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <ostream>

#include "common/strings.h"

namespace sluice::cli {
namespace {

using json = nlohmann::json;

std::string Scalar(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::vector<std::string> parts;
    for (const auto& x : v)
      parts.push_back(Scalar(x));
    return parts.empty() ? "-" : Join(parts, ",");
  }
  return v.dump();
}

void Emit(YAML::Emitter& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, x] : v.items()) {
        out << YAML::Key << k << YAML::Value;
        Emit(out, x);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& x : v)
        Emit(out, x);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      // Keep strings that look like other types strings when read back.
      bool ambiguous = s.empty() || s == "true" || s == "false" || s == "null" || s == "~" ||
                       ParseDouble(s).has_value();
      if (ambiguous) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case json::value_t::null:
      out << YAML::Null;
      break;
    case json::value_t::boolean:
      out << v.get<bool>();
      break;
    default:
      out << v.dump();
      break;
  }
}

json FromYaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      json o = json::object();
      for (const auto& e : n)
        o[e.first.as<std::string>()] = FromYaml(e.second);
      return o;
    }
    case YAML::NodeType::Sequence: {
      json a = json::array();
      for (const auto& e : n)
        a.push_back(FromYaml(e));
      return a;
    }
    case YAML::NodeType::Scalar: {
      std::string s = n.Scalar();
      if (n.Tag() == "!") return s;  // quoted
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      if (s == "null" || s == "~") return nullptr;
      if (auto i = ParseInt(s)) return *i;
      if (s.find_first_of(".eE") != std::string::npos) {
        if (auto d = ParseDouble(s)) return *d;
      }
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<OutputFormat> ParseOutputFormat(const std::string& text) {
  if (text == "table") return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  return InvalidArgument("unknown output format " + Quote(text)).Hint("use table, json or yaml");
}

Column Field(std::string header, std::string path) {
  return {std::move(header), [path = std::move(path)](const json& item) {
            const json* at = &item;
            for (const auto& part : Split(path, '.')) {
              if (!at->is_object() || !at->contains(part)) return std::string("-");
              at = &(*at)[part];
            }
            return Scalar(*at);
          }};
}

void PrintList(std::ostream& out, OutputFormat format, const json& items,
               const std::vector<Column>& columns) {
  if (format == OutputFormat::kJson) {
    out << items.dump(2) << "\n";
    return;
  }
  if (format == OutputFormat::kYaml) {
    out << ToYaml(items);
    return;
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> width;
  rows.emplace_back();
  for (const auto& c : columns) {
    rows[0].push_back(c.header);
    width.push_back(c.header.size());
  }
  for (const auto& item : items) {
    rows.emplace_back();
    for (size_t i = 0; i < columns.size(); ++i) {
      rows.back().push_back(columns[i].value(item));
      width[i] = std::max(width[i], rows.back().back().size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 3, ' ');
    }
    out << line << "\n";
  }
}

void PrintObject(std::ostream& out, OutputFormat format, const json& object) {
  if (format == OutputFormat::kJson) {
    out << object.dump(2) << "\n";
    return;
  }
  out << ToYaml(object);
}

std::string ToYaml(const json& value) {
  YAML::Emitter out;
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

Result<std::vector<json>> YamlDocumentsToJson(const std::string& text, const std::string& where) {
  try {
    std::vector<json> out;
    for (const auto& doc : YAML::LoadAll(text)) {
      if (!doc.IsNull()) out.push_back(FromYaml(doc));
    }
    return out;
  } catch (const YAML::Exception& e) {
    return InvalidArgument("invalid YAML: " + e.msg)
        .At(where + ":" + std::to_string(e.mark.line + 1) + ":" +
            std::to_string(e.mark.column + 1));
  }
}

Result<json> YamlToJson(const std::string& text, const std::string& where) {
  SLUICE_ASSIGN_OR_RETURN(auto docs, YamlDocumentsToJson(text, where));
  if (docs.empty()) return json(nullptr);
  return docs.front();
}

}  // namespace sluice::cli
