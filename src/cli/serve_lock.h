// One `sluice serve` per data directory. The lock is an flock on <data-dir>/serve.lock,
// held for the life of the process and released by the kernel however it ends (SIGKILL
// included). Holding it, the process can reuse the replica id kept in the directory: after
// a crash, the restarted server takes its own job leases back at once instead of waiting
// for them to expire (a new id would wait up to --reconcile-lease before acting).
#pragma once

#include <filesystem>
#include <string>

#include "common/result.h"

namespace sluice::cli {

struct DataDirLock {
  int fd = -1;             // kept open until exit
  std::string replica_id;  // from <data-dir>/replica-id, created the first time
};

// kAlreadyExists when another process holds the directory.
Result<DataDirLock> LockDataDir(const std::filesystem::path& dir);

}  // namespace sluice::cli
