// Answers rendered once and kept: the JSON of a job in lists (keyed by what changes it) and
// the analysis of a SQL script (a pure function of the script and the Flink version). A
// least-recently-used map bounded by bytes; thread-safe.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sluice::api {

class RenderCache {
 public:
  explicit RenderCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The value stored under `key`, or null.
  std::shared_ptr<const std::string> Get(const std::string& key);
  // Stores a value (replacing any), evicting the least recently used beyond the bound; a
  // value larger than the whole bound is not kept.
  std::shared_ptr<const std::string> Put(const std::string& key, std::string value);

  size_t bytes() const;
  size_t size() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> value;
  };
  static size_t Cost(const Entry& e) { return e.key.size() + e.value->size() + 64; }

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
};

}  // namespace sluice::api
