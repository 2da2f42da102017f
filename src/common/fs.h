// File-system helpers with errors that name the path and the reason.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/result.h"

namespace sluice {

Result<std::string> ReadFile(const std::filesystem::path& path, size_t max_bytes = 64u << 20);
// Writes to a temporary file beside `path`, fsyncs, then renames over it.
Status WriteFileAtomic(const std::filesystem::path& path, std::string_view contents,
                       int mode = 0644);
// Creates the directory if needed and proves it is writable by creating a file in it.
Status EnsureWritableDirectory(const std::filesystem::path& dir);
// base / relative, refusing absolute paths, "..", and symlinks that leave `base`.
Result<std::filesystem::path> ConfinedPath(const std::filesystem::path& base,
                                           std::string_view relative);

}  // namespace sluice
