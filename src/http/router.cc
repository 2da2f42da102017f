#include "http/router.h"

#include "common/strings.h"

namespace sluice::http {

// Segment by segment, without splitting either into strings (every route is tried on
// every request).
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  constexpr auto npos = std::string_view::npos;
  std::map<std::string, std::string> found;
  size_t pattern_at = 0, path_at = 0;
  bool path_left = true;
  while (true) {
    size_t pattern_end = pattern.find('/', pattern_at);
    std::string_view p =
        pattern.substr(pattern_at, pattern_end == npos ? npos : pattern_end - pattern_at);
    bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (is_param && p.ends_with("...}")) {
      if (!path_left) return false;
      std::string_view rest = path.substr(path_at);
      if (rest.empty()) return false;
      found[std::string(p.substr(1, p.size() - 5))] = PercentDecode(rest);
      if (params) *params = std::move(found);
      return true;
    }
    if (!path_left) return false;
    size_t path_end = path.find('/', path_at);
    std::string_view seg = path.substr(path_at, path_end == npos ? npos : path_end - path_at);
    if (is_param) {
      if (seg.empty()) return false;
      found[std::string(p.substr(1, p.size() - 2))] = PercentDecode(seg);
    } else if (p != seg) {
      return false;
    }
    if (path_end == npos) {
      path_left = false;
    } else {
      path_at = path_end + 1;
    }
    if (pattern_end == npos) break;
    pattern_at = pattern_end + 1;
  }
  if (path_left) return false;  // the path has more segments
  if (params) *params = std::move(found);
  return true;
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  routes_.push_back({std::move(method), std::move(pattern), std::move(handler)});
}

Response Router::Dispatch(Request& req) const {
  bool path_matched = false;
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!MatchPattern(route.pattern, req.path, &params)) continue;
    path_matched = true;
    if (route.method != method) {
      allowed.push_back(route.method);
      continue;
    }
    req.params = std::move(params);
    req.route = route.pattern;
    return route.handler(req);
  }
  if (path_matched) {
    Response r =
        Response::Error(405, "method_not_allowed", req.method + " is not allowed on " + req.path,
                        {{"allowed", allowed}});
    r.headers["Allow"] = Join(allowed, ", ");
    return r;
  }
  if (fallback_) return fallback_(req);
  return Response::Error(404, "not_found", "no route for " + req.method + " " + req.path);
}

}  // namespace sluice::http
