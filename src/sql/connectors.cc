#include "sql/connectors.h"

#include <algorithm>

#include "common/strings.h"

namespace sluice::sql {
namespace {

struct ConnectorOptions {
  std::string_view name;
  std::vector<std::string> keys;
  std::vector<std::string_view> prefixes;  // open-ended families: properties.*, fields.*
};

const std::vector<ConnectorOptions>& Known() {
  static const auto* known = new std::vector<ConnectorOptions>{
      {"kafka",
       {"connector",
        "topic",
        "topic-pattern",
        "properties.bootstrap.servers",
        "properties.group.id",
        "format",
        "key.format",
        "key.fields",
        "key.fields-prefix",
        "value.format",
        "value.fields-include",
        "scan.startup.mode",
        "scan.startup.specific-offsets",
        "scan.startup.timestamp-millis",
        "scan.bounded.mode",
        "scan.bounded.specific-offsets",
        "scan.bounded.timestamp-millis",
        "scan.topic-partition-discovery.interval",
        "scan.parallelism",
        "sink.partitioner",
        "sink.semantic",
        "sink.delivery-guarantee",
        "sink.transactional-id-prefix",
        "sink.parallelism",
        "scan.watermark.idle-timeout",
        "scan.watermark.emit.strategy",
        "scan.watermark.alignment.group",
        "scan.watermark.alignment.max-drift",
        "scan.watermark.alignment.update-interval"},
       {"properties."}},
      {"upsert-kafka",
       {"connector", "topic", "properties.bootstrap.servers", "key.format", "key.fields-prefix",
        "value.format", "value.fields-include", "sink.parallelism", "sink.buffer-flush.max-rows",
        "sink.buffer-flush.interval", "sink.delivery-guarantee", "sink.transactional-id-prefix",
        "scan.parallelism"},
       {"properties."}},
      {"filesystem",
       {"connector",
        "path",
        "format",
        "source.monitor-interval",
        "source.report-statistics",
        "source.path.regex-pattern",
        "partition.default-name",
        "sink.rolling-policy.file-size",
        "sink.rolling-policy.rollover-interval",
        "sink.rolling-policy.check-interval",
        "sink.rolling-policy.inactivity-interval",
        "sink.parallelism",
        "auto-compaction",
        "compaction.file-size",
        "compaction.parallelism",
        "sink.partition-commit.trigger",
        "sink.partition-commit.delay",
        "sink.partition-commit.watermark-time-zone",
        "sink.partition-commit.policy.kind",
        "sink.partition-commit.policy.class",
        "sink.partition-commit.policy.class.parameters",
        "sink.partition-commit.success-file.name",
        "sink.shuffle-by-partition.enable",
        "partition.time-extractor.kind",
        "partition.time-extractor.class",
        "partition.time-extractor.timestamp-pattern",
        "partition.time-extractor.timestamp-formatter",
        "source.file-enumerator"},
       {}},
      {"jdbc",
       {"connector",
        "url",
        "table-name",
        "driver",
        "username",
        "password",
        "connection.max-retry-timeout",
        "scan.partition.column",
        "scan.partition.num",
        "scan.partition.lower-bound",
        "scan.partition.upper-bound",
        "scan.fetch-size",
        "scan.auto-commit",
        "lookup.cache",
        "lookup.partial-cache.max-rows",
        "lookup.partial-cache.expire-after-write",
        "lookup.partial-cache.expire-after-access",
        "lookup.partial-cache.cache-missing-key",
        "lookup.max-retries",
        "lookup.cache.max-rows",
        "lookup.cache.ttl",
        "lookup.cache.caching-missing-key",
        "sink.buffer-flush.max-rows",
        "sink.buffer-flush.interval",
        "sink.max-retries",
        "sink.parallelism",
        "compatible-mode",
        "filter.handling.policy"},
       {}},
      {"datagen",
       {"connector", "rows-per-second", "number-of-rows", "scan.parallelism"},
       {"fields."}},
      {"print", {"connector", "print-identifier", "standard-error", "sink.parallelism"}, {}},
      {"blackhole", {"connector"}, {}},
  };
  return *known;
}

const ConnectorOptions* Find(std::string_view connector) {
  for (const ConnectorOptions& c : Known()) {
    if (EqualsIgnoreCase(c.name, connector)) return &c;
  }
  return nullptr;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool IsBuiltinConnector(std::string_view connector) {
  return Find(connector) != nullptr;
}

std::string CheckConnectorOption(std::string_view connector, std::string_view key,
                                 const std::vector<std::string>& formats) {
  const ConnectorOptions* c = Find(connector);
  if (c == nullptr) return "";
  if (std::find(c->keys.begin(), c->keys.end(), key) != c->keys.end()) return "";
  for (std::string_view p : c->prefixes) {
    if (StartsWith(key, p)) return "";
  }
  for (const std::string& f : formats) {
    if (f.empty()) continue;
    for (std::string prefix : {f + ".", "key." + f + ".", "value." + f + "."}) {
      if (StartsWith(key, prefix)) return "";
    }
  }
  std::string message =
      "unknown option '" + std::string(key) + "' for connector '" + std::string(c->name) + "'";
  std::string close = ClosestMatch(key, c->keys);
  if (!close.empty()) message += "; did you mean '" + close + "'?";
  return message;
}

}  // namespace sluice::sql
