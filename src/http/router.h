// Maps method + path pattern to a handler. Patterns are literal segments, "{name}" for one
// segment and "{name...}" (last only) for the rest of the path.
#pragma once

#include <string>
#include <vector>

#include "http/message.h"

namespace sluice::http {

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
  };

  void Add(std::string method, std::string pattern, Handler handler);
  // Used when no pattern matches the path (static files, say); default: 404.
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // Fills req.params and req.route, then calls the handler; 404 or 405 with the
  // JSON error shape when nothing matches.
  Response Dispatch(Request& req) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  Handler fallback_;
};

// True if the path matches the pattern; fills params (decoded) when it does.
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::map<std::string, std::string>* params);

}  // namespace sluice::http
