#include "reconcile/plan.h"

#include <algorithm>

#include "common/time.h"
#include "deploy/request.h"
#include "flinkconf/values.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

bool TerminalJob(const std::string& s) {
  return s == "FINISHED" || s == "CANCELED" || s == "FAILED";
}

bool TerminalRow(const std::string& s) {
  return s == "COMPLETED" || s == "FAILED" || s == "DISPOSED";
}

std::string Seconds(int64_t ms) {
  return std::to_string((ms + 999) / 1000) + " s";
}

Result<int64_t> Millis(const std::string& text, const char* field) {
  auto d = flinkconf::ParseDuration(text);
  if (!d.ok()) return std::move(d).error().Context(field);
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d).count();
}

class Planner {
 public:
  Planner(const PlanInput& in, const PlanOptions& opt) : in_(in), opt_(opt), s_(d_.status) {}

  Decision Run() {
    const store::Job& job = in_.job;
    d_.state = job.state.empty() ? "DRAFT" : job.state;
    d_.status = in_.status;
    s_.observed_revision = job.revision;
    s_.observed_at = in_.now;
    d_.requeue = opt_.requeue_steady;
    ob_ = in_.observed ? &*in_.observed : nullptr;
    seen_ = ob_ ? ObservedState(*ob_, in_.policy.session) : "";
    Fold();
    AbandonOrphans();
    if (s_.step) {
      Continue(*s_.step);
    } else if (job.desired_state == "RUNNING") {
      WantRunning();
    } else {
      WantStopped();
    }
    return std::move(d_);
  }

 private:
  // ---- helpers ----
  void Event(const std::string& type, const std::string& reason, json details = json::object()) {
    d_.events.push_back(
        MakeEvent({in_.job.id, in_.now, opt_.actor}, type, d_.state, d_.state, reason, details));
  }

  void SetState(const std::string& to, const std::string& reason) {
    s_.reason = reason;
    if (to == d_.state) return;
    d_.events.push_back(
        MakeEvent({in_.job.id, in_.now, opt_.actor}, "state", d_.state, to, reason));
    d_.state = to;
  }

  void Say(const std::string& summary) {
    if (d_.summary.empty()) d_.summary = summary;
  }

  bool JobRunning() const {
    return ob_ && ob_->ok && ob_->o.exists && ob_->o.phase == "RUNNING" &&
           ob_->o.job_state == "RUNNING";
  }

  bool Gone() const { return seen_ == "GONE"; }

  // A session cluster stays when its job goes: the job is gone once it ended.
  bool SessionJobGone() const {
    return in_.policy.session && ob_ && ob_->ok &&
           (ob_->o.job_id.empty() || TerminalJob(ob_->o.job_state));
  }

  bool JobManagerAnswers() const {
    return ob_ && ob_->ok && ob_->o.exists && ob_->o.phase == "RUNNING" && !ob_->o.job_id.empty();
  }

  const store::Savepoint* Row(int64_t id) const {
    for (const auto& r : in_.savepoints)
      if (r.id == id) return &r;
    return nullptr;
  }

  std::pair<int64_t, int64_t> Wanted() const {
    const store::Job& job = in_.job;
    if (s_.deployed && job.spec_version == s_.failed_version &&
        job.restart_nonce == s_.failed_nonce) {
      return {s_.deployed_version, s_.deployed_restart_nonce};  // rolled back from it
    }
    return {job.spec_version, job.restart_nonce};
  }

  std::string ExplicitRestore() const {
    const std::string& p = in_.job.restore_path;
    return !p.empty() && p != s_.consumed_restore_path ? p : "";
  }

  // Where a (re)deploy takes its state from, when no step chose it already.
  std::string ChooseRestore(const std::string& purpose) const {
    if (std::string p = ExplicitRestore(); !p.empty()) return p;
    const Policy& p = in_.policy;
    if (purpose == "restart") return p.ha ? "" : LatestState(s_, in_.savepoints);
    switch (p.restore_mode) {
      case spec::RestoreMode::kNone:
        return "";
      case spec::RestoreMode::kPath:
        return p.restore_path;
      case spec::RestoreMode::kAuto:
        break;
    }
    std::string latest = LatestState(s_, in_.savepoints);
    return latest.empty() ? p.restore_path : latest;
  }

  std::string NewTriggerId(const std::string& purpose) const {
    return deploy::DerivedId({"trigger", std::to_string(in_.job.id),
                              std::to_string(s_.deployed_generation), purpose,
                              std::to_string(in_.now)});
  }

  // ---- the observation ----
  void Unanswered(const std::string& what, const std::string& detail) {
    if (!s_.unanswered_since) s_.unanswered_since = in_.now;
    int64_t silent = in_.now - s_.unanswered_since;
    std::string text = what + (detail.empty() ? "" : " (" + detail + ")");
    if (silent >= opt_.grace_ms) {
      bool first = !s_.reason.starts_with("lost: ");
      // Stable while it lasts: one status write when the job is called lost, not one a pass.
      s_.reason = "lost: " + text + " since " + FormatRfc3339(s_.unanswered_since);
      if (first) Event("lost", s_.reason);
    } else {
      s_.reason = text + "; the job is called lost after " + Seconds(opt_.grace_ms);
    }
  }

  void Fold() {
    if (!ob_) return;
    if (!ob_->ok) {
      Unanswered("the cluster does not answer", ob_->error);
      return;
    }
    const deploy::Observation& o = ob_->o;
    if (!o.web_interface_url.empty()) s_.web_url = o.web_interface_url;
    if (!o.job_id.empty()) s_.flink_job_id = o.job_id;
    if (o.exists) s_.flink_job_state = o.job_state;
    if (o.jobmanager_answered) {
      if (o.restarts >= 0) s_.restarts = o.restarts;
      if (o.latest_checkpoint && !o.latest_checkpoint->path.empty()) {
        s_.last_checkpoint = o.latest_checkpoint->path;
        s_.last_checkpoint_time = o.latest_checkpoint->time;
      }
      if (!o.last_exception.empty()) s_.last_exception = o.last_exception;
    }
    // A JobManager that ran the job and stops answering: not FAILED, not yet lost.
    if (o.exists && o.phase == "DEPLOYING" && d_.state == "RUNNING" && s_.deploying_as.empty()) {
      Unanswered("the JobManager does not answer", o.reason);
      seen_ = "";
      return;
    }
    if (s_.unanswered_since) Event("answering", "the cluster answers again");
    s_.unanswered_since = 0;
  }

  void AbandonOrphans() {
    for (const auto& r : in_.savepoints) {
      if (r.state != "IN_PROGRESS" && r.state != "DISPOSING") continue;
      if (s_.step && s_.step->savepoint_id == r.id) continue;
      if (r.state == "DISPOSING") {
        // Marked, but the pass ended before its step was stored: nothing was asked yet.
        store::Savepoint u = r;
        u.state = "COMPLETED";
        d_.savepoint_updates.push_back(u);
        continue;
      }
      store::Savepoint f = r;
      f.state = "FAILED";
      f.error = "never triggered: the reconciler stopped before it asked Flink";
      d_.savepoint_updates.push_back(f);
    }
  }

  void FailRow(int64_t id, const std::string& error) {
    const store::Savepoint* r = Row(id);
    if (!r || TerminalRow(r->state)) return;
    store::Savepoint f = *r;
    f.state = "FAILED";
    f.error = error;
    d_.savepoint_updates.push_back(f);
  }

  // ---- steps ----
  void StartSavepoint(const store::Savepoint* row, const std::string& purpose) {
    Step st;
    st.kind = "savepoint";
    st.purpose = purpose;
    st.phase = "trigger";
    st.started_at = in_.now;
    if (row) {
      st.savepoint_id = row->id;
      st.trigger_id = row->trigger_id.empty() ? NewTriggerId(purpose) : row->trigger_id;
    } else {
      st.trigger_id = NewTriggerId(purpose);
      d_.new_savepoint = NewRow(purpose, st.trigger_id);
    }
    s_.step = st;
    d_.call = Call::kTriggerSavepoint;
    d_.requeue = opt_.requeue_poll;
    Event("savepoint", "savepoint triggered (" + purpose + ")", {{"triggerId", st.trigger_id}});
    Say("trigger savepoint (" + purpose + ")");
  }

  store::Savepoint NewRow(const std::string& trigger, const std::string& trigger_id) const {
    store::Savepoint r;
    r.job_id = in_.job.id;
    r.trigger = trigger;
    r.state = "IN_PROGRESS";
    r.requested_by = opt_.actor;
    r.requested_at = in_.now;
    r.spec_version = s_.deployed_version;
    r.cluster_id = s_.cluster_id;
    r.flink_job_id = s_.flink_job_id;
    r.trigger_id = trigger_id;
    return r;
  }

  void StartStop(const std::string& purpose, int64_t target_version, int64_t target_nonce) {
    Step st;
    st.kind = "stop";
    st.purpose = purpose;
    st.phase = "trigger";
    st.started_at = in_.now;
    st.trigger_id = NewTriggerId("stop-" + purpose);
    st.drain = purpose != "upgrade" && in_.job.stop_drain;
    st.target_version = target_version;
    st.target_nonce = target_nonce;
    st.from_version = s_.deployed_version;
    st.from_nonce = s_.deployed_restart_nonce;
    d_.new_savepoint = NewRow(purpose == "suspend" ? "stop" : purpose, st.trigger_id);
    s_.step = st;
    d_.call = Call::kSuspend;
    d_.requeue = opt_.requeue_poll;
    Event("stop", "stop with savepoint (" + purpose + (st.drain ? ", drain" : "") + ")",
          {{"triggerId", st.trigger_id}});
    Say("stop with savepoint (" + purpose + ")");
  }

  void StartTeardown(const std::string& purpose, bool cancel, bool wipe_ha, int64_t target_version,
                     int64_t target_nonce, const std::string& restore) {
    Step st;
    st.kind = "teardown";
    st.purpose = purpose;
    st.phase = cancel ? "cancel" : "delete";
    st.started_at = in_.now;
    st.wipe_ha = wipe_ha;
    st.target_version = target_version;
    st.target_nonce = target_nonce;
    st.restore_path = restore;
    st.from_version = s_.deployed_version;
    st.from_nonce = s_.deployed_restart_nonce;
    s_.step = st;
    d_.call = cancel ? Call::kCancel : Call::kDelete;
    d_.requeue = opt_.requeue_busy;
    Say((cancel ? "cancel and delete (" : "delete (") + purpose + ")");
  }

  void StartDeploy(int64_t version, int64_t nonce, const std::string& restore,
                   const std::string& purpose, int64_t from_version = 0, int64_t from_nonce = 0) {
    Step st;
    st.kind = "deploy";
    st.purpose = purpose;
    st.phase = "submit";
    st.started_at = in_.now;
    st.target_version = version;
    st.target_nonce = nonce;
    st.restore_path = restore;
    st.from_version = from_version;
    st.from_nonce = from_nonce;
    s_.step = st;
    s_.deployed = true;
    s_.deployed_version = version;
    s_.deployed_restart_nonce = nonce;
    s_.deployed_restore_path = restore;
    s_.deployed_generation += 1;
    s_.flink_job_id.clear();
    s_.flink_job_state.clear();
    s_.unanswered_since = 0;
    s_.running_since = 0;
    if (!restore.empty() && restore == in_.job.restore_path) s_.consumed_restore_path = restore;
    std::string state = "DEPLOYING";
    if (purpose == "upgrade") {
      state = "UPGRADING";
      s_.upgrade = Upgrade{from_version, from_nonce, restore, in_.now, false};
    } else if (purpose == "rollback") {
      state = "UPGRADING";
      s_.upgrade = Upgrade{from_version, from_nonce, restore, in_.now, true};
    } else if (purpose == "restart") {
      state = "RESTARTING";
    }
    s_.deploying_as = state;
    std::string from = restore.empty()
                           ? (in_.policy.ha ? "Flink's HA metadata or empty state" : "empty state")
                           : restore;
    SetState(state, (purpose == "rollback" ? "rolling back to version " : "deploying version ") +
                        std::to_string(version) + " from " + from);
    Event("deploy", s_.reason,
          {{"version", version},
           {"restoreNonce", nonce},
           {"restorePath", restore},
           {"purpose", purpose}});
    d_.call = Call::kSubmit;
    d_.requeue = opt_.requeue_busy;
    Say("deploy version " + std::to_string(version) + " (" + purpose + ")");
  }

  void FinishTeardown(const Step& st) {
    s_.deployed = false;
    s_.flink_job_state.clear();
    s_.unanswered_since = 0;
    s_.deploying_as.clear();
    s_.step.reset();
    const std::string& desired = in_.job.desired_state;
    std::string purpose = st.purpose;
    bool redeploy = purpose == "upgrade" || purpose == "restart" || purpose == "rollback";
    if (redeploy && desired != "RUNNING") {
      purpose = desired == "SUSPENDED" ? "suspend" : desired == "DELETED" ? "delete" : "cancel";
      s_.upgrade.reset();
      redeploy = false;
    }
    if (redeploy) {
      std::string restore = st.restore_path;
      if (purpose == "restart" && restore.empty()) restore = ChooseRestore("restart");
      StartDeploy(st.target_version, st.target_nonce, restore, purpose, st.from_version,
                  st.from_nonce);
      return;
    }
    if (purpose == "suspend") {
      SetState("SUSPENDED",
               "suspended" + (s_.last_savepoint.empty() ? std::string()
                                                        : " with savepoint " + s_.last_savepoint));
    } else if (purpose == "delete") {
      d_.mark_deleted = true;
      Event("deleted", "every cluster object removed; the job is deleted");
      Say("mark deleted");
    } else {
      SetState("CANCELED", "stopped");
    }
    d_.requeue = opt_.requeue_steady;
    Say("stopped (" + purpose + ")");
  }

  // An application cluster removes itself once the stopped job finished
  // (execution.shutdown-on-application-finish): the stop is done. Its savepoint's path is
  // known if the JobManager reported it as the latest checkpoint before it went.
  void StopEndedWithClusterGone(const Step& st) {
    std::string path;
    const store::Savepoint* row = Row(st.savepoint_id);
    if (s_.last_checkpoint_time >= st.started_at && !s_.last_checkpoint.empty()) {
      path = s_.last_checkpoint;
    }
    if (row && row->state == "COMPLETED") path = row->path;
    if (row && !TerminalRow(row->state)) {
      store::Savepoint u = *row;
      if (path.empty()) {
        u.state = "FAILED";
        u.error =
            "the cluster removed itself before the savepoint's location was read; look for the "
            "newest savepoint under " +
            in_.policy.savepoint_directory;
      } else {
        u.state = "COMPLETED";
        u.path = path;
        u.completed_at = in_.now;
        s_.last_savepoint = path;
      }
      d_.savepoint_updates.push_back(u);
    }
    Event("stop", "the job stopped and its cluster is gone");
    Step next = st;
    next.kind = "teardown";
    next.phase = "delete";
    next.restore_path = st.purpose == "upgrade" || st.purpose == "restart" ? path : "";
    next.wipe_ha = st.purpose == "delete" && !path.empty();
    s_.step = next;
    d_.call = Call::kDelete;
    Say("stop finished (cluster gone)");
  }

  void Continue(Step st) {  // a copy: the step in the status is replaced as it goes
    d_.requeue = opt_.requeue_busy;
    if (st.kind == "savepoint") {
      const store::Savepoint* row = Row(st.savepoint_id);
      if (!row || TerminalRow(row->state)) {
        s_.step.reset();
        Say("savepoint step done");
        return;
      }
      if (st.phase == "trigger") {
        if (Gone()) {
          FailRow(st.savepoint_id, "the job's cluster is gone");
          s_.step.reset();
          Say("savepoint abandoned: cluster gone");
          return;
        }
        if (!JobManagerAnswers()) {
          Say("wait for the JobManager before triggering");
          return;
        }
        // Also when the job no longer runs: a trigger made before a crash is found again by
        // its trigger id; one never made fails in Flink and is recorded so.
        d_.call = Call::kTriggerSavepoint;
      } else {
        d_.call = Call::kPoll;
      }
      d_.requeue = opt_.requeue_poll;
      Say("continue savepoint");
      return;
    }
    if (st.kind == "dispose") {
      ContinueDisposal(st);
      return;
    }
    if (st.kind == "stop") {
      bool redeploy = st.purpose == "upgrade" || st.purpose == "restart";
      if (Gone()) {
        StopEndedWithClusterGone(st);
        return;
      }
      if (st.phase == "trigger") {
        // A stop made before a crash may have finished the job already: asking again with
        // the same trigger id finds it.
        if (JobRunning() || (JobManagerAnswers() && TerminalJob(seen_))) {
          d_.call = Call::kSuspend;
          d_.requeue = opt_.requeue_poll;
          Say("continue stop");
          return;
        }
        if (seen_ != "FAILED") {
          s_.reason = "waiting for the job to run before stopping it with a savepoint";
          Say("wait for running before stop");
          return;
        }
        // The cluster cannot start: there is no new state to save.
        FailRow(st.savepoint_id, "the job was not running (" + seen_ + ")");
        StartTeardown(st.purpose, false, false, st.target_version, st.target_nonce,
                      redeploy ? (in_.policy.ha ? "" : LatestState(s_, in_.savepoints)) : "");
        s_.step->from_version = st.from_version;
        s_.step->from_nonce = st.from_nonce;
        return;
      }
      d_.call = Call::kPoll;
      d_.requeue = opt_.requeue_poll;
      Say("poll stop");
      return;
    }
    if (st.kind == "teardown") {
      if (st.phase == "cancel") {
        d_.call = Call::kCancel;
        Say("cancel");
      } else if (st.phase == "delete") {
        d_.call = Call::kDelete;
        Say("delete");
      } else if (!ob_ || Gone() || SessionJobGone()) {
        FinishTeardown(st);
      } else {
        s_.reason = "waiting for the cluster to go away";
        Say("wait for the cluster to go");
      }
      return;
    }
    if (st.kind == "deploy") {
      d_.call = Call::kSubmit;
      Say("submit");
      return;
    }
    s_.step.reset();  // unknown step (a newer reconciler's): look again
  }

  // ---- desired RUNNING ----
  void WantRunning() {
    auto [version, nonce] = Wanted();
    if (!s_.deployed) {
      if (s_.gave_up && d_.state == "FAILED" && version == s_.deployed_version &&
          nonce == s_.deployed_restart_nonce) {
        Say("restart limit reached");
        return;
      }
      std::string purpose = d_.state == "SUSPENDED" ? "resume" : "deploy";
      s_.gave_up = false;
      StartDeploy(version, nonce, ChooseRestore(purpose), purpose);
      return;
    }
    if (s_.upgrade) {
      if (seen_ == "RUNNING") {
        std::string what = s_.upgrade->rollback
                               ? "rolled back to version " + std::to_string(s_.deployed_version)
                               : "upgraded to version " + std::to_string(s_.deployed_version);
        s_.upgrade.reset();
        s_.deploying_as.clear();
        s_.running_since = in_.now;
        SetState("RUNNING", what);
        Event(what.starts_with("rolled") ? "rolled-back" : "upgraded", what);
        Say(what);
        return;
      }
      bool failed = seen_ == "FAILED" || Gone() || seen_ == "CANCELED";
      bool late = in_.now - s_.upgrade->started_at >= opt_.upgrade_deadline_ms;
      if ((failed || late) && !s_.upgrade->rollback) {
        Rollback(failed ? "version " + std::to_string(s_.deployed_version) +
                              " failed: " + (ob_ && !ob_->o.reason.empty() ? ob_->o.reason : seen_)
                        : "version " + std::to_string(s_.deployed_version) +
                              " did not run within " + Seconds(opt_.upgrade_deadline_ms));
        return;
      }
      if (failed || late) {
        s_.upgrade.reset();  // the rollback failed too: the restart policy takes over
      } else {
        if (ob_ && ob_->ok && !ob_->o.reason.empty()) s_.reason = ob_->o.reason;
        d_.requeue = opt_.requeue_busy;
        Say("wait for the new version");
        return;
      }
    }
    if (s_.deployed_version != version || s_.deployed_restart_nonce != nonce) {
      StartUpgrade(version, nonce);
      return;
    }
    Observe();
  }

  void Observe() {
    std::string why = ob_ && ob_->ok ? ob_->o.reason : "";
    if (seen_.empty() || seen_ == "SUSPENDED") {
      d_.requeue = opt_.requeue_busy;
      Say("observe");
      return;
    }
    if (seen_ == "DEPLOYING") {
      SetState(s_.deploying_as.empty() ? "DEPLOYING" : s_.deploying_as,
               why.empty() ? "the job is starting" : why);
      d_.requeue = opt_.requeue_busy;
      Say("starting");
      return;
    }
    if (seen_ == "RUNNING") {
      if (d_.state != "RUNNING") {
        s_.running_since = in_.now;
        s_.deploying_as.clear();
        s_.failed_at = 0;
        s_.gave_up = false;
        SetState("RUNNING", "the job runs");
      } else {
        s_.reason = "the job runs";
      }
      if (!s_.running_since) s_.running_since = in_.now;
      Savepoints();
      return;
    }
    if (seen_ == "RESTARTING") {
      SetState("RESTARTING",
               "Flink restarts the job" +
                   (s_.restarts > 0 ? " (" + std::to_string(s_.restarts) + " restarts so far)"
                                    : std::string()));
      d_.requeue = opt_.requeue_busy;
      Say("flink restarts");
      return;
    }
    if (seen_ == "FINISHED") {
      SetState("FINISHED", "the job finished");
      Say("finished");
      return;
    }
    if (seen_ == "GONE" && d_.state == "FINISHED") {
      Say("finished, cluster gone");
      return;  // a finished job keeps its final state after its cluster went
    }
    if (seen_ == "GONE" && d_.state != "FAILED") {
      Failed("the cluster is gone (removed outside Sluice, or it shut itself down)");
      return;
    }
    if (seen_ == "CANCELED") {
      Failed("the job was canceled outside Sluice");
      return;
    }
    Failed(why.empty() ? "the job failed" : why);
  }

  void Failed(const std::string& why) {
    const Policy& p = in_.policy;
    if (d_.state != "FAILED") {
      s_.failed_at = in_.now;
      s_.deploying_as.clear();
      SetState("FAILED",
               why + (s_.last_exception.empty() ? "" : "; last exception: " + s_.last_exception));
    }
    std::erase_if(s_.restart_times, [&](int64_t t) { return t < in_.now - p.restart_window_ms; });
    int n = static_cast<int>(s_.restart_times.size());
    if (p.max_restarts >= 0 && n >= p.max_restarts) {
      if (!s_.gave_up) {
        s_.gave_up = true;
        s_.reason = "restart limit reached: " + std::to_string(n) + " restarts within " +
                    Seconds(p.restart_window_ms) + "; " + s_.reason;
        Event("gave-up", s_.reason);
      }
      Say("restart limit reached");
      return;
    }
    int64_t backoff = p.backoff_ms;
    for (int i = 0; i < n && backoff < p.restart_window_ms; ++i)
      backoff *= 2;
    backoff = std::min(backoff, std::max<int64_t>(p.restart_window_ms, p.backoff_ms));
    int64_t due = (s_.failed_at ? s_.failed_at : in_.now) + backoff;
    if (in_.now < due) {
      d_.requeue = std::chrono::milliseconds(due - in_.now);
      Say("restart after backoff");
      return;
    }
    s_.restart_times.push_back(in_.now);
    Event("restart", "restart " + std::to_string(n + 1) + " by policy after " + Seconds(backoff),
          {{"restart", n + 1}});
    StartTeardown("restart", false, false, s_.deployed_version, s_.deployed_restart_nonce,
                  ChooseRestore("restart"));
  }

  void StartUpgrade(int64_t version, int64_t nonce) {
    const Policy& p = in_.policy;
    bool restart_only = version == s_.deployed_version;
    spec::UpgradeMode mode = p.upgrade_mode;
    if (restart_only) {
      mode = p.savepoint_directory.empty() ? spec::UpgradeMode::kLastState
                                           : spec::UpgradeMode::kSavepoint;
    }
    std::string reason = restart_only
                             ? "restart requested: redeploying version " + std::to_string(version) +
                                   " from the latest state"
                             : "upgrading from version " + std::to_string(s_.deployed_version) +
                                   " to " + std::to_string(version) + " (" +
                                   std::string(spec::UpgradeModeName(mode)) + ")";
    s_.failed_version = 0;
    s_.failed_nonce = 0;
    std::string explicit_restore = ExplicitRestore();
    if (!explicit_restore.empty()) {
      SetState("UPGRADING", reason + " from " + explicit_restore);
      StartTeardown("upgrade", false, true, version, nonce, explicit_restore);
      return;
    }
    if (mode == spec::UpgradeMode::kSavepoint) {
      if (JobRunning()) {
        SetState("UPGRADING", reason);
        StartStop("upgrade", version, nonce);
        return;
      }
      reason += "; the job is not running, so from its latest state";
      mode = spec::UpgradeMode::kLastState;
    }
    SetState("UPGRADING", reason);
    if (mode == spec::UpgradeMode::kStateless) {
      StartTeardown("upgrade", false, true, version, nonce, "");
    } else {
      StartTeardown("upgrade", false, false, version, nonce,
                    p.ha ? "" : LatestState(s_, in_.savepoints));
    }
  }

  void Rollback(const std::string& why) {
    Upgrade up = *s_.upgrade;
    s_.failed_version = s_.deployed_version;
    s_.failed_nonce = s_.deployed_restart_nonce;
    std::string reason = why + "; rolling back to version " + std::to_string(up.from_version) +
                         (up.state_path.empty() ? "" : " from " + up.state_path);
    SetState("FAILED", reason);
    Event("rollback", reason,
          {{"failedVersion", s_.deployed_version},
           {"toVersion", up.from_version},
           {"statePath", up.state_path}});
    s_.upgrade.reset();
    StartTeardown("rollback", false, false, up.from_version, up.from_nonce, up.state_path);
    s_.step->from_version = s_.failed_version;
    s_.step->from_nonce = s_.failed_nonce;
  }

  void Savepoints() {
    for (const auto& r : in_.savepoints) {
      if (r.state == "REQUESTED") {
        StartSavepoint(&r, r.trigger.empty() ? "manual" : r.trigger);
        return;
      }
    }
    const Policy& p = in_.policy;
    if (p.savepoint_interval_ms > 0) {
      int64_t last = s_.running_since;
      for (const auto& r : in_.savepoints)
        if (r.trigger == "schedule") last = std::max(last, r.requested_at);
      if (in_.now - last >= p.savepoint_interval_ms) {
        StartSavepoint(nullptr, "schedule");
        return;
      }
      d_.requeue = std::min(d_.requeue, std::chrono::milliseconds(std::max<int64_t>(
                                            p.savepoint_interval_ms - (in_.now - last), 1)));
    }
    if (StartDisposal()) return;
    Say("running");
  }

  // Retention: the oldest scheduled savepoint beyond the last `retain` is disposed through
  // the JobManager (Flink deletes its files), one at a time, never the one the deployment
  // restored from. A record is DISPOSED only once Flink says the disposal completed; one
  // Flink could not dispose stays COMPLETED with the reason and is not tried again.
  bool StartDisposal() {
    int retain = in_.policy.retain;
    if (retain < 0) return false;
    std::vector<const store::Savepoint*> kept;
    for (const auto& r : in_.savepoints)
      if (r.trigger == "schedule" && r.state == "COMPLETED") kept.push_back(&r);
    int older = static_cast<int>(kept.size()) - retain;
    for (int i = 0; i < older; ++i) {
      const store::Savepoint* r = kept[i];
      if (r->path.empty() || r->path == s_.deployed_restore_path || !r->error.empty()) continue;
      store::Savepoint u = *r;
      u.state = "DISPOSING";
      d_.savepoint_updates.push_back(u);
      Step st;
      st.kind = "dispose";
      st.purpose = "retention";
      st.phase = "trigger";
      st.savepoint_id = r->id;
      st.started_at = in_.now;
      s_.step = st;
      d_.call = Call::kDispose;
      d_.requeue = opt_.requeue_poll;
      Say("dispose savepoint " + r->path + " (keeping the last " + std::to_string(retain) + ")");
      return true;
    }
    return false;
  }

  void ContinueDisposal(const Step& st) {
    const store::Savepoint* row = Row(st.savepoint_id);
    if (!row || row->state != "DISPOSING") {
      s_.step.reset();
      Say("disposal done");
      return;
    }
    if (!JobManagerAnswers()) {
      store::Savepoint u = *row;
      u.state = "COMPLETED";
      u.error = st.phase == "trigger"
                    ? "not disposed: no JobManager answers to dispose it; its files are still there"
                    : "disposal asked, but no JobManager answers to say how it ended; its files "
                      "may be gone";
      d_.savepoint_updates.push_back(u);
      Event("savepoint-dispose-failed", "savepoint " + u.path + " " + u.error,
            {{"savepointId", u.id}});
      s_.step.reset();
      Say("disposal abandoned: no JobManager");
      return;
    }
    d_.call = st.phase == "trigger" ? Call::kDispose : Call::kPoll;
    d_.requeue = opt_.requeue_poll;
    Say("continue disposal");
  }

  // ---- desired SUSPENDED, CANCELED, DELETED ----
  void WantStopped() {
    const std::string& desired = in_.job.desired_state;
    std::string purpose = desired == "SUSPENDED" ? "suspend"
                          : desired == "DELETED" ? "delete"
                                                 : "cancel";
    for (const auto& r : in_.savepoints) {
      if (r.state == "REQUESTED") FailRow(r.id, "the job was asked to stop first");
    }
    if (!s_.deployed) {
      s_.upgrade.reset();
      if (purpose == "delete") {
        d_.mark_deleted = true;
        Event("deleted", "nothing deployed; the job is deleted");
        Say("mark deleted");
        return;
      }
      std::string final_state = purpose == "suspend" ? "SUSPENDED" : "CANCELED";
      if (d_.state != "DRAFT" && d_.state != final_state) SetState(final_state, "stopped");
      Say("stopped");
      return;
    }
    bool with_savepoint = purpose == "suspend" || in_.job.stop_with_savepoint;
    if (with_savepoint && JobRunning()) {
      s_.reason = "stopping with a savepoint (" + purpose + ")";
      StartStop(purpose, 0, 0);
      return;
    }
    bool cancel = ob_ && ob_->ok && ob_->o.exists && ob_->o.phase == "RUNNING" &&
                  !ob_->o.job_state.empty() && !TerminalJob(ob_->o.job_state);
    s_.reason = cancel ? "canceling (" + purpose + ")" : "removing the cluster (" + purpose + ")";
    StartTeardown(purpose, cancel, false, 0, 0, "");
  }

  const PlanInput& in_;
  const PlanOptions& opt_;
  Decision d_;
  JobStatus& s_;
  const Observed* ob_ = nullptr;
  std::string seen_;
};

}  // namespace

Decision Plan(const PlanInput& in, const PlanOptions& options) {
  return Planner(in, options).Run();
}

store::JobEvent MakeEvent(const EventSource& source, const std::string& type,
                          const std::string& from, const std::string& to, const std::string& reason,
                          const nlohmann::json& details) {
  store::JobEvent e;
  e.job_id = source.job_id;
  e.time = source.time;
  e.type = type;
  e.from_state = from;
  e.to_state = to;
  e.reason = reason;
  e.actor = source.actor;
  e.details_json = details.dump();
  return e;
}

std::string_view CallName(Call c) {
  switch (c) {
    case Call::kNone:
      return "none";
    case Call::kSubmit:
      return "submit";
    case Call::kTriggerSavepoint:
      return "trigger-savepoint";
    case Call::kSuspend:
      return "suspend";
    case Call::kPoll:
      return "poll";
    case Call::kCancel:
      return "cancel";
    case Call::kDelete:
      return "delete";
    case Call::kDispose:
      return "dispose";
  }
  return "?";
}

Result<Policy> PolicyOf(const spec::JobSpec& job) {
  const spec::Spec& s = job.spec;
  Policy p;
  p.session = s.target && spec::IsSessionTarget(*s.target);
  p.upgrade_mode = s.upgrade_mode.value_or(spec::UpgradeMode::kStateless);
  p.restore_mode = s.restore.mode.value_or(spec::RestoreMode::kAuto);
  p.restore_path = s.restore.path;
  std::map<std::string, std::string> config(s.flink_configuration.begin(),
                                            s.flink_configuration.end());
  p.ha = deploy::HaEnabled(config);
  p.savepoint_directory = s.savepoint_directory;
  p.max_restarts = s.restart_policy.max_restarts.value_or(5);
  if (!s.restart_policy.window.empty()) {
    SLUICE_ASSIGN_OR_RETURN(p.restart_window_ms,
                            Millis(s.restart_policy.window, "spec.restartPolicy.window"));
  }
  if (!s.restart_policy.backoff.empty()) {
    SLUICE_ASSIGN_OR_RETURN(p.backoff_ms,
                            Millis(s.restart_policy.backoff, "spec.restartPolicy.backoff"));
  }
  if (!s.savepoint_schedule.interval.empty()) {
    SLUICE_ASSIGN_OR_RETURN(p.savepoint_interval_ms, Millis(s.savepoint_schedule.interval,
                                                            "spec.savepointSchedule.interval"));
  }
  p.retain = s.savepoint_schedule.retain.value_or(-1);
  return p;
}

std::string ObservedState(const Observed& observed, bool session) {
  if (!observed.ok) return "";
  const deploy::Observation& o = observed.o;
  if (!o.exists || o.phase == "ABSENT") return "GONE";
  if (o.phase == "DELETING") return "";
  if (o.phase == "FAILED") return "FAILED";
  if (o.phase == "DEPLOYING") return "DEPLOYING";
  if (o.phase == "SUSPENDED") return "SUSPENDED";
  if (o.phase != "RUNNING") return "";
  const std::string& j = o.job_state;
  if (session && o.job_id.empty()) return "DEPLOYING";
  if (j == "RUNNING" || j == "FAILED" || j == "FINISHED" || j == "CANCELED") return j;
  if (j == "FAILING" || j == "RESTARTING") return "RESTARTING";
  if (j == "CANCELLING" || j == "SUSPENDED") return "";
  return "DEPLOYING";  // INITIALIZING, CREATED, RECONCILING, no job yet
}

std::string LatestState(const JobStatus& status, const std::vector<store::Savepoint>& savepoints) {
  const store::Savepoint* best = nullptr;
  for (const auto& r : savepoints) {
    if (r.state != "COMPLETED" || r.path.empty()) continue;
    if (!best || r.completed_at >= best->completed_at) best = &r;
  }
  if (!status.last_checkpoint.empty() &&
      (!best || status.last_checkpoint_time > best->completed_at)) {
    return status.last_checkpoint;
  }
  return best ? best->path : "";
}

}  // namespace sluice::reconcile
