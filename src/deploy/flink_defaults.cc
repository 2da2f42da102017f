#include "deploy/flink_defaults.h"

#include <cstddef>

namespace sluice::deploy {
namespace internal {
struct EmbeddedFile {
  const char* name;
  const char* text;
  size_t size;
};
extern const EmbeddedFile kEmbeddedDefaults[];
extern const size_t kEmbeddedDefaultCount;
}  // namespace internal

std::string EmbeddedDefault(const std::string& name) {
  for (size_t i = 0; i < internal::kEmbeddedDefaultCount; ++i) {
    const auto& f = internal::kEmbeddedDefaults[i];
    if (name == f.name) return std::string(f.text, f.size);
  }
  return "";
}

namespace {

flinkconf::FlatConfig Conf(const std::string& name) {
  return flinkconf::Effective(flinkconf::ParseFlinkConfYaml(EmbeddedDefault(name), name).entries);
}

}  // namespace

DistributionDefaults DefaultsFor(const flinkconf::FlinkVersion& v) {
  DistributionDefaults d;
  if (v.major >= 2) {
    d.source = "2.2";
  } else if (v.AtLeast(1, 19)) {
    d.source = "1.20";
  } else {
    d.source = "1.17";
  }
  d.config = Conf("flink-" + d.source + ".conf");
  if (v.major == 1 && v.minor == 18) {
    // 1.18 supports Java 17 and ships its --add-opens flags; 1.17 does not.
    d.config["env.java.opts.all"] = Conf("flink-1.20.conf")["env.java.opts.all"];
  }
  d.files["log4j-console.properties"] = EmbeddedDefault(
      v.major >= 2 ? "log4j-console-2.2.properties" : "log4j-console-1.20.properties");
  return d;
}

}  // namespace sluice::deploy
