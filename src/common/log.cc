#include "common/log.h"

#include <atomic>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/redact.h"
#include "common/time.h"

namespace sluice::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<bool> g_json{true};
std::mutex g_sink_mu;
std::function<void(std::string_view)> g_sink;

std::shared_ptr<spdlog::logger> StderrLogger() {
  static auto logger = [] {
    auto l = std::make_shared<spdlog::logger>("sluice",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return logger;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

void Emit(const std::string& line) {
  {
    std::lock_guard lock(g_sink_mu);
    if (g_sink) {
      g_sink(line);
      return;
    }
  }
  StderrLogger()->info(line);
}

std::string TextValue(const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s.find_first_of(" \"=") == std::string::npos && !s.empty()) return s;
  }
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Result<Level> ParseLevel(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn" || text == "warning") return Level::kWarn;
  if (text == "error") return Level::kError;
  if (text == "off") return Level::kOff;
  return InvalidArgument("unknown log level \"" + std::string(text) + "\"")
      .Hint("use debug, info, warn, error or off");
}

void Configure(const Options& options) {
  g_level = static_cast<int>(options.level);
  g_json = options.json;
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_level.load();
}

void SetSink(std::function<void(std::string_view)> sink) {
  std::lock_guard lock(g_sink_mu);
  g_sink = std::move(sink);
}

Line::Line(Level level, std::string_view message)
    : level_(level), enabled_(Enabled(level)), fields_(nlohmann::json::object()) {
  if (!enabled_) return;
  fields_["ts"] = FormatRfc3339(NowMillis());
  fields_["level"] = LevelName(level);
  fields_["msg"] = std::string(message);
}

Line& Line::With(std::string_view key, nlohmann::json value) {
  if (!enabled_) return *this;
  if (IsSecretKey(key) && !value.is_null()) value = std::string(kRedacted);
  fields_[std::string(key)] = std::move(value);
  return *this;
}

Line& Line::With(const sluice::Error& error) {
  if (!enabled_) return *this;
  fields_["error"] = error.ToString();
  fields_["error_code"] = std::string(ErrorCodeName(error.code));
  return *this;
}

Line::~Line() {
  if (!enabled_) return;
  if (g_json) {
    Emit(fields_.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  std::string line = fields_["ts"].get<std::string>() + " " + LevelName(level_) + " " +
                     fields_["msg"].get<std::string>();
  for (auto it = fields_.begin(); it != fields_.end(); ++it) {
    if (it.key() == "ts" || it.key() == "level" || it.key() == "msg") continue;
    line += " " + it.key() + "=" + TextValue(it.value());
  }
  Emit(line);
}

}  // namespace sluice::log
