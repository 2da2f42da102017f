// Structured logging: one JSON object per line on stderr (or key=value text for people).
//
//   log::Info("http.request").With("method", "GET").With("status", 200);
//
// The line is written when the temporary goes out of scope. Fields whose key names a
// secret (see redact.h) are masked.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace sluice::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

struct Options {
  Level level = Level::kInfo;
  bool json = true;
};

Result<Level> ParseLevel(std::string_view text);
void Configure(const Options& options);
bool Enabled(Level level);
// Replaces the output (stderr) with a callback; for tests. Pass nullptr to restore.
void SetSink(std::function<void(std::string_view line)> sink);

class Line {
 public:
  Line(Level level, std::string_view message);
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;

  Line& With(std::string_view key, nlohmann::json value);
  Line& With(const Error& error);

 private:
  Level level_;
  bool enabled_;
  nlohmann::json fields_;
};

inline Line Debug(std::string_view m) {
  return Line(Level::kDebug, m);
}
inline Line Info(std::string_view m) {
  return Line(Level::kInfo, m);
}
inline Line Warn(std::string_view m) {
  return Line(Level::kWarn, m);
}
inline Line Error(std::string_view m) {
  return Line(Level::kError, m);
}

}  // namespace sluice::log
