// Knobs of the simulation that the command line sets and the admin API changes at run
// time: delays, image rules, checkpoint timing.
#pragma once

#include <chrono>
#include <mutex>
#include <regex>
#include <set>
#include <string>

namespace sluice::sim {

struct Timings {
  std::chrono::milliseconds startup_delay{
      2000};  // a pod from scheduled to running; a JobManager start
  std::chrono::milliseconds savepoint_duration{500};      // trigger to COMPLETED
  std::chrono::milliseconds slot_request_timeout{10000};  // Flink's slot.request.timeout, scaled
  std::chrono::milliseconds restart_delay{1000};          // between a job failure and its restart
  std::chrono::milliseconds default_checkpoint_interval{0};  // when the job sets none; 0 = off
  std::chrono::milliseconds operator_delay{200};             // operator reconcile steps
  std::chrono::milliseconds hang_timeout{30000};             // how long a "hang" fault holds a call
};

class Settings {
 public:
  Timings timings() const {
    std::lock_guard lock(mu_);
    return timings_;
  }
  void set_timings(const Timings& t) {
    std::lock_guard lock(mu_);
    timings_ = t;
  }
  // An image pulls unless it matches the bad-image pattern or, once a list of known
  // images is registered, is not on it.
  bool ImagePulls(const std::string& image) const;
  void set_bad_image_pattern(const std::string& pattern);
  std::string bad_image_pattern() const;
  void AddKnownImage(const std::string& image);
  void ClearKnownImages();
  std::set<std::string> known_images() const;
  bool strict_savepoints() const {
    std::lock_guard lock(mu_);
    return strict_savepoints_;
  }
  void set_strict_savepoints(bool on) {
    std::lock_guard lock(mu_);
    strict_savepoints_ = on;
  }

 private:
  mutable std::mutex mu_;
  Timings timings_;
  std::string bad_pattern_ =
      "(^|/)(bad|missing|nonexistent|does-not-exist)[-a-z0-9._]*(:|@|$)|:does-not-exist$";
  std::regex bad_re_{bad_pattern_};
  std::set<std::string> known_;
  bool strict_savepoints_ = false;
};

}  // namespace sluice::sim
