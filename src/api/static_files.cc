#include "api/static_files.h"

#include "common/fs.h"

namespace sluice::api {
namespace {

std::string ContentType(const std::filesystem::path& p) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"}};
  std::string ext = p.extension().string();
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  return "application/octet-stream";
}

http::Response FileResponse(const std::filesystem::path& file, bool immutable) {
  auto body = ReadFile(file);
  if (!body.ok()) return http::Response::Error(404, "not_found", "no such file");
  auto res = http::Response::Text(200, std::move(body).value(), ContentType(file));
  res.headers["Cache-Control"] = immutable ? "public, max-age=31536000, immutable" : "no-cache";
  res.headers["X-Content-Type-Options"] = "nosniff";
  return res;
}

}  // namespace

http::Response ServeStatic(const std::filesystem::path& root, const http::Request& req) {
  if (req.method != "GET" && req.method != "HEAD") {
    return http::Response::Error(405, "method_not_allowed", req.method + " is not allowed here");
  }
  if (req.path.starts_with("/api/")) {
    return http::Response::Error(404, "not_found", "no route for " + req.method + " " + req.path);
  }
  std::error_code ec;
  if (root.empty() || !std::filesystem::is_directory(root, ec)) {
    return http::Response::Error(404, "not_found", "the web UI is not installed on this server",
                                 {{"hint", "build it with `make run`, or pass --web-dir"}});
  }
  std::string rel = http::PercentDecode(req.path);
  while (!rel.empty() && rel.front() == '/')
    rel.erase(0, 1);
  if (!rel.empty()) {
    auto path = ConfinedPath(root, rel);
    if (!path.ok()) return http::Response::Error(404, "not_found", "no such file");
    if (std::filesystem::is_regular_file(*path, ec)) {
      return FileResponse(*path, rel.starts_with("assets/"));
    }
    // A missing file with an extension is a real 404; other paths are the UI's routes.
    if (std::filesystem::path(rel).has_extension()) {
      return http::Response::Error(404, "not_found", "no such file");
    }
  }
  return FileResponse(root / "index.html", false);
}

}  // namespace sluice::api
