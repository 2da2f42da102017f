#include "flinkconf/config_file.h"

#include <yaml-cpp/yaml.h>

#include "common/redact.h"
#include "common/strings.h"
#include "flinkconf/values.h"
#include "flinkconf/yaml_text.h"

namespace sluice::flinkconf {
namespace {

std::string Where(std::string_view source, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(source);
  return std::string(source) + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

std::string ScalarText(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "";
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

std::string SequenceValue(const YAML::Node& seq) {
  std::vector<std::string> elements;
  for (const auto& item : seq) {
    if (item.IsMap()) {
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& kv : item)
        entries.emplace_back(ScalarText(kv.first), ScalarText(kv.second));
      elements.push_back(JoinMap(entries));
    } else {
      elements.push_back(ScalarText(item));
    }
  }
  return JoinList(elements);
}

bool IsMapOption(const Catalog* catalog, const std::string& key) {
  if (!catalog) return false;
  const Option* o = catalog->Find(key);
  return o && o->type == OptionType::kMap;
}

void Flatten(const YAML::Node& map, const std::string& prefix, std::string_view source,
             const Catalog* catalog, ConfigEntries& out) {
  for (const auto& kv : map) {
    std::string key = prefix + ScalarText(kv.first);
    const YAML::Node& value = kv.second;
    if (value.IsMap() && value.size() > 0 && !IsMapOption(catalog, key)) {
      Flatten(value, key + ".", source, catalog, out);
      continue;
    }
    ConfigEntry e;
    e.key = key;
    e.where = Where(source, kv.first.Mark());
    if (value.IsSequence()) {
      e.value = SequenceValue(value);
    } else if (value.IsMap()) {
      std::vector<std::pair<std::string, std::string>> entries;
      for (const auto& entry : value) {
        entries.emplace_back(ScalarText(entry.first), ScalarText(entry.second));
      }
      e.value = JoinMap(entries);
    } else {
      e.value = ScalarText(value);
    }
    out.push_back(std::move(e));
  }
}

std::string FlowList(const std::vector<std::string>& items) {
  return "[" + Join(items, ", ") + "]";
}

std::string FlowMap(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : entries)
    parts.push_back(YamlFlowScalar(k) + ": " + YamlFlowScalar(v));
  return "{" + Join(parts, ", ") + "}";
}

// The YAML text of one value, by the option's type.
std::string RenderValue(const Option* option, const std::string& value) {
  if (!option) return YamlScalar(value);
  switch (option->type) {
    case OptionType::kList: {
      if (Trim(value).empty()) return "[]";
      auto elements = SplitEscaped(value, ';');
      if (!elements.ok()) return YamlScalar(value);
      std::vector<std::string> items;
      for (const auto& e : *elements) {
        if (option->element_type == OptionType::kMap) {
          auto entries = ParseMap(e);
          if (!entries.ok()) return YamlScalar(value);
          items.push_back(FlowMap(*entries));
        } else {
          items.push_back(YamlFlowScalar(e));
        }
      }
      return FlowList(items);
    }
    case OptionType::kMap: {
      auto entries = ParseMap(value);
      if (!entries.ok()) return YamlScalar(value);
      return FlowMap(*entries);
    }
    case OptionType::kBoolean:
    case OptionType::kInteger:
    case OptionType::kLong:
    case OptionType::kFloat:
    case OptionType::kDouble: {
      std::string t(Trim(value));
      // A valid number or boolean may stay plain; anything else must stay the string it is.
      if (CheckValue(*option, t).ok() && !t.empty() && t == value) return t;
      return YamlScalar(value);
    }
    default:
      return YamlScalar(value);
  }
}

}  // namespace

FlatConfig Effective(const ConfigEntries& entries) {
  FlatConfig out;
  for (const auto& e : entries)
    out[e.key] = e.value;
  return out;
}

ConfigEntries ToEntries(const FlatConfig& config, std::string_view where_prefix) {
  ConfigEntries out;
  for (const auto& [k, v] : config) {
    out.push_back({k, v, where_prefix.empty() ? k : std::string(where_prefix) + k});
  }
  return out;
}

ConfigFormat FormatFor(const FlinkVersion& version) {
  return version.AtLeast(1, 19) ? ConfigFormat::kConfigYaml : ConfigFormat::kFlinkConfYaml;
}

std::string_view FileName(ConfigFormat format) {
  return format == ConfigFormat::kConfigYaml ? "config.yaml" : "flink-conf.yaml";
}

ParsedConfig ParseFlinkConfYaml(std::string_view text, std::string_view source) {
  ParsedConfig out;
  std::vector<std::string> lines = Split(text, '\n');
  for (size_t n = 0; n < lines.size(); ++n) {
    std::string where = std::string(source) + ":" + std::to_string(n + 1);
    std::string_view line = lines[n];
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    if (Trim(line).empty()) continue;
    size_t sep = line.find(": ");
    if (sep == std::string_view::npos) {
      out.findings.push_back({Severity::kWarning, "syntax", "", where,
                              "Flink skips this line: it has no \": \" between key and value",
                              "write key: value (a space after the colon)"});
      continue;
    }
    std::string key(Trim(line.substr(0, sep)));
    std::string value(Trim(line.substr(sep + 2)));
    if (key.empty() || value.empty()) {
      out.findings.push_back({Severity::kWarning, "syntax", key, where,
                              "Flink skips this line: the key or the value is empty",
                              "write key: value"});
      continue;
    }
    out.entries.push_back({std::move(key), std::move(value), where + ":1"});
  }
  return out;
}

Result<ParsedConfig> ParseConfigYaml(std::string_view text, std::string_view source,
                                     const Catalog* catalog) {
  ParsedConfig out;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument("not valid YAML: " + e.msg)
        .At(Where(source, e.mark))
        .Hint(
            "config.yaml is standard YAML; quote values that contain ': ' or start with a "
            "special character");
  }
  if (!root.IsDefined() || root.IsNull()) return out;
  if (!root.IsMap()) {
    return InvalidArgument("the top level must be a mapping of keys to values")
        .At(Where(source, root.Mark()));
  }
  Flatten(root, "", source, catalog, out.entries);
  return out;
}

Result<ParsedConfig> ParseConfigFile(ConfigFormat format, std::string_view text,
                                     std::string_view source, const Catalog* catalog) {
  if (format == ConfigFormat::kConfigYaml) return ParseConfigYaml(text, source, catalog);
  return ParseFlinkConfYaml(text, source);
}

Result<std::string> RenderFlinkConfYaml(const FlatConfig& config) {
  std::string out;
  for (const auto& [key, value] : config) {
    auto unwritable = [&](std::string_view why) {
      return InvalidArgument("cannot write " + Quote(key) +
                             " to flink-conf.yaml: " + std::string(why))
          .Hint("use config.yaml (Flink 1.19 and later), which can hold any value");
    };
    if (key.find(": ") != std::string::npos || key.find('#') != std::string::npos ||
        key.find('\n') != std::string::npos || Trim(key) != key || key.empty()) {
      return unwritable("the key contains ': ', '#', a line break or surrounding spaces");
    }
    if (value.find('#') != std::string::npos || value.find('\n') != std::string::npos ||
        value.find('\r') != std::string::npos) {
      return unwritable("the value contains '#' or a line break, which the legacy format cuts");
    }
    if (Trim(value) != value) return unwritable("the value has surrounding spaces");
    out += key + ": " + value + "\n";
  }
  return out;
}

std::string RenderConfigYaml(const FlatConfig& config, const Catalog& catalog) {
  std::string out;
  for (const auto& [key, value] : config) {
    KeyInfo info = catalog.Lookup(key);
    const Option* option =
        info.kind == KeyKind::kMapEntry || info.kind == KeyKind::kPattern ? nullptr : info.option;
    out += YamlScalar(key) + ": " + RenderValue(option, value) + "\n";
  }
  return out;
}

Result<std::string> RenderConfigFile(ConfigFormat format, const FlatConfig& config,
                                     const Catalog& catalog) {
  if (format == ConfigFormat::kConfigYaml) return RenderConfigYaml(config, catalog);
  return RenderFlinkConfYaml(config);
}

std::string RenderForPeople(const FlatConfig& config) {
  std::string out;
  for (const auto& [key, value] : config) {
    out += key + ": " + (IsSecretKey(key) ? std::string(kRedacted) : value) + "\n";
  }
  return out;
}

}  // namespace sluice::flinkconf
