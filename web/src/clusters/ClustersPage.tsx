import { useState } from 'react';
import { NavLink, useParams } from 'react-router';
import { errorMessage, isApiError } from '../api/client';
import type { Cluster, PreflightCheck, PreflightReport } from '../api/types';
import { useApi } from '../app/ApiContext';
import { isAdmin, useMe } from '../auth/AuthProvider';
import { Empty, ErrorBox, Loading, Notice } from '../ui/Feedback';
import { Modal } from '../ui/Modal';
import { Time } from '../ui/Time';
import { useAsync } from '../ui/useAsync';
import { CLUSTER_KINDS, clusterBody, kindSpec, validateCluster, type ClusterDraft } from './clusterForm';

function checkStatus(c: PreflightCheck): 'ok' | 'warning' | 'error' | 'skipped' {
  if (c.status === 'ok' || c.status === 'warning' || c.status === 'error' || c.status === 'skipped') return c.status;
  return c.ok === false ? 'error' : 'ok';
}

export function PreflightView({ report }: { report: PreflightReport }) {
  const checks = report.checks ?? [];
  return (
    <div className="preflight">
      <p>
        <span className={`badge badge-${report.ok ? 'good' : 'bad'}`}>{report.ok ? 'ready' : 'needs attention'}</span>{' '}
        {report.checkedAt && (
          <span className="muted">
            checked <Time value={report.checkedAt} />
          </span>
        )}
      </p>
      <ul className="checks">
        {checks.map((c, i) => {
          const s = checkStatus(c);
          return (
            <li key={i} className={`check-${s}`}>
              <span className="check-mark" aria-hidden="true">
                {s === 'ok' ? '✓' : s === 'error' ? '✗' : s === 'warning' ? '!' : '–'}
              </span>
              <span className="visually-hidden">{s}: </span>
              <strong>{c.name}</strong> {c.message && <span>{c.message}</span>}
              {c.hint && s !== 'ok' && (
                <p className="fix">
                  <strong>To fix:</strong> {c.hint}
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ClusterCard({
  cluster,
  canWrite,
  onEdit,
  onDeleted,
}: {
  cluster: Cluster;
  canWrite: boolean;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const api = useApi();
  const [report, setReport] = useState<PreflightReport | undefined>(cluster.preflight);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [unsupported, setUnsupported] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const spec = kindSpec(cluster.kind);

  const preflight = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.preflight(cluster.name));
    } catch (e) {
      // A server without preflight checks (an API server outside `sluice serve`: 503; an
      // older server: 405): say what to run instead, not an error.
      if (isApiError(e) && (e.status === 405 || e.status === 503)) setUnsupported(true);
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    setBusy(true);
    try {
      await api.deleteCluster(cluster.name);
      onDeleted();
    } catch (e) {
      setError(e);
      setConfirmDelete(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="card cluster-card" aria-labelledby={`cl-${cluster.name}`}>
      <header className="card-head">
        <h2 id={`cl-${cluster.name}`}>
          {cluster.name} <span className="tag">{spec?.label ?? cluster.kind}</span>
        </h2>
        <div className="row-actions">
          {canWrite && (
            <>
              <button type="button" className="small" onClick={() => void preflight()} disabled={busy}>
                {busy ? 'Checking…' : 'Run preflight'}
              </button>
              <button type="button" className="small" onClick={onEdit}>
                Edit
              </button>
              <button type="button" className="small ghost danger" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            </>
          )}
        </div>
      </header>
      <dl className="props">
        {Object.entries(cluster.config ?? {}).map(([k, v]) => (
          <div key={k}>
            <dt>{spec?.config.find((f) => f.key === k)?.label ?? k}</dt>
            <dd>
              <code>{String(v)}</code>
            </dd>
          </div>
        ))}
        {Object.entries(cluster.secrets ?? {}).map(([k, set]) => (
          <div key={k}>
            <dt>{spec?.secrets.find((f) => f.key === k)?.label ?? k}</dt>
            <dd>{set ? <span className="secret-set">set (hidden)</span> : <span className="muted">not set</span>}</dd>
          </div>
        ))}
        <div>
          <dt>Teams</dt>
          <dd>{cluster.teams?.length ? cluster.teams.join(', ') : 'every team'}</dd>
        </div>
        {cluster.updatedAt && (
          <div>
            <dt>Updated</dt>
            <dd>
              <Time value={cluster.updatedAt} />
            </dd>
          </div>
        )}
      </dl>
      {cluster.secretsError && <Notice kind="warning">The stored secrets cannot be opened: {cluster.secretsError}</Notice>}
      {error ? <ErrorBox error={error} title="Preflight failed to run" /> : null}
      {unsupported && (
        <Notice kind="warning">
          This server does not run preflight checks. From a shell with this cluster’s kubeconfig, <code>sluice preflight -f job.yaml</code>{' '}
          checks the namespace, service account and Role a job needs and says what is missing; <code>--setup</code> creates them.
        </Notice>
      )}
      {report ? (
        <PreflightView report={report} />
      ) : unsupported ? null : (
        <p className="muted">
          No preflight yet{canWrite ? '' : ' (a cluster administrator runs it)'}: it checks that Sluice can reach and use this cluster, and
          says what to fix.
        </p>
      )}
      {confirmDelete && (
        <Modal
          title={`Delete ${cluster.name}?`}
          onClose={() => setConfirmDelete(false)}
          footer={
            <>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                Keep it
              </button>
              <button type="button" className="danger" onClick={() => void remove()} disabled={busy}>
                Delete
              </button>
            </>
          }
        >
          <p>Jobs can no longer be deployed to it. The server refuses while live jobs use it.</p>
        </Modal>
      )}
    </article>
  );
}

function ClusterFormModal({
  initial,
  teams,
  kinds,
  onClose,
  onSaved,
}: {
  initial?: Cluster;
  teams: string[];
  kinds: string[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const api = useApi();
  const [draft, setDraft] = useState<ClusterDraft>(() => ({
    name: initial?.name ?? '',
    kind: initial?.kind ?? kinds[0],
    config: Object.fromEntries(Object.entries(initial?.config ?? {}).map(([k, v]) => [k, typeof v === 'boolean' ? v : String(v)])),
    secrets: {},
    teams: initial?.teams ?? [],
  }));
  const [fileInfo, setFileInfo] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const spec = kindSpec(draft.kind)!;
  const problems = validateCluster(draft, initial?.secrets);
  const serverProblems: Record<string, string> = {};
  if (isApiError(error)) for (const f of error.fieldErrors) serverProblems[f.path.replace(/^body\./, '')] = f.message;
  const problem = (path: string) => (tried ? (problems[path] ?? serverProblems[path]) : serverProblems[path]);

  const save = async () => {
    setTried(true);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const body = clusterBody(draft, initial?.revision);
      if (initial) await api.updateCluster(initial.name, body);
      else await api.createCluster(body);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const readFile = (key: string, file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      let value: string;
      if (key === 'keytab') {
        const bytes = new Uint8Array(reader.result as ArrayBuffer);
        let bin = '';
        bytes.forEach((b) => (bin += String.fromCharCode(b)));
        value = btoa(bin);
      } else value = String(reader.result);
      const ctx = key === 'kubeconfig' ? /^current-context:\s*(.+)$/m.exec(value)?.[1] : undefined;
      setDraft((d) => ({ ...d, secrets: { ...d.secrets, [key]: value } }));
      setFileInfo((f) => ({
        ...f,
        [key]: `${file.name}, ${file.size} bytes${ctx ? `, current-context ${ctx.trim()}` : ''} — will be sent on save`,
      }));
    };
    if (key === 'keytab') reader.readAsArrayBuffer(file);
    else reader.readAsText(file);
  };

  const fieldId = (p: string) => `cf-${p.replace(/\W+/g, '-')}`;
  return (
    <Modal
      title={initial ? `Edit ${initial.name}` : kinds.length === 1 ? 'Register a Flink version' : 'Register a cluster'}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => void save()} disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {kinds.length > 1 && !initial && (
          <div className="field">
            <label htmlFor={fieldId('kind')}>Kind</label>
            <select
              id={fieldId('kind')}
              value={draft.kind}
              onChange={(e) => setDraft({ ...draft, kind: e.target.value, config: {}, secrets: {} })}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {kindSpec(k)?.label ?? k}
                </option>
              ))}
            </select>
            <div className="hint">{spec.description}</div>
          </div>
        )}
        <div className={`field${problem('name') ? ' field-error' : ''}`}>
          <label htmlFor={fieldId('name')}>Name</label>
          <input
            id={fieldId('name')}
            value={draft.name}
            readOnly={!!initial}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            aria-invalid={!!problem('name') || undefined}
          />
          {problem('name') && <p className="form-error">{problem('name')}</p>}
        </div>
        {spec.config.map((f) =>
          f.type === 'bool' ? (
            <label key={f.key} className="check">
              <input
                type="checkbox"
                checked={!!draft.config[f.key]}
                onChange={(e) => setDraft({ ...draft, config: { ...draft.config, [f.key]: e.target.checked } })}
              />
              {f.label}
            </label>
          ) : (
            <div key={f.key} className={`field${problem(`config.${f.key}`) ? ' field-error' : ''}`}>
              <label htmlFor={fieldId(f.key)}>
                {f.label}
                {f.required && <span aria-hidden="true"> *</span>}
              </label>
              <input
                id={fieldId(f.key)}
                value={String(draft.config[f.key] ?? '')}
                placeholder={f.placeholder}
                required={f.required}
                spellCheck={false}
                aria-invalid={!!problem(`config.${f.key}`) || undefined}
                onChange={(e) => setDraft({ ...draft, config: { ...draft.config, [f.key]: e.target.value } })}
              />
              {f.hint && <div className="hint">{f.hint}</div>}
              {problem(`config.${f.key}`) && <p className="form-error">{problem(`config.${f.key}`)}</p>}
            </div>
          ),
        )}
        {spec.secrets.map((s) => {
          const isSet = !!initial?.secrets?.[s.key];
          const pending = draft.secrets[s.key];
          const path = `secrets.${s.key}`;
          return (
            <div key={s.key} className={`field${problem(path) ? ' field-error' : ''}`}>
              <label htmlFor={fieldId(path)}>
                {s.label} {isSet && pending === undefined && <span className="secret-set">set (hidden)</span>}
                {pending === null && <span className="muted"> will be removed</span>}
              </label>
              {s.input === 'file' ? (
                <input id={fieldId(path)} type="file" onChange={(e) => readFile(s.key, e.target.files?.[0])} />
              ) : (
                <input
                  id={fieldId(path)}
                  type="password"
                  autoComplete="new-password"
                  placeholder={isSet ? 'set — type to replace' : ''}
                  value={typeof pending === 'string' ? pending : ''}
                  onChange={(e) =>
                    setDraft((d) => {
                      const secrets = { ...d.secrets };
                      if (e.target.value === '') delete secrets[s.key];
                      else secrets[s.key] = e.target.value;
                      return { ...d, secrets };
                    })
                  }
                />
              )}
              {fileInfo[s.key] && <div className="hint">{fileInfo[s.key]}</div>}
              {s.hint && <div className="hint">{s.hint}</div>}
              {isSet && pending !== null && (
                <button
                  type="button"
                  className="small ghost"
                  onClick={() => setDraft((d) => ({ ...d, secrets: { ...d.secrets, [s.key]: null } }))}
                >
                  Remove the stored {s.label.toLowerCase()}
                </button>
              )}
              {problem(path) && <p className="form-error">{problem(path)}</p>}
            </div>
          );
        })}
        {draft.kind !== 'flink-version' && teams.length > 0 && (
          <fieldset className="field">
            <legend>Teams that may use it</legend>
            <div className="check-list">
              {teams.map((t) => (
                <label key={t} className="check">
                  <input
                    type="checkbox"
                    checked={draft.teams.includes(t)}
                    onChange={(e) =>
                      setDraft({ ...draft, teams: e.target.checked ? [...draft.teams, t] : draft.teams.filter((x) => x !== t) })
                    }
                  />
                  {t}
                </label>
              ))}
            </div>
            <div className="hint">None ticked: every team.</div>
          </fieldset>
        )}
        {error && !isApiError(error) ? <p className="form-error">{errorMessage(error)}</p> : null}
        {isApiError(error) ? <ErrorBox error={error} title="Not saved" /> : null}
      </form>
    </Modal>
  );
}

export default function ClustersPage() {
  const { tab = 'targets' } = useParams();
  const api = useApi();
  const me = useMe();
  const clusters = useAsync(() => api.listClusters(), [api]);
  const teams = useAsync(
    () =>
      api
        .listTeams()
        .then((t) => t.map((x) => x.name))
        .catch(() => me.teams.map((t) => t.team)),
    [api, me],
  );
  const [editing, setEditing] = useState<Cluster | 'new' | null>(null);
  const canWrite = isAdmin(me) || me.teams.some((t) => t.role === 'admin');
  const versions = tab === 'versions';
  const list = (clusters.data ?? []).filter((c) => (c.kind === 'flink-version') === versions);
  const kinds = versions ? ['flink-version'] : CLUSTER_KINDS.map((k) => k.kind).filter((k) => k !== 'flink-version');

  return (
    <div className="page">
      <div className="page-head">
        <h1>{versions ? 'Flink versions' : 'Clusters'}</h1>
        {canWrite && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            {versions ? 'Register a Flink version' : 'Register a cluster'}
          </button>
        )}
      </div>
      <nav className="tabs" aria-label="Clusters and versions">
        <NavLink to="/clusters" end className={!versions ? 'active' : undefined}>
          Clusters
        </NavLink>
        <NavLink to="/clusters/versions" className={versions ? 'active' : undefined}>
          Flink versions
        </NavLink>
      </nav>
      {clusters.loading ? (
        <Loading label="Loading clusters…" />
      ) : clusters.error ? (
        <ErrorBox error={clusters.error} onRetry={() => void clusters.reload()} />
      ) : list.length === 0 ? (
        <Empty
          title={versions ? 'No Flink version registered' : 'No cluster registered'}
          action={
            canWrite ? (
              <button type="button" className="primary" onClick={() => setEditing('new')}>
                {versions ? 'Register a Flink version' : 'Register a cluster'}
              </button>
            ) : undefined
          }
        >
          {versions
            ? 'Kubernetes targets need no Flink on the Sluice host. YARN and local targets use the flink CLI of a registered distribution.'
            : 'A cluster is where jobs run: a Kubernetes cluster (kubeconfig or in-cluster), a YARN cluster, or a standalone Flink session.'}
          {!canWrite && ' Ask an administrator to register one.'}
        </Empty>
      ) : (
        <div className="cards">
          {list.map((c) => (
            <ClusterCard
              key={c.name}
              cluster={c}
              canWrite={canWrite}
              onEdit={() => setEditing(c)}
              onDeleted={() => void clusters.reload()}
            />
          ))}
        </div>
      )}
      {editing && (
        <ClusterFormModal
          initial={editing === 'new' ? undefined : editing}
          teams={teams.data ?? []}
          kinds={kinds}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void clusters.reload();
          }}
        />
      )}
    </div>
  );
}
