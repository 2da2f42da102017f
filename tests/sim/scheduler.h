// One thread that runs every timer and queued task of the simulator, so thousands of
// simulated clusters cost no thread each.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace sluice::sim {

class Scheduler {
 public:
  using Clock = std::chrono::steady_clock;
  Scheduler();
  ~Scheduler();  // stops; tasks not yet run are dropped

  uint64_t Post(std::function<void()> task) {
    return After(std::chrono::milliseconds(0), std::move(task));
  }
  uint64_t After(std::chrono::milliseconds delay, std::function<void()> task);
  void Cancel(uint64_t id);
  void Stop();
  // Blocks until every task due now has run (tests use it to let controllers settle).
  void Drain();
  size_t pending() const;

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::multimap<Clock::time_point, uint64_t> due_;
  std::map<uint64_t, std::pair<Clock::time_point, std::function<void()>>> tasks_;
  uint64_t next_id_ = 0;
  bool running_task_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::sim
