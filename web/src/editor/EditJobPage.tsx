// New job and edit job: the form, the SQL editor, a preview of what will be deployed, and
// Submit with progress until the job runs or fails.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useBlocker, useParams } from 'react-router';
import { errorMessage, isApiError, type FieldError } from '../api/client';
import type { Cluster, Job, RenderAnswer } from '../api/types';
import { useApi } from '../app/ApiContext';
import { isAdmin, useMe, writableTeams } from '../auth/AuthProvider';
import { useOptionCatalog } from '../flink/useOptionCatalog';
import { RenderView } from '../jobs/RenderView';
import { emptyForm, formToSpec, specToForm, type FormState } from '../spec/form';
import { fieldFor } from '../spec/paths';
import { MASK, isSecretKey, maskSqlSecrets } from '../spec/secrets';
import type { JobSpec } from '../spec/types';
import { validateSpec, type SpecFinding } from '../spec/validate';
import { fieldId, type FieldProblem } from '../ui/Field';
import { ErrorBox, Loading, Notice } from '../ui/Feedback';
import { Modal } from '../ui/Modal';
import { useAsync } from '../ui/useAsync';
import { JobForm } from './JobForm';
import { SqlSection, type SqlStatus } from './SqlSection';
import { SubmitProgress, type SubmitStep } from './SubmitProgress';

// The spec as JSON for people: secrets masked.
export function maskedSpecJson(spec: JobSpec): string {
  return JSON.stringify(
    spec,
    (key, value) => {
      if (key === 'sql' && typeof value === 'string') return maskSqlSecrets(value);
      if (typeof value === 'string' && value !== '' && isSecretKey(key)) return MASK;
      return value;
    },
    2,
  );
}

interface Problem extends SpecFinding {
  source: 'form' | 'server';
}

export default function EditJobPage() {
  const { name: editName } = useParams();
  const editing = !!editName;
  const api = useApi();
  const me = useMe();
  const [form, setForm] = useState<FormState>(() => emptyForm());
  const [revision, setRevision] = useState<number | undefined>(undefined);
  const [dirty, setDirty] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldError[]>([]);
  const [sql, setSql] = useState<SqlStatus>({ checking: false, answer: null, error: null, errors: 0 });
  const [submit, setSubmit] = useState<{ step: SubmitStep; name: string; error: string | null } | null>(null);
  const [conflict, setConflict] = useState<number | null>(null);
  const [preview, setPreview] = useState<{
    loading: boolean;
    answer?: RenderAnswer;
    error?: unknown;
    unsupported?: boolean;
    json: string;
  } | null>(null);
  const [attempted, setAttempted] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);

  const existing = useAsync<Job | null>(() => (editName ? api.getJob(editName) : Promise.resolve(null)), [api, editName]);
  useEffect(() => {
    if (existing.data) {
      setForm(specToForm({ metadata: existing.data.metadata, spec: existing.data.spec }));
      setRevision(existing.data.status?.revision);
      setDirty(false);
    }
  }, [existing.data]);

  const clusters = useAsync<Cluster[]>(() => api.listClusters().catch(() => []), [api]);
  const allTeams = useAsync(
    () => (isAdmin(me) ? api.listTeams().then((t) => t.map((x) => x.name)) : Promise.resolve(writableTeams(me))),
    [api, me],
  );
  const { catalog, error: catalogError } = useOptionCatalog(api, form.flinkVersion);

  const set = useCallback((patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
  }, []);

  // Leaving with unsaved changes asks first (also on reload and tab close).
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && !submit && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty || submit) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty, submit]);

  const built = useMemo(() => formToSpec(form), [form]);
  const problems: Problem[] = useMemo(() => {
    const out: Problem[] = [
      ...built.errors.map((e) => ({ ...e, severity: 'error' as const, source: 'form' as const })),
      ...validateSpec(built.spec, catalog).map((f) => ({ ...f, source: 'form' as const })),
    ];
    for (const e of serverErrors) out.push({ path: e.path, message: e.message, severity: 'error', source: 'server' });
    return out;
  }, [built, catalog, serverErrors]);

  const shown = (p: Problem) =>
    attempted || p.source === 'server' || p.path.startsWith('spec.flinkConfiguration') || isTouchedPath(p.path, form);
  const byField = useMemo(() => {
    const m = new Map<string, FieldProblem[]>();
    const rows = new Map<string, FieldProblem[]>();
    for (const p of problems) {
      if (!shown(p)) continue;
      const ref = fieldFor(p.path);
      const field = ref.field ?? 'general';
      if (ref.key !== undefined && (field === 'spec.flinkConfiguration' || field === 'spec.env')) {
        const k = `${field}\u0000${ref.key}`;
        rows.set(k, [...(rows.get(k) ?? []), { severity: p.severity, message: p.message }]);
      } else {
        m.set(field, [...(m.get(field) ?? []), { severity: p.severity, message: p.message }]);
      }
    }
    return { m, rows };
  }, [problems, attempted, form]);

  const errors = problems.filter((p) => p.severity === 'error');
  const sqlErrors = form.program === 'sql' ? sql.errors : 0;
  const blocking = errors.length + sqlErrors;

  const run = async (deploy: boolean) => {
    setAttempted(true);
    setServerErrors([]);
    if (blocking > 0) {
      summaryRef.current?.focus();
      return;
    }
    const spec = built.spec;
    const name = spec.metadata.name;
    setSubmit({ step: 'saving', name, error: null });
    try {
      if (editing) {
        const saved = await api.updateJob(name, spec, revision);
        setRevision(saved?.status?.revision ?? revision);
      } else {
        await api.createJob(spec);
      }
      setDirty(false);
    } catch (e) {
      if (isApiError(e) && e.status === 409) {
        setConflict(e.currentRevision ?? -1);
        setSubmit(null);
        return;
      }
      if (isApiError(e) && e.fieldErrors.length) setServerErrors(e.fieldErrors);
      setSubmit({ step: 'saving', name, error: `Not saved: ${errorMessage(e)}` });
      return;
    }
    if (!deploy) {
      setSubmit({ step: 'saved', name, error: null });
      return;
    }
    setSubmit({ step: 'deploying', name, error: null });
    try {
      await api.jobAction(name, 'deploy');
      setSubmit({ step: 'waiting', name, error: null });
    } catch (e) {
      setSubmit({ step: 'deploying', name, error: `Saved, but the deployment was refused: ${errorMessage(e)}` });
    }
  };

  const openPreview = async () => {
    const json = maskedSpecJson(built.spec);
    setPreview({ loading: true, json });
    try {
      const answer = await api.renderDraft(built.spec);
      setPreview({ loading: false, answer, json });
    } catch (e) {
      // A server without the draft dry run (POST /api/v1/render) is not an error of the draft.
      const unsupported = isApiError(e) && (e.status === 404 || e.status === 405);
      setPreview({ loading: false, error: unsupported ? undefined : e, unsupported, json });
    }
  };

  const onSqlStatus = useCallback((s: SqlStatus) => setSql(s), []);

  if (editing && existing.loading) return <Loading label="Loading the job…" />;
  if (editing && existing.error)
    return <ErrorBox error={existing.error} onRetry={() => void existing.reload()} title={`The job ${editName} could not be loaded`} />;

  const problemsFor = (path: string) => byField.m.get(path) ?? [];
  const rowProblems = (path: string, key: string) => byField.rows.get(`${path}\u0000${key}`) ?? [];
  const listed = problems.filter((p) => p.severity === 'error' && shown(p));

  return (
    <div className="page page-wide edit-page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/jobs">Jobs</Link> /{' '}
        {editing ? (
          <>
            <Link to={`/jobs/${encodeURIComponent(editName!)}`}>{editName}</Link> / <span aria-current="page">edit</span>
          </>
        ) : (
          <span aria-current="page">new</span>
        )}
      </nav>
      <h1>{editing ? `Edit ${editName}` : 'New job'}</h1>
      <div className="edit-layout">
        <form
          className="job-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void run(true);
          }}
        >
          <JobForm
            form={form}
            set={set}
            problems={problemsFor}
            rowProblems={rowProblems}
            editing={editing}
            teams={allTeams.data ?? writableTeams(me)}
            clusters={clusters.data ?? []}
            catalog={catalog}
            catalogError={catalogError}
            sqlSection={
              <SqlSection
                value={form.sql}
                onChange={(s) => set({ sql: s })}
                flinkVersion={form.flinkVersion || '2.4'}
                options={catalog?.options ?? []}
                fieldProblems={problemsFor('spec.sql')}
                onStatus={onSqlStatus}
              />
            }
          />
        </form>
        <aside className="edit-side" aria-label="Check and submit">
          <div className="side-card" ref={summaryRef} tabIndex={-1}>
            <h2>Before you submit</h2>
            {blocking === 0 ? (
              <p className="ok-text">No problems found{form.program === 'sql' && !sql.answer && !sql.error ? ' so far' : ''}.</p>
            ) : (
              <>
                <p className="form-error">
                  {blocking} {blocking === 1 ? 'problem' : 'problems'} to fix{attempted ? '' : ' before submitting'}:
                </p>
                <ul className="side-problems">
                  {sqlErrors > 0 && (
                    <li>
                      <a href={`#${fieldId('spec.sql')}`} onClick={(e) => focusField(e, 'spec.sql')}>
                        SQL script
                      </a>
                      : {sqlErrors} {sqlErrors === 1 ? 'error' : 'errors'}
                    </li>
                  )}
                  {listed.map((p, i) => {
                    const ref = fieldFor(p.path);
                    const target = ref.field ?? 'metadata.name';
                    return (
                      <li key={i}>
                        <a href={`#${fieldId(target)}`} onClick={(e) => focusField(e, target)}>
                          <code>{p.path}</code>
                        </a>{' '}
                        {p.message}
                      </li>
                    );
                  })}
                  {!attempted && listed.length < errors.length && <li className="muted">and fields not filled in yet</li>}
                </ul>
              </>
            )}
            <div className="side-actions">
              <button type="button" onClick={() => void openPreview()}>
                Preview deployment
              </button>
              <button type="button" onClick={() => void run(false)} disabled={submit?.step === 'saving'}>
                {editing ? 'Save' : 'Save as draft'}
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => void run(true)}
                disabled={submit?.step === 'saving' || submit?.step === 'deploying'}
              >
                {editing ? 'Save and deploy' : 'Submit'}
              </button>
            </div>
            {editing && <p className="hint">Saving makes a new version; deploying applies it with the job’s upgrade mode.</p>}
          </div>
          {submit && (
            <SubmitProgress
              name={submit.name}
              step={submit.step}
              error={submit.error}
              wasRunning={existing.data?.status?.state === 'RUNNING'}
            />
          )}
        </aside>
      </div>

      {preview && (
        <Modal title="What will be deployed" onClose={() => setPreview(null)}>
          {preview.loading && <Loading label="Rendering…" />}
          {preview.error ? <ErrorBox error={preview.error} title="The server could not render this draft" /> : null}
          {preview.unsupported && (
            <Notice>
              This server does not render drafts yet. Below is the spec that will be saved; once saved, the job’s Deployment tab shows every
              object Sluice creates for it.
            </Notice>
          )}
          {preview.answer && <RenderView render={preview.answer} />}
          <details open={preview.unsupported}>
            <summary>The job spec sent to the server (secrets hidden)</summary>
            <pre className="code">{preview.json}</pre>
          </details>
        </Modal>
      )}
      {conflict !== null && (
        <Modal
          title="Someone else changed this job"
          onClose={() => setConflict(null)}
          footer={
            <>
              <button type="button" onClick={() => setConflict(null)}>
                Keep editing
              </button>
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setConflict(null);
                  void existing.reload();
                }}
              >
                Load their version (drops my changes)
              </button>
            </>
          }
        >
          <p>
            The job was saved by someone else while you edited it{conflict > 0 ? ` (it is now at revision ${conflict})` : ''}. Load their
            version and apply your change again, or keep editing and copy your changes first.
          </p>
        </Modal>
      )}
      {blocker.state === 'blocked' && (
        <Modal
          title="Leave without saving?"
          onClose={() => blocker.reset?.()}
          footer={
            <>
              <button type="button" onClick={() => blocker.reset?.()}>
                Stay
              </button>
              <button type="button" className="danger" onClick={() => blocker.proceed?.()}>
                Leave
              </button>
            </>
          }
        >
          <p>Your changes to this job are not saved.</p>
        </Modal>
      )}
    </div>
  );
}

function focusField(e: React.MouseEvent, path: string) {
  e.preventDefault();
  const el = document.getElementById(fieldId(path));
  if (el) {
    el.scrollIntoView({ block: 'center' });
    el.focus();
  }
}

// Before the first Submit, a problem shows beside a field only once the user typed there;
// an empty new form is not a wall of red.
function isTouchedPath(path: string, form: FormState): boolean {
  const ref = fieldFor(path);
  const empty = emptyForm();
  const key = FIELD_TO_FORM[ref.field ?? ''];
  if (!key) return false;
  return JSON.stringify(form[key]) !== JSON.stringify(empty[key]);
}

const FIELD_TO_FORM: Record<string, keyof FormState> = {
  'metadata.name': 'name',
  'metadata.team': 'team',
  'metadata.labels': 'labels',
  'spec.sqlFile': 'sqlFile',
  'spec.jar.jarURI': 'jarURI',
  'spec.dependencies': 'dependencies',
  'spec.image': 'image',
  'spec.namespace': 'namespace',
  'spec.sessionCluster': 'sessionCluster',
  'spec.parallelism': 'parallelism',
  'spec.jobManager.resource.cpu': 'jmCpu',
  'spec.jobManager.resource.memory': 'jmMemory',
  'spec.jobManager.replicas': 'jmReplicas',
  'spec.taskManager.resource.cpu': 'tmCpu',
  'spec.taskManager.resource.memory': 'tmMemory',
  'spec.taskManager.slots': 'tmSlots',
  'spec.taskManager.replicas': 'tmReplicas',
  'spec.upgradeMode': 'upgradeMode',
  'spec.savepointDirectory': 'savepointDirectory',
  'spec.checkpointDirectory': 'checkpointDirectory',
  'spec.restore.path': 'restorePath',
  'spec.restartPolicy.maxRestarts': 'maxRestarts',
  'spec.restartPolicy.window': 'restartWindow',
  'spec.restartPolicy.backoff': 'restartBackoff',
  'spec.savepointSchedule.interval': 'savepointInterval',
  'spec.savepointSchedule.retain': 'savepointRetain',
  'spec.env': 'env',
  'spec.podTemplate': 'podTemplate',
  'spec.jobManager.podTemplate': 'jmPodTemplate',
  'spec.taskManager.podTemplate': 'tmPodTemplate',
};
