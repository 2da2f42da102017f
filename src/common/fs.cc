#include "common/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/ids.h"

namespace sluice {
namespace fs = std::filesystem;

namespace {
Error IoError(const fs::path& path, std::string what, int err) {
  return MakeError(ErrorCode::kFailedPrecondition, what + ": " + std::strerror(err))
      .At(path.string());
}
}  // namespace

Result<std::string> ReadFile(const fs::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    auto e = IoError(path, "cannot open", err);
    if (err == ENOENT) e.code = ErrorCode::kNotFound;
    return e;
  }
  std::string out;
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return IoError(path, "cannot read", err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return ResourceExhausted("file is larger than " + std::to_string(max_bytes) + " bytes")
          .At(path.string());
    }
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const fs::path& path, std::string_view contents, int mode) {
  fs::path tmp = path;
  tmp += ".tmp-" + RandomHex(4);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return IoError(tmp, "cannot create", errno);
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError(tmp, "cannot write", err);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(tmp, "cannot flush", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(path, "cannot replace", err);
  }
  return Status::Ok();
}

Status EnsureWritableDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return MakeError(ErrorCode::kFailedPrecondition, "cannot create directory: " + ec.message())
        .At(dir.string())
        .Hint("create it, or choose another with --data-dir");
  }
  if (!fs::is_directory(dir, ec)) {
    return MakeError(ErrorCode::kFailedPrecondition, "not a directory").At(dir.string());
  }
  fs::path probe = dir / (".write-test-" + RandomHex(4));
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return IoError(dir, "directory is not writable", errno)
        .Hint("fix its permissions, or choose another with --data-dir");
  }
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

Result<fs::path> ConfinedPath(const fs::path& base, std::string_view relative) {
  fs::path rel(relative);
  if (relative.empty() || rel.is_absolute()) {
    return InvalidArgument("path must be relative and not empty");
  }
  for (const auto& part : rel) {
    if (part == "..") return InvalidArgument("path must not contain \"..\"");
  }
  if (relative.find('\0') != std::string_view::npos) {
    return InvalidArgument("path must not contain NUL");
  }
  std::error_code ec;
  fs::path canonical_base = fs::weakly_canonical(base, ec);
  if (ec) return IoError(base, "cannot resolve", ec.value());
  fs::path full = fs::weakly_canonical(canonical_base / rel, ec);
  if (ec) return IoError(canonical_base / rel, "cannot resolve", ec.value());
  auto [b, f] =
      std::mismatch(canonical_base.begin(), canonical_base.end(), full.begin(), full.end());
  if (b != canonical_base.end()) return PermissionDenied("path leaves its directory");
  return full;
}

}  // namespace sluice
