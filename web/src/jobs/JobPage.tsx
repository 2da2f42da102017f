import { useState } from 'react';
import { Link, NavLink, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api/client';
import type { ActionBody } from '../api/endpoints';
import type { Job, JobEvent } from '../api/types';
import { useApi } from '../app/ApiContext';
import { useJobEvents } from '../app/EventsProvider';
import { useMe } from '../auth/AuthProvider';
import { ErrorBox, Loading, Notice } from '../ui/Feedback';
import { Modal } from '../ui/Modal';
import { StateBadge } from '../ui/StateBadge';
import { Time } from '../ui/Time';
import { useAsync } from '../ui/useAsync';
import { ACTION_LABEL, actionsFor, canOperate, type UiAction } from './actions';
import { DeploymentTab } from './tabs/DeploymentTab';
import { EventsTab } from './tabs/EventsTab';
import { ExceptionsTab } from './tabs/ExceptionsTab';
import { LineageTab } from './tabs/LineageTab';
import { LogsTab } from './tabs/LogsTab';
import { OverviewTab } from './tabs/OverviewTab';
import { SavepointsTab } from './tabs/SavepointsTab';
import { VersionsTab } from './tabs/VersionsTab';

const TABS = [
  ['overview', 'Overview'],
  ['events', 'Events'],
  ['versions', 'Versions'],
  ['savepoints', 'Savepoints'],
  ['exceptions', 'Exceptions'],
  ['logs', 'Logs'],
  ['lineage', 'Lineage'],
  ['deployment', 'Deployment'],
] as const;

// States in which the job's JobManager is gone: its web UI link would lead nowhere.
const GONE = new Set(['DRAFT', 'CANCELED', 'FINISHED', 'SUSPENDED']);

export default function JobPage() {
  const { name = '', tab = 'overview' } = useParams();
  const api = useApi();
  const me = useMe();
  const navigate = useNavigate();
  const job = useAsync(() => api.getJob(name), [api, name]);
  const [lastEvent, setLastEvent] = useState<JobEvent | null>(null);
  const [confirm, setConfirm] = useState<UiAction | 'delete' | null>(null);
  const [withSavepoint, setWithSavepoint] = useState(true);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);

  useJobEvents({
    onEvent: (e) => {
      if (e.job !== name) return;
      setLastEvent(e);
      if (e.to) {
        job.setData((j) => (j ? { ...j, status: { ...j.status, state: e.to as Job['status']['state'], reason: e.reason } } : j));
      }
      if (e.type === 'spec-updated' || e.type === 'deployed' || e.to === 'RUNNING') void job.reload();
    },
    onReset: () => void job.reload(),
  });

  if (job.loading && !job.data) return <Loading label="Loading the job…" />;
  if (job.error && !job.data) {
    return (
      <div className="page">
        <p>
          <Link to="/jobs">← Jobs</Link>
        </p>
        <ErrorBox error={job.error} onRetry={() => void job.reload()} title={`The job ${name} could not be loaded`} />
      </div>
    );
  }
  const j = job.data!;
  const state = j.status?.state;
  const operate = canOperate(me, j);
  const isSql = j.spec?.sql !== undefined || j.spec?.sqlFile !== undefined;

  const run = async (action: UiAction | 'delete', body: ActionBody = {}) => {
    setBusy(true);
    setActionError(null);
    setMessage(null);
    try {
      if (action === 'delete') {
        await api.deleteJob(name);
        navigate('/jobs');
        return;
      }
      const answer = await api.jobAction(name, action, body);
      if (answer && answer.status) job.setData(() => answer);
      setMessage(`${ACTION_LABEL[action]}: requested.`);
      setConfirm(null);
    } catch (e) {
      setActionError(e);
    } finally {
      setBusy(false);
    }
  };

  const press = (a: UiAction) => {
    if (a === 'savepoint' || a === 'deploy' || a === 'resume') void run(a);
    else setConfirm(a);
  };

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/jobs">Jobs</Link> / <span aria-current="page">{name}</span>
      </nav>
      <div className="job-head">
        <div>
          <h1>
            {name} <StateBadge state={state} />
          </h1>
          <p className="job-meta">
            {j.metadata?.team && <span>team {j.metadata.team}</span>}
            <span>{j.spec?.target ?? 'kubernetes-application'}</span>
            {j.spec?.cluster && <span>cluster {j.spec.cluster}</span>}
            <span>Flink {j.spec?.flinkVersion}</span>
            {j.status?.specVersion !== undefined && <span>version {j.status.specVersion}</span>}
            {j.status?.updatedAt && (
              <span>
                updated <Time value={j.status.updatedAt} />
              </span>
            )}
          </p>
          {j.status?.reason && (
            <p className={`reason${state === 'FAILED' ? ' reason-bad' : ''}`}>
              <strong>Reason:</strong> {j.status.reason}
            </p>
          )}
          {j.status?.webUrl && !GONE.has(state ?? '') ? (
            <p>
              <a href={j.status.webUrl} target="_blank" rel="noopener noreferrer">
                Open the Flink web UI ↗
              </a>
            </p>
          ) : (
            <p className="muted">The Flink web UI link appears once the JobManager is up.</p>
          )}
        </div>
        <div className="job-actions" role="group" aria-label="Job actions">
          {actionsFor(state, j.intent).map((a) => (
            <button
              key={a}
              type="button"
              className={a === 'deploy' || a === 'resume' ? 'primary' : a === 'cancel' ? 'danger' : ''}
              disabled={!operate || busy}
              title={operate ? undefined : 'You need the developer role in this job’s team'}
              onClick={() => press(a)}
            >
              {ACTION_LABEL[a]}
            </button>
          ))}
          <Link className="button" to={`/jobs/${encodeURIComponent(name)}/edit`}>
            Edit
          </Link>
          <button type="button" className="ghost danger" disabled={!operate || busy} onClick={() => setConfirm('delete')}>
            Delete
          </button>
        </div>
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      {actionError ? <ErrorBox error={actionError} title="The action failed" /> : null}
      {lastEvent && (
        <p className="live-line" aria-live="polite">
          Latest: {lastEvent.type}
          {lastEvent.to ? ` → ${lastEvent.to}` : ''}
          {lastEvent.reason ? ` (${lastEvent.reason})` : ''}
        </p>
      )}

      <nav className="tabs" aria-label="Job sections">
        {TABS.filter(([t]) => t !== 'lineage' || isSql).map(([t, label]) => (
          <NavLink
            key={t}
            to={`/jobs/${encodeURIComponent(name)}/${t}`}
            className={tab === t ? 'active' : undefined}
            aria-current={tab === t ? 'page' : undefined}
          >
            {label}
          </NavLink>
        ))}
      </nav>
      <section className="tab-body" aria-label={TABS.find(([t]) => t === tab)?.[1]}>
        {tab === 'overview' && <OverviewTab job={j} />}
        {tab === 'events' && <EventsTab name={name} />}
        {tab === 'versions' && <VersionsTab job={j} canOperate={operate} onRolledBack={() => void job.reload()} />}
        {tab === 'savepoints' && <SavepointsTab job={j} canOperate={operate} />}
        {tab === 'exceptions' && <ExceptionsTab name={name} />}
        {tab === 'logs' && <LogsTab name={name} />}
        {tab === 'lineage' && <LineageTab name={name} />}
        {tab === 'deployment' && <DeploymentTab name={name} />}
      </section>

      {confirm && (
        <Modal
          title={confirm === 'delete' ? `Delete ${name}?` : `${ACTION_LABEL[confirm]} ${name}?`}
          onClose={() => setConfirm(null)}
          footer={
            <>
              <button type="button" onClick={() => setConfirm(null)}>
                Keep it
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void run(confirm, confirm === 'stop' ? { savepoint: withSavepoint } : {})}
              >
                {confirm === 'delete' ? 'Delete' : ACTION_LABEL[confirm]}
              </button>
            </>
          }
        >
          {confirm === 'stop' && (
            <>
              <p>Stopping ends the Flink job. With a savepoint, its state is kept and the job can resume from it.</p>
              <label className="check">
                <input type="checkbox" checked={withSavepoint} onChange={(e) => setWithSavepoint(e.target.checked)} />
                Take a savepoint first (recommended)
              </label>
            </>
          )}
          {confirm === 'suspend' && <p>Suspending takes a savepoint and stops the job; Resume starts it again from there.</p>}
          {confirm === 'restart' && <p>The job restarts from its latest savepoint or checkpoint.</p>}
          {confirm === 'cancel' && <p>Cancelling stops the job without a savepoint. State since the last checkpoint is lost.</p>}
          {confirm === 'delete' && (
            <p>The job is removed from Sluice; its versions and events stay in the audit trail. A running job must be stopped first.</p>
          )}
          {actionError ? <p className="form-error">{errorMessage(actionError)}</p> : null}
        </Modal>
      )}
    </div>
  );
}
