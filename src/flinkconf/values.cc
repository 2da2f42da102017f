#include "flinkconf/values.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "common/strings.h"

namespace sluice::flinkconf {
namespace {

struct Unit {
  std::string_view label;
  int64_t factor;
};

// Labels of Flink's TimeUtils.TimeUnit, in nanoseconds.
constexpr int64_t kNs = 1;
constexpr int64_t kUs = 1000 * kNs;
constexpr int64_t kMs = 1000 * kUs;
constexpr int64_t kSec = 1000 * kMs;
constexpr int64_t kMin = 60 * kSec;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;
constexpr Unit kTimeUnits[] = {
    {"d", kDay},           {"day", kDay},        {"days", kDay},       {"h", kHour},
    {"hour", kHour},       {"hours", kHour},     {"min", kMin},        {"m", kMin},
    {"minute", kMin},      {"minutes", kMin},    {"s", kSec},          {"sec", kSec},
    {"secs", kSec},        {"second", kSec},     {"seconds", kSec},    {"ms", kMs},
    {"milli", kMs},        {"millis", kMs},      {"millisecond", kMs}, {"milliseconds", kMs},
    {"\xc2\xb5s", kUs},    {"micro", kUs},       {"micros", kUs},      {"microsecond", kUs},
    {"microseconds", kUs}, {"ns", kNs},          {"nano", kNs},        {"nanos", kNs},
    {"nanosecond", kNs},   {"nanoseconds", kNs},
};

constexpr int64_t kKiB = 1024;
constexpr Unit kMemoryUnits[] = {
    {"b", 1},
    {"bytes", 1},
    {"k", kKiB},
    {"kb", kKiB},
    {"kibibytes", kKiB},
    {"m", kKiB* kKiB},
    {"mb", kKiB* kKiB},
    {"mebibytes", kKiB* kKiB},
    {"g", kKiB* kKiB* kKiB},
    {"gb", kKiB* kKiB* kKiB},
    {"gibibytes", kKiB* kKiB* kKiB},
    {"t", kKiB* kKiB* kKiB* kKiB},
    {"tb", kKiB* kKiB* kKiB* kKiB},
    {"tebibytes", kKiB* kKiB* kKiB* kKiB},
};

// Splits "<digits><space?><unit>" the way TimeUtils and MemorySize do.
Status SplitNumberUnit(std::string_view text, std::string_view what, std::string_view example,
                       uint64_t& number, std::string& unit) {
  std::string_view t = Trim(text);
  if (t.empty()) {
    return InvalidArgument("an empty value is not a " + std::string(what))
        .Hint("write e.g. " + std::string(example));
  }
  size_t pos = 0;
  while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9')
    ++pos;
  if (pos == 0) {
    return InvalidArgument(Quote(t) + " is not a " + std::string(what) +
                           ": it does not start with a number")
        .Hint("write e.g. " + std::string(example));
  }
  number = 0;
  for (size_t i = 0; i < pos; ++i) {
    if (number > (std::numeric_limits<uint64_t>::max() - 9) / 10 ||
        number * 10 + static_cast<uint64_t>(t[i] - '0') >
            static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidArgument(Quote(t) + " is not a " + std::string(what) +
                             ": the number does not fit in 64 bits");
    }
    number = number * 10 + static_cast<uint64_t>(t[i] - '0');
  }
  unit = ToLower(Trim(t.substr(pos)));
  return Status::Ok();
}

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  uint64_t number = 0;
  std::string unit;
  SLUICE_RETURN_IF_ERROR(SplitNumberUnit(text, "duration", "30 s, 5 min or 1 h", number, unit));
  int64_t factor = kMs;
  if (!unit.empty()) {
    factor = 0;
    for (const auto& u : kTimeUnits) {
      if (u.label == unit) factor = u.factor;
    }
    if (factor == 0) {
      return InvalidArgument(Quote(Trim(text)) + " is not a duration: unknown unit " + Quote(unit))
          .Hint("use ms, s, min, h or d (also ns, µs and the long forms), e.g. 30 s");
    }
  }
  int64_t nanos = 0;
  // Flink keeps durations beyond the nanosecond range; saturate instead of rejecting them.
  if (__builtin_mul_overflow(static_cast<int64_t>(number), factor, &nanos)) {
    nanos = std::numeric_limits<int64_t>::max();
  }
  return std::chrono::nanoseconds(nanos);
}

Result<uint64_t> ParseMemorySize(std::string_view text) {
  uint64_t number = 0;
  std::string unit;
  SLUICE_RETURN_IF_ERROR(
      SplitNumberUnit(text, "memory size", "512m, 1600m, 2g or 1024 mb", number, unit));
  int64_t factor = 1;
  if (!unit.empty()) {
    factor = 0;
    for (const auto& u : kMemoryUnits) {
      if (u.label == unit) factor = u.factor;
    }
    if (factor == 0) {
      return InvalidArgument(Quote(Trim(text)) + " is not a memory size: unknown unit " +
                             Quote(unit))
          .Hint("use b, k, m, g or t (also kb, mb, gb, tb), e.g. 1600m or 2g");
    }
  }
  int64_t bytes = 0;
  if (__builtin_mul_overflow(static_cast<int64_t>(number), factor, &bytes)) {
    return InvalidArgument(Quote(Trim(text)) + " is not a memory size: it does not fit in 64 bits");
  }
  return static_cast<uint64_t>(bytes);
}

std::string FormatMemorySize(uint64_t bytes) {
  static constexpr std::pair<uint64_t, const char*> kUnits[] = {{uint64_t{1} << 40, "t"},
                                                                {uint64_t{1} << 30, "g"},
                                                                {uint64_t{1} << 20, "m"},
                                                                {uint64_t{1} << 10, "k"}};
  if (bytes == 0) return "0b";
  for (const auto& [size, label] : kUnits) {
    if (bytes % size == 0) return std::to_string(bytes / size) + label;
  }
  return std::to_string(bytes) + "b";
}

Result<bool> ParseBoolean(std::string_view text) {
  std::string_view t = Trim(text);
  if (EqualsIgnoreCase(t, "true")) return true;
  if (EqualsIgnoreCase(t, "false")) return false;
  return InvalidArgument(Quote(t) + " is not a boolean").Hint("write true or false");
}

Result<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max) {
  std::string_view t = Trim(text);
  std::string_view digits = t;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  bool ok = !digits.empty();
  for (char c : digits)
    ok = ok && c >= '0' && c <= '9';
  std::string_view parse = !t.empty() && t[0] == '+' ? t.substr(1) : t;
  auto v = ok ? ParseInt(parse) : std::nullopt;
  if (!v) return InvalidArgument(Quote(t) + " is not a whole number");
  if (*v < min || *v > max) {
    return InvalidArgument(Quote(t) + " is out of range (" + std::to_string(min) + " to " +
                           std::to_string(max) + ")");
  }
  return *v;
}

Result<double> ParseFloating(std::string_view text) {
  std::string t(Trim(text));
  std::string_view s = t;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  if (s == "NaN") return std::nan("");
  if (s == "Infinity") return t[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  if (!s.empty() && (s.back() == 'd' || s.back() == 'D' || s.back() == 'f' || s.back() == 'F')) {
    s.remove_suffix(1);
  }
  size_t i = 0, digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
    ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++digits;
  }
  bool ok = digits > 0;
  if (ok && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      ++i, ++exp_digits;
    ok = exp_digits > 0;
  }
  if (!ok || i != s.size()) return InvalidArgument(Quote(t) + " is not a number");
  std::string plain(t.data(), static_cast<size_t>(s.data() - t.data()) + s.size());
  return std::strtod(plain.c_str(), nullptr);
}

Result<std::vector<std::string>> SplitEscaped(std::string_view text, char separator) {
  // Tokens: quoted ('...' or "...", a doubled quote is one quote), unquoted (trimmed,
  // up to the separator, no quotes inside) and separators; whitespace between tokens is
  // skipped. A quoted token must be followed by a separator or the end.
  enum class Kind { kQuoted, kUnquoted, kSeparator };
  std::vector<std::pair<Kind, std::string>> tokens;
  auto illegal = [&](size_t pos) {
    return InvalidArgument("cannot split " + Quote(text) + ": a quote at position " +
                           std::to_string(pos + 1) + " is not allowed there")
        .Hint("quote a whole element ('a;b'), and double a quote inside quotes");
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == separator) {
      tokens.emplace_back(Kind::kSeparator, "");
      ++i;
    } else if (c == '\'' || c == '"') {
      std::string content;
      size_t j = i + 1;
      bool closed = false;
      for (; j < text.size(); ++j) {
        if (text[j] != c) {
          content += text[j];
        } else if (j + 1 < text.size() && text[j + 1] == c) {
          content += c;
          ++j;
        } else {
          closed = true;
          break;
        }
      }
      if (!closed) {
        return InvalidArgument("cannot split " + Quote(text) + ": a quote is not closed")
            .Hint("close the quote, and double a quote character inside quotes");
      }
      tokens.emplace_back(Kind::kQuoted, std::move(content));
      i = j + 1;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else {
      size_t j = i;
      for (; j < text.size() && text[j] != separator; ++j) {
        if (text[j] == '\'' || text[j] == '"') return illegal(j);
      }
      tokens.emplace_back(Kind::kUnquoted, std::string(Trim(text.substr(i, j - i))));
      i = j;
    }
  }
  std::vector<std::string> out;
  for (size_t t = 0; t < tokens.size(); ++t) {
    bool next_is_separator = t + 1 < tokens.size() && tokens[t + 1].first == Kind::kSeparator;
    switch (tokens[t].first) {
      case Kind::kQuoted:
        if (t + 1 < tokens.size() && !next_is_separator) return illegal(0);
        out.push_back(tokens[t].second);
        break;
      case Kind::kUnquoted:
        out.push_back(tokens[t].second);
        break;
      case Kind::kSeparator:
        if (next_is_separator) out.emplace_back();
        break;
    }
  }
  return out;
}

namespace {
// StructuredOptionsSplitter.escapeWithSingleQuote.
std::string Escape(std::string_view s, std::string_view specials) {
  bool quote = s.find_first_of(specials) != std::string_view::npos ||
               s.find_first_of("'\"") != std::string_view::npos;
  if (!quote) return std::string(s);
  return "'" + ReplaceAll(std::string(s), "'", "''") + "'";
}
}  // namespace

std::string JoinList(const std::vector<std::string>& elements) {
  std::string out;
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i) out += ';';
    out += Escape(elements[i], ";");
  }
  return out;
}

std::string JoinMap(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    out += Escape(Escape(entries[i].first, ":") + ":" + Escape(entries[i].second, ":"), ",");
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseMap(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (Trim(text).empty()) return out;
  SLUICE_ASSIGN_OR_RETURN(auto entries, SplitEscaped(text, ','));
  for (const auto& e : entries) {
    SLUICE_ASSIGN_OR_RETURN(auto kv, SplitEscaped(e, ':'));
    if (kv.size() != 2) {
      return InvalidArgument(Quote(e) + " is not a key:value entry")
          .Hint("write a map as key1:value1,key2:value2, quoting entries that contain , or :");
    }
    out.emplace_back(kv[0], kv[1]);
  }
  return out;
}

namespace {

Status CheckScalar(const Option& option, OptionType type, std::string_view value) {
  switch (type) {
    case OptionType::kString:
      return Status::Ok();
    case OptionType::kBoolean: {
      auto r = ParseBoolean(value);
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kInteger: {
      auto r = ParseInteger(value, std::numeric_limits<int32_t>::min(),
                            std::numeric_limits<int32_t>::max());
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kLong: {
      auto r = ParseInteger(value, std::numeric_limits<int64_t>::min(),
                            std::numeric_limits<int64_t>::max());
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kFloat:
    case OptionType::kDouble: {
      auto r = ParseFloating(value);
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kDuration: {
      auto r = ParseDuration(value);
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kMemorySize: {
      auto r = ParseMemorySize(value);
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kEnum: {
      if (option.values.empty()) return Status::Ok();
      std::string_view t = Trim(value);
      for (const auto& v : option.values) {
        if (EqualsIgnoreCase(v, t)) return Status::Ok();
      }
      return InvalidArgument(Quote(t) + " is not one of " + Join(option.values, ", "))
          .Hint("Flink compares enum values ignoring case");
    }
    case OptionType::kMap: {
      auto r = ParseMap(value);
      return r.ok() ? Status::Ok() : Status(std::move(r).error());
    }
    case OptionType::kList:
      break;
  }
  return Status::Ok();
}

}  // namespace

Status CheckValue(const Option& option, std::string_view value) {
  if (option.type != OptionType::kList) return CheckScalar(option, option.type, value);
  if (Trim(value).empty()) return Status::Ok();
  SLUICE_ASSIGN_OR_RETURN(auto elements, SplitEscaped(value, ';'));
  for (const auto& e : elements) {
    Status s = CheckScalar(option, option.element_type, e);
    if (!s.ok()) {
      Error err = std::move(s).error();
      err.message = "list element " + err.message;
      if (err.hint.empty()) err.hint = "separate list elements with ;";
      return err;
    }
  }
  return Status::Ok();
}

}  // namespace sluice::flinkconf
