// What Flink's client ships from its own conf directory: the distribution's default
// configuration and log4j-console.properties. The ConfigMap Sluice writes hides the
// image's conf directory, exactly as Flink's, so it must carry them (Java 17's
// env.java.opts.all included). Derived from reference/flink-dist-conf into defaults/
// (regenerated and checked by tests/deploy) and compiled in.
#pragma once

#include <map>
#include <string>

#include "flinkconf/config_file.h"
#include "flinkconf/version.h"

namespace sluice::deploy {

struct DistributionDefaults {
  flinkconf::FlatConfig config;              // the distribution's conf file, flattened
  std::map<std::string, std::string> files;  // log4j-console.properties
  std::string source;                        // which reference version stands in
};

// 1.17-1.18: the 1.17 file (plus, from 1.18 on, the Java 17 env.java.opts.all of 1.20);
// 1.19-1.20: 1.20; 2.x: 2.2. log4j-console.properties: 1.20's for 1.x, 2.2's for 2.x.
DistributionDefaults DefaultsFor(const flinkconf::FlinkVersion& version);

// The embedded file by name (defaults/<name>), "" when absent; for the tests.
std::string EmbeddedDefault(const std::string& name);

}  // namespace sluice::deploy
