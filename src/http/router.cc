#include "http/router.h"

#include "common/strings.h"

namespace sluice::http {

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params) {
  std::vector<std::string> pat = Split(pattern, '/');
  std::vector<std::string> seg = Split(path, '/');
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < pat.size(); ++i) {
    const std::string& p = pat[i];
    bool is_param = p.size() > 2 && p.front() == '{' && p.back() == '}';
    if (is_param && p.ends_with("...}")) {
      if (i >= seg.size()) return false;
      std::vector<std::string> rest(seg.begin() + static_cast<long>(i), seg.end());
      std::string joined = Join(rest, "/");
      if (joined.empty()) return false;
      found[p.substr(1, p.size() - 5)] = PercentDecode(joined);
      if (params) *params = std::move(found);
      return true;
    }
    if (i >= seg.size()) return false;
    if (is_param) {
      if (seg[i].empty()) return false;
      found[p.substr(1, p.size() - 2)] = PercentDecode(seg[i]);
    } else if (p != seg[i]) {
      return false;
    }
  }
  if (pat.size() != seg.size()) return false;
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
