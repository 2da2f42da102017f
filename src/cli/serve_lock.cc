#include "cli/serve_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fs.h"
#include "common/strings.h"
#include "reconcile/controller.h"

namespace sluice::cli {

Result<DataDirLock> LockDataDir(const std::filesystem::path& dir) {
  std::filesystem::path path = dir / "serve.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error{.code = ErrorCode::kFailedPrecondition,
                 .message = "cannot open " + path.string() + ": " + std::strerror(errno),
                 .where = path.string(),
                 .hint = "check the data directory's permissions"};
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK) {
      return Error{.code = ErrorCode::kAlreadyExists,
                   .message = "another sluice serve uses the data directory " + dir.string(),
                   .where = path.string(),
                   .hint = "stop it, or give this server its own --data-dir"};
    }
    return Error{.code = ErrorCode::kFailedPrecondition,
                 .message = "cannot lock " + path.string() + ": " + std::strerror(err),
                 .where = path.string()};
  }
  DataDirLock lock{.fd = fd};
  std::filesystem::path id_file = dir / "replica-id";
  auto id = ReadFile(id_file, 4096);
  if (id.ok()) lock.replica_id = std::string(Trim(*id));
  if (lock.replica_id.empty()) {
    lock.replica_id = reconcile::NewReplicaId();
    Status written = WriteFileAtomic(id_file, lock.replica_id + "\n");
    if (!written.ok()) {
      close(fd);
      return std::move(written).error();
    }
  }
  return lock;
}

}  // namespace sluice::cli
