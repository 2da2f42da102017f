#include "sim/scheduler.h"

#include "common/log.h"

namespace sluice::sim {

Scheduler::Scheduler() : thread_([this] { Loop(); }) {}

Scheduler::~Scheduler() {
  Stop();
}

void Scheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

uint64_t Scheduler::After(std::chrono::milliseconds delay, std::function<void()> task) {
  std::lock_guard lock(mu_);
  uint64_t id = ++next_id_;
  auto when = Clock::now() + delay;
  due_.emplace(when, id);
  tasks_.emplace(id, std::make_pair(when, std::move(task)));
  cv_.notify_all();
  return id;
}

void Scheduler::Cancel(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = tasks_.find(id);
  if (it == tasks_.end()) return;
  auto range = due_.equal_range(it->second.first);
  for (auto d = range.first; d != range.second; ++d) {
    if (d->second == id) {
      due_.erase(d);
      break;
    }
  }
  tasks_.erase(it);
}

size_t Scheduler::pending() const {
  std::lock_guard lock(mu_);
  return tasks_.size();
}

void Scheduler::Drain() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] {
    if (stop_) return true;
    if (running_task_) return false;
    return due_.empty() || due_.begin()->first > Clock::now();
  });
}

void Scheduler::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (due_.empty()) {
      idle_cv_.notify_all();
      cv_.wait(lock);
      continue;
    }
    auto first = due_.begin();
    if (first->first > Clock::now()) {
      idle_cv_.notify_all();
      auto when = first->first;  // a copy: Cancel may erase the entry while we wait
      cv_.wait_until(lock, when);
      continue;
    }
    uint64_t id = first->second;
    due_.erase(first);
    auto it = tasks_.find(id);
    if (it == tasks_.end()) continue;
    auto task = std::move(it->second.second);
    tasks_.erase(it);
    running_task_ = true;
    lock.unlock();
    try {
      task();
    } catch (const std::exception& e) {
      log::Error("sim.task_exception").With("exception", e.what());
    }
    lock.lock();
    running_task_ = false;
  }
  idle_cv_.notify_all();
}

}  // namespace sluice::sim
