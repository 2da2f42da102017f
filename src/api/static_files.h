// Serves the built web UI from a directory: files by path (confined to the directory),
// index.html for the application's own routes, long caching for hashed assets.
#pragma once

#include <filesystem>

#include "http/message.h"

namespace sluice::api {

http::Response ServeStatic(const std::filesystem::path& root, const http::Request& req);

}  // namespace sluice::api
