#include "spec/names.h"

#include <cctype>
#include <cstdio>

#include "common/strings.h"

namespace sluice::spec {
namespace {

bool Lower(char c) {
  return c >= 'a' && c <= 'z';
}
bool Digit(char c) {
  return c >= '0' && c <= '9';
}
bool Alnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// DNS-1123 subdomain, for label key prefixes.
bool IsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  for (const auto& part : Split(s, '.')) {
    if (part.empty() || part.size() > 63) return false;
    if (!Alnum(part.front()) || !Alnum(part.back())) return false;
    for (char c : part) {
      if (!(Lower(c) || Digit(c) || c == '-')) return false;
    }
  }
  return true;
}

}  // namespace

bool IsDns1035Label(std::string_view s) {
  if (s.empty() || s.size() > kMaxLabelLength || !Lower(s.front())) return false;
  if (!(Lower(s.back()) || Digit(s.back()))) return false;
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '-')) return false;
  }
  return true;
}

std::string Dns1035Problem(std::string_view s) {
  if (s.empty()) return "it is empty";
  if (s.size() > kMaxLabelLength) {
    return "it has " + std::to_string(s.size()) + " characters, more than " +
           std::to_string(kMaxLabelLength);
  }
  if (!Lower(s.front())) return "it must start with a lowercase letter";
  for (char c : s) {
    if (!(Lower(c) || Digit(c) || c == '-')) {
      return std::string("it contains ") + Quote(std::string(1, c)) +
             "; only lowercase letters, digits and '-' are allowed";
    }
  }
  if (!(Lower(s.back()) || Digit(s.back()))) return "it must end with a letter or digit";
  return "";
}

std::string SuggestDns1035(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = Lower(l) || Digit(l);
    if (ok) {
      out += l;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  while (!out.empty() && !Lower(out.front()))
    out.erase(out.begin());
  if (out.size() > kMaxLabelLength) out.resize(kMaxLabelLength);
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out;
}

std::string ClusterIdFor(std::string_view job_name) {
  if (IsDns1035Label(job_name) && job_name.size() <= kMaxClusterIdLength) {
    return std::string(job_name);
  }
  std::string base = SuggestDns1035(job_name);
  if (base.empty()) base = "job";
  constexpr size_t kHashPart = 9;  // "-" + 8 hex digits
  if (base.size() > kMaxClusterIdLength - kHashPart) base.resize(kMaxClusterIdLength - kHashPart);
  while (!base.empty() && base.back() == '-')
    base.pop_back();
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(Fnv1a64(job_name)));
  return base + "-" + std::string(hash, 8);
}

Status CheckClusterId(std::string_view id) {
  if (!IsDns1035Label(id)) {
    return InvalidArgument(Quote(id) + " is not a valid cluster id: " + Dns1035Problem(id))
        .Hint("Flink cluster ids are DNS-1035 labels, e.g. " +
              Quote(SuggestDns1035(id).empty() ? "my-job" : SuggestDns1035(id)));
  }
  if (id.size() > kMaxClusterIdLength) {
    return InvalidArgument(Quote(id) + " is not a valid cluster id: it has " +
                           std::to_string(id.size()) + " characters, Flink allows at most " +
                           std::to_string(kMaxClusterIdLength))
        .Hint("shorten it, or leave it out and let Sluice derive one from the job name");
  }
  return Status::Ok();
}

bool IsLabelValue(std::string_view s) {
  if (s.empty()) return true;
  if (s.size() > 63 || !Alnum(s.front()) || !Alnum(s.back())) return false;
  for (char c : s) {
    if (!(Alnum(c) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

bool IsLabelKey(std::string_view s) {
  size_t slash = s.find('/');
  std::string_view name = s;
  if (slash != std::string_view::npos) {
    if (!IsSubdomain(s.substr(0, slash))) return false;
    name = s.substr(slash + 1);
  }
  return !name.empty() && IsLabelValue(name);
}

bool IsEnvName(std::string_view s) {
  if (s.empty() || Digit(s.front())) return false;
  for (char c : s) {
    if (!(Alnum(c) || c == '_')) return false;
  }
  return true;
}

}  // namespace sluice::spec
