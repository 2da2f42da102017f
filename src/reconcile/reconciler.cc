#include "reconcile/reconciler.h"

#include <map>

#include "common/log.h"
#include "common/time.h"
#include "deploy/jobmanager_rest.h"
#include "deploy/request.h"
#include "reconcile/metrics.h"
#include "spec/parse.h"

namespace sluice::reconcile {
namespace {

using json = nlohmann::json;

bool SameIgnoringObservedAt(JobStatus a, JobStatus b) {
  a.observed_at = 0;
  b.observed_at = 0;
  return a == b;
}

}  // namespace

class Reconciler::Pass {
 public:
  Pass(Reconciler& r, int64_t id) : r_(r), id_(id), now_(r.options_.now()) {}

  Result<PassResult> Run() {
    auto job = r_.store_.GetJob(id_);
    if (!job.ok() && job.error().code == ErrorCode::kNotFound) {
      return PassResult{.requeue_after = r_.options_.requeue_steady, .forget = true};
    }
    if (!job.ok()) return std::move(job).error();
    job_ = std::move(job).value();
    if (job_.deleted_at)
      return PassResult{.requeue_after = r_.options_.requeue_steady, .forget = true};
    JobStatus status = JobStatus::Parse(job_.status_json);
    original_ = status;
    last_ = status;
    PlanInput in;
    in.job = job_;
    in.status = status;
    in.now = now_;
    auto wanted = SpecOf(job_.spec_version);
    auto policy = wanted.ok() ? PolicyOf(**wanted) : Result<Policy>(wanted.error());
    if (!policy.ok()) {
      return Refuse("spec version " + std::to_string(job_.spec_version) +
                        " cannot be used: " + policy.error().message,
                    policy.error());
    }
    in.policy = *policy;
    if (status.deployed) {
      Observed ob;
      auto request = RequestOf(status);
      auto deployer = request.ok() ? DeployerOf(status.deployed_version)
                                   : Result<deploy::Deployer*>(request.error());
      if (!deployer.ok()) {
        ob.error = deployer.error().message;
      } else {
        auto o = (*deployer)->Observe(*request);
        if (o.ok()) {
          ob.ok = true;
          ob.o = std::move(o).value();
        } else {
          ob.error = o.error().message;
        }
      }
      in.observed = std::move(ob);
    }
    SLUICE_ASSIGN_OR_RETURN(in.savepoints, r_.store_.ListSavepoints(id_));
    PlanOptions po;
    po.grace_ms = r_.options_.grace.count();
    po.upgrade_deadline_ms = r_.options_.upgrade_deadline.count();
    po.requeue_steady = r_.options_.requeue_steady;
    po.requeue_busy = r_.options_.requeue_busy;
    po.requeue_poll = r_.options_.savepoint_poll;
    po.actor = r_.options_.actor;
    return Execute(Plan(in, po));
  }

 private:
  Result<const spec::JobSpec*> SpecOf(int64_t version) {
    auto it = specs_.find(version);
    if (it != specs_.end()) return it->second.get();
    SLUICE_ASSIGN_OR_RETURN(auto spec, r_.SpecOf(job_, version));
    return specs_.emplace(version, std::move(spec)).first->second.get();
  }

  Result<deploy::Deployer*> DeployerOf(int64_t version) {
    auto it = deployers_.find(version);
    if (it != deployers_.end()) return it->second.get();
    SLUICE_ASSIGN_OR_RETURN(const spec::JobSpec* spec, SpecOf(version));
    SLUICE_ASSIGN_OR_RETURN(auto d, r_.deployer_for_(job_, *spec));
    return deployers_.emplace(version, std::move(d)).first->second.get();
  }

  // The request of the deployment the status describes: the same every pass, so the
  // derived job id finds the job that was submitted.
  Result<deploy::DeploymentRequest> RequestOf(const JobStatus& s) {
    SLUICE_ASSIGN_OR_RETURN(const spec::JobSpec* spec, SpecOf(s.deployed_version));
    SLUICE_ASSIGN_OR_RETURN(deploy::DeploymentRequest r,
                            deploy::MakeRequest(*spec, std::to_string(s.deployed_version)));
    r.restore_path = s.deployed_restore_path;
    if (!r.job_id.empty()) {
      r.job_id =
          deploy::DerivedId({r.cluster_id, r.spec_version, deploy::SpecHash(*spec), r.restore_path,
                             "generation " + std::to_string(s.deployed_generation)});
    }
    return r;
  }

  // Writes the status; a conflict (someone else wrote) ends the pass.
  Status Write(const std::string& state, const JobStatus& status,
               const std::vector<store::JobEvent>& events) {
    auto written =
        r_.store_.UpdateJobStatus(id_, job_.status_version, state, status.Dump(), events);
    if (!written.ok()) return std::move(written).error();
    if (written->state != job_.state) RecordTransition(job_.state, written->state);
    job_ = std::move(written).value();
    last_ = status;
    return Status::Ok();
  }

 public:
  // The JobManager the job runs on as the pass left the status (nullopt when none, or
  // the job's Flink state is terminal or unknown).
  std::optional<JobManagerView> View() const {
    const JobStatus& s = last_;
    if (job_.id == 0 || job_.deleted_at || !s.deployed || s.cluster_id.empty() ||
        s.flink_job_id.empty() || s.flink_job_state.empty() ||
        deploy::IsTerminalJobState(s.flink_job_state)) {
      return std::nullopt;
    }
    auto spec = specs_.find(s.deployed_version);
    if (spec == specs_.end()) return std::nullopt;
    return JobManagerView{
        .cluster = job_.cluster.empty() ? spec->second->spec.cluster : job_.cluster,
        .spec = spec->second,
        .cluster_id = s.cluster_id,
        .flink_job_id = s.flink_job_id,
        .flink_job_state = s.flink_job_state};
  }

 private:
  bool Changed(const Decision& d) const {
    return d.state != job_.state || !d.events.empty() ||
           !SameIgnoringObservedAt(d.status, original_) ||
           now_ - original_.observed_at >= r_.options_.refresh_observed_at.count();
  }

  Result<PassResult> Ended(const Error& e) {
    if (e.code == ErrorCode::kConflict) {
      return PassResult{.requeue_after = std::chrono::milliseconds(100)};
    }
    return e;
  }

  Result<PassResult> Execute(Decision d) {
    if (d.new_savepoint) {
      SLUICE_ASSIGN_OR_RETURN(store::Savepoint row, r_.store_.CreateSavepoint(*d.new_savepoint));
      d.status.step->savepoint_id = row.id;
    }
    for (const auto& u : d.savepoint_updates) {
      SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(u));
    }
    if (Changed(d)) {
      if (Status st = Write(d.state, d.status, d.events); !st.ok()) return Ended(st.error());
    }
    if (d.mark_deleted) {
      Status st = r_.store_.MarkJobDeleted(id_, job_.revision, now_);
      if (!st.ok()) return Ended(st.error());
      return PassResult{.requeue_after = r_.options_.requeue_steady, .forget = true};
    }
    if (d.call == Call::kNone) return PassResult{.requeue_after = d.requeue};
    return Act(std::move(d));
  }

  void Transition(std::string& state, const std::string& to, JobStatus& s,
                  const std::string& reason, std::vector<store::JobEvent>& events) {
    s.reason = reason;
    if (state == to) return;
    events.push_back(EventOf("state", state, to, reason));
    state = to;
  }

  store::JobEvent EventOf(const std::string& type, const std::string& from, const std::string& to,
                          const std::string& reason, json details = json::object()) const {
    return MakeEvent({id_, now_, r_.options_.actor}, type, from, to, reason, details);
  }

  void Before(Call c) {
    if (r_.options_.at_call) r_.options_.at_call(id_, CallName(c), false);
  }
  bool Crash(Call c) {
    if (r_.options_.at_call) r_.options_.at_call(id_, CallName(c), true);
    return r_.options_.after_call && r_.options_.after_call(CallName(c));
  }

  Result<PassResult> Act(Decision d) {
    JobStatus s = d.status;
    std::string state = d.state;
    Step step = *s.step;
    std::vector<store::JobEvent> events;
    std::chrono::milliseconds requeue = d.requeue;
    auto request = RequestOf(s);
    auto deployer =
        request.ok() ? DeployerOf(s.deployed_version) : Result<deploy::Deployer*>(request.error());
    if (!deployer.ok()) {
      return Refuse("cannot reach the job's target: " + deployer.error().message, deployer.error());
    }
    const deploy::DeploymentRequest& req = *request;
    deploy::Deployer* dep = *deployer;
    SLUICE_ASSIGN_OR_RETURN(const spec::JobSpec* spec, SpecOf(s.deployed_version));
    auto note = [&](const std::string& type, const std::string& reason, json details = {}) {
      events.push_back(
          EventOf(type, state, state, reason, details.is_null() ? json::object() : details));
    };
    switch (d.call) {
      case Call::kNone:
        break;
      case Call::kSubmit: {
        Before(d.call);
        auto sub = dep->Submit(req);
        if (Crash(d.call)) return Aborted();
        if (sub.ok()) {
          s.step.reset();
          s.cluster_id = sub->cluster_id;
          if (!sub->web_interface_url.empty()) s.web_url = sub->web_interface_url;
          if (!sub->job_id.empty()) s.flink_job_id = sub->job_id;
          s.reason = sub->existed ? "submitted (found as requested)" : "submitted";
          note("submitted", "cluster " + sub->cluster_id + (sub->existed ? " found" : " created"),
               {{"clusterId", sub->cluster_id}, {"jobId", sub->job_id}});
        } else if (sub.error().code == ErrorCode::kAlreadyExists) {
          Step t = step;
          t.kind = "teardown";
          t.phase = "delete";
          // Back to the version that is there: its objects go first, then this one.
          s.step = t;
          s.reason = "another version is still deployed; removing it first: " + sub.error().message;
        } else {
          // A session cluster that starts, objects being deleted: soon. Anything else
          // needs someone to act: the reason says what.
          ErrorCode code = sub.error().code;
          bool soon = code == ErrorCode::kUnavailable || code == ErrorCode::kFailedPrecondition;
          s.reason = (soon ? "deploy not done yet: " : "deploy failed: ") + sub.error().message;
          requeue = soon ? r_.options_.requeue_busy : r_.options_.requeue_steady;
        }
        break;
      }
      case Call::kTriggerSavepoint:
      case Call::kSuspend: {
        SLUICE_ASSIGN_OR_RETURN(store::Savepoint row, r_.store_.GetSavepoint(step.savepoint_id));
        if (row.state == "REQUESTED" || row.state == "IN_PROGRESS") {
          row.state = "IN_PROGRESS";
          row.trigger_id = step.trigger_id;
          row.cluster_id = req.cluster_id;
          if (row.flink_job_id.empty()) row.flink_job_id = s.flink_job_id;
          row.spec_version = s.deployed_version;
          SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
        }
        deploy::SavepointOptions so{.directory = spec->spec.savepoint_directory,
                                    .trigger_id = step.trigger_id,
                                    .drain = step.drain};
        Before(d.call);
        auto op = d.call == Call::kSuspend ? dep->Suspend(req, so) : dep->TriggerSavepoint(req, so);
        if (Crash(d.call)) return Aborted();
        if (op.ok()) {
          step.phase = "poll";
          step.flink_job_id = op->job_id;
          s.step = step;
          if (row.flink_job_id != op->job_id) {
            row.flink_job_id = op->job_id;
            SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
          }
        } else {
          row.state = "FAILED";
          row.error = op.error().message;
          SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
          OperationFailed(state, s, step, op.error().message, events);
        }
        break;
      }
      case Call::kDispose: {
        SLUICE_ASSIGN_OR_RETURN(store::Savepoint row, r_.store_.GetSavepoint(step.savepoint_id));
        Before(d.call);
        auto op = dep->DisposeSavepoint(req, row.path);
        if (Crash(d.call)) return Aborted();
        if (op.ok()) {
          step.phase = "poll";
          step.trigger_id = op->trigger_id;
          s.step = step;
        } else {
          SLUICE_RETURN_IF_ERROR(NotDisposed(row, "not disposed: " + op.error().message, events));
          s.step.reset();
        }
        break;
      }
      case Call::kPoll: {
        if (step.kind == "dispose") {
          SLUICE_ASSIGN_OR_RETURN(auto done, PollDisposal(*dep, req, step, s, events));
          if (!done) return PassResult{.requeue_after = r_.options_.savepoint_poll};
          break;
        }
        deploy::Operation op{step.kind == "stop" ? "stop" : "savepoint", step.flink_job_id,
                             step.trigger_id};
        Before(d.call);
        auto res = dep->Poll(req, op);
        if (Crash(d.call)) return Aborted();
        if (!res.ok()) {
          if (res.error().code == ErrorCode::kNotFound) {
            step.phase = "trigger";  // Flink forgot it (JobManager restarted): ask again
            s.step = step;
          }
          s.reason = "cannot read the " + op.kind + " operation: " + res.error().message;
          break;
        }
        if (!res->completed) {
          // Nothing new: the status (with this step) is stored already.
          return PassResult{.requeue_after = r_.options_.savepoint_poll};
        }
        SLUICE_ASSIGN_OR_RETURN(store::Savepoint row, r_.store_.GetSavepoint(step.savepoint_id));
        if (res->ok()) {
          row.state = "COMPLETED";
          row.path = res->location;
          row.size_bytes = res->size_bytes;
          row.completed_at = now_;
          SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
          s.last_savepoint = res->location;
          note("savepoint-completed", "savepoint " + res->location + " (" + step.purpose + ")",
               {{"savepointId", row.id}, {"path", res->location}, {"sizeBytes", row.size_bytes}});
          if (step.kind == "stop") {
            Step t = step;
            t.kind = "teardown";
            t.phase = "delete";
            t.restore_path =
                step.purpose == "upgrade" || step.purpose == "restart" ? res->location : "";
            t.wipe_ha = step.purpose == "delete";
            s.step = t;
            s.reason = "stopped with savepoint " + res->location + "; removing the cluster";
          } else {
            s.step.reset();
            s.reason = "savepoint " + res->location + " completed";
          }
        } else {
          row.state = "FAILED";
          row.error = res->failure;
          SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
          OperationFailed(state, s, step, res->failure, events);
        }
        requeue = std::chrono::milliseconds(0);
        break;
      }
      case Call::kCancel: {
        Before(d.call);
        Status st = dep->Cancel(req);
        if (Crash(d.call)) return Aborted();
        step.phase = "delete";
        s.step = step;
        note("cancel", st.ok() ? "job canceled" : "cancel failed, deleting: " + st.error().message);
        break;
      }
      case Call::kDelete: {
        bool wipe = step.wipe_ha;
        Before(d.call);
        Status st = dep->Delete(req, wipe ? deploy::HaMetadata::kWipe : deploy::HaMetadata::kKeep);
        if (Crash(d.call)) return Aborted();
        if (st.ok()) {
          step.phase = "wait-gone";
          s.step = step;
          note("delete", std::string("cluster objects deleted") +
                             (wipe ? " with HA metadata" : ", HA metadata kept"));
        } else {
          s.reason = "cannot delete the cluster: " + st.error().message;
        }
        break;
      }
    }
    if (Status st = Write(state, s, events); !st.ok()) return Ended(st.error());
    return PassResult{.requeue_after = requeue};
  }

  // Polls a disposal; false when it is still running (nothing to store).
  Result<bool> PollDisposal(deploy::Deployer& dep, const deploy::DeploymentRequest& req, Step& step,
                            JobStatus& s, std::vector<store::JobEvent>& events) {
    deploy::Operation op{"disposal", "", step.trigger_id};
    Before(Call::kPoll);
    auto res = dep.Poll(req, op);
    if (Crash(Call::kPoll)) return Error{.code = ErrorCode::kAborted, .message = "pass aborted"};
    if (!res.ok() && res.error().code == ErrorCode::kNotFound) {
      step.phase = "trigger";  // the JobManager forgot it (restarted): ask again
      s.step = step;
      return true;
    }
    if (!res.ok()) {  // asked again next pass (the plan gives up when no JobManager answers)
      s.reason = "cannot read the savepoint disposal: " + res.error().message;
      return true;
    }
    SLUICE_ASSIGN_OR_RETURN(store::Savepoint row, r_.store_.GetSavepoint(step.savepoint_id));
    if (!res->completed) return false;
    s.step.reset();
    // Asked twice (a crash between the request and storing its id), the second finds the
    // files gone: that savepoint is disposed too.
    bool gone = res->failure.find("FileNotFoundException") != std::string::npos;
    if (!res->ok() && !gone) {
      SLUICE_RETURN_IF_ERROR(NotDisposed(row, "disposal failed: " + res->failure, events));
      return true;
    }
    row.state = "DISPOSED";
    row.error = gone ? "already gone when disposed: " + res->failure : "";
    SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
    events.push_back(EventOf("savepoint-disposed", job_.state, job_.state,
                             "savepoint " + row.path + " disposed (retention)",
                             {{"savepointId", row.id}, {"path", row.path}}));
    return true;
  }

  // The savepoint stays, COMPLETED, with the reason it was not disposed (not tried again).
  Status NotDisposed(store::Savepoint row, const std::string& reason,
                     std::vector<store::JobEvent>& events) {
    row.state = "COMPLETED";
    row.error = reason;
    SLUICE_RETURN_IF_ERROR(r_.store_.UpdateSavepoint(row));
    events.push_back(EventOf("savepoint-dispose-failed", job_.state, job_.state,
                             "savepoint " + row.path + " " + reason, {{"savepointId", row.id}}));
    return Status::Ok();
  }

  void OperationFailed(std::string& state, JobStatus& s, const Step& step,
                       const std::string& failure, std::vector<store::JobEvent>& events) {
    s.step.reset();
    if (step.kind == "savepoint") {
      s.reason = "savepoint failed: " + failure;
      events.push_back(EventOf("savepoint-failed", state, state, s.reason));
      return;
    }
    if (step.purpose == "upgrade") {
      // The old version keeps running; the same upgrade is not retried until the intent
      // changes.
      s.failed_version = step.target_version;
      s.failed_nonce = step.target_nonce;
      Transition(state, "RUNNING", s,
                 "upgrade aborted: stop with savepoint failed (" + failure + "); version " +
                     std::to_string(s.deployed_version) + " keeps running",
                 events);
      return;
    }
    // The next pass observes what the job does now and tries again.
    s.reason = "stop with savepoint failed: " + failure;
    events.push_back(EventOf("stop-failed", state, state, s.reason));
  }

  // Something only a person can fix (a spec the parser refuses now, a cluster that is not
  // registered): the status says so, the job keeps its state, and the pass ends.
  Result<PassResult> Refuse(const std::string& reason, const Error& error) {
    JobStatus s = JobStatus::Parse(job_.status_json);
    if (s.reason != reason) {
      s.reason = reason;
      s.observed_at = now_;
      if (Status st = Write(job_.state, s, {}); !st.ok()) return Ended(st.error());
    }
    return error;
  }

  static Error Aborted() { return Error{.code = ErrorCode::kAborted, .message = "pass aborted"}; }

  Reconciler& r_;
  int64_t id_;
  int64_t now_;
  store::Job job_;
  JobStatus original_;
  JobStatus last_;  // the status as last read or written
  std::map<int64_t, std::shared_ptr<const spec::JobSpec>> specs_;
  std::map<int64_t, std::unique_ptr<deploy::Deployer>> deployers_;
};

Reconciler::Reconciler(store::Store& store, DeployerFor deployer_for, ReconcilerOptions options)
    : store_(store), deployer_for_(std::move(deployer_for)), options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return NowMillis(); };
}

Result<std::shared_ptr<const spec::JobSpec>> Reconciler::SpecOf(const store::Job& job,
                                                                int64_t version) {
  std::pair<int64_t, int64_t> key{job.id, version};
  {
    std::lock_guard lock(mu_);
    auto it = specs_.find(key);
    if (it != specs_.end()) return it->second;
  }
  SLUICE_ASSIGN_OR_RETURN(store::JobVersion v, store_.GetJobVersion(job.id, version));
  auto spec =
      spec::LoadJobSpec(v.spec_json, "job " + job.name + " version " + std::to_string(version));
  if (!spec.ok()) return std::move(spec).error();
  auto shared = std::make_shared<const spec::JobSpec>(std::move(spec).value());
  std::lock_guard lock(mu_);
  if (specs_.size() >= options_.spec_cache_size) specs_.clear();
  specs_[key] = shared;
  return shared;
}

Result<PassResult> Reconciler::Reconcile(int64_t job_id) {
  Pass pass(*this, job_id);
  auto result = pass.Run();
  if (result.ok() && !result->forget) result->jobmanager = pass.View();
  return result;
}

}  // namespace sluice::reconcile
