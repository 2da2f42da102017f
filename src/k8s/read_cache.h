// A seam for serving reads from memory (observe::WatchCache keeps one per cluster from
// watches). Only reads that opt in use it (GetOptions / ListOptions allow_cached): the
// Observe paths of the deployers; every write and every read before a write (Submit's
// "does it exist?") goes to the API server, so a cache that lags behind a Create never
// makes anyone create a twin. A Get the cache answers "not found" is asked of the
// server again (read your own writes: a lagging cache never reports a new cluster gone).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "k8s/resource.h"

namespace sluice::k8s {

class ReadCache {
 public:
  virtual ~ReadCache() = default;
  // std::nullopt: not served here (the type or namespace is not watched, the cache has
  // not synced, or its watch failed and has not resumed); the client asks the server.
  // A served miss is a kNotFound error worded like the API server's.
  virtual std::optional<Result<nlohmann::json>> Get(const ResourceType& type, std::string_view ns,
                                                    std::string_view name) = 0;
  // Items of `type` in `ns` ("" = all namespaces) matching an equality-based label
  // selector ("a=b,c!=d,e"); nullopt for selectors it cannot evaluate.
  virtual std::optional<Result<std::vector<nlohmann::json>>> List(
      const ResourceType& type, std::string_view ns, std::string_view label_selector) = 0;
};

}  // namespace sluice::k8s
