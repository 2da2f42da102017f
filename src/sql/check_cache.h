// The check answer for an editor that sends the whole script on every keystroke: the
// results of each statement are kept (bounded, least recently used first out) under the
// statement's text and the options, so only new or edited statements are analyzed again.
// The answer is byte for byte the text of CheckJson(Check(script, options)) as
// nlohmann::json dumps it (dump(-1, ' ', false, error_handler_t::replace)).
//
// Why this is exact: a statement's parse and its diagnostics depend only on its own text
// and the options (positions are kept relative to its start and placed again per script);
// what depends on other statements (INSERT into a table defined elsewhere, no job at all)
// is computed per script from facts kept per statement (ScriptDiagnostics). Statements
// that do not parse are not kept (their messages carry line and column). Scripts with a
// lexical error, too large, or whose statements do not cut the same way on their own, are
// checked whole.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sql/analyzer.h"

namespace sluice::sql {

// The text of CheckJson(result), without building the JSON tree.
std::string CheckJsonText(const CheckResult& result);

class CheckCache {
 public:
  explicit CheckCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The text of CheckJson(Check(script, options)); thread-safe.
  std::string CheckJsonText(std::string_view script, const Options& options);

  size_t size() const;
  size_t bytes() const;
  // Statements analyzed (cache misses) and found (hits) so far.
  size_t analyzed() const;
  size_t reused() const;

  struct Outcome;

 private:
  std::shared_ptr<const Outcome> Get(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const Outcome> outcome);

  struct Entry {
    std::string key;
    std::shared_ptr<const Outcome> outcome;
    size_t cost = 0;
  };

  const size_t max_bytes_;
  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
  size_t analyzed_ = 0;
  size_t reused_ = 0;
};

}  // namespace sluice::sql
