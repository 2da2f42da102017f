#include "store/database.h"

#include <thread>

namespace sluice::store {

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (auto* p = std::get_if<int64_t>(&v)) return *p;
  if (auto* p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto* p = std::get_if<std::string>(&v)) return std::strtoll(p->c_str(), nullptr, 10);
  return 0;
}

double Row::Double(size_t i) const {
  const Value& v = values_.at(i);
  if (auto* p = std::get_if<double>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto* p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (auto* p = std::get_if<std::string>(&v)) return *p;
  if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto* p = std::get_if<double>(&v)) return std::to_string(*p);
  return "";
}

std::string MaskDatabaseUrl(std::string_view url) {
  std::string s(url);
  size_t scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  size_t at = s.find('@', scheme + 3);
  size_t colon = s.find(':', scheme + 3);
  if (at != std::string::npos && colon != std::string::npos && colon < at) {
    s.replace(colon + 1, at - colon - 1, "******");
  }
  size_t q = s.find("password=");
  if (q != std::string::npos) {
    size_t end = s.find('&', q);
    s.replace(q + 9, (end == std::string::npos ? s.size() : end) - q - 9, "******");
  }
  return s;
}

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path, int pool_size);
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& url, int pool_size);

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url, int pool_size) {
  if (url.starts_with("sqlite://")) {
    std::string path = url.substr(9);
    if (path.empty()) {
      return InvalidArgument("sqlite URL has no path")
          .At(url)
          .Hint("write sqlite:///abs/path.db or sqlite://relative.db");
    }
    return OpenSqlite(path, pool_size);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return OpenPostgres(url, pool_size);
  }
  return InvalidArgument("unsupported database URL")
      .At(MaskDatabaseUrl(url))
      .Hint("use sqlite:///PATH or postgresql://USER@HOST:PORT/DB");
}

}  // namespace sluice::store
