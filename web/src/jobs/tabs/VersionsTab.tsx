import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../api/client';
import type { Job, JobVersion } from '../../api/types';
import { useApi } from '../../app/ApiContext';
import { diffLines, diffSpecs, withContext } from '../../spec/diff';
import { maskSqlSecrets } from '../../spec/secrets';
import { Empty, ErrorBox, Loading, Notice } from '../../ui/Feedback';
import { Modal } from '../../ui/Modal';
import { Time } from '../../ui/Time';
import { useAsync } from '../../ui/useAsync';

export function VersionsTab({ job, canOperate, onRolledBack }: { job: Job; canOperate: boolean; onRolledBack: () => void }) {
  const api = useApi();
  const name = job.metadata.name;
  const versions = useAsync(() => api.jobVersions(name), [api, name]);
  const sorted = useMemo(() => [...(versions.data ?? [])].sort((a, b) => b.version - a.version), [versions.data]);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [rollback, setRollback] = useState<number | null>(null);
  const [rbState, setRbState] = useState<{ busy: boolean; error: unknown; done: string | null }>({ busy: false, error: null, done: null });

  useEffect(() => {
    if (sorted.length && to === null) {
      setTo(sorted[0].version);
      setFrom(sorted.length > 1 ? sorted[1].version : sorted[0].version);
    }
  }, [sorted, to]);

  const pair = useAsync(async () => {
    if (from === null || to === null) return null;
    const cache = new Map<number, JobVersion>();
    const get = async (v: number) => cache.get(v) ?? (await api.jobVersion(name, v));
    const [a, b] = await Promise.all([get(from), get(to)]);
    return { a, b };
  }, [api, name, from, to]);

  if (versions.loading) return <Loading label="Loading versions…" />;
  if (versions.error) return <ErrorBox error={versions.error} onRetry={() => void versions.reload()} />;
  if (sorted.length === 0) return <Empty title="No versions">Every save of the job's spec becomes a version.</Empty>;

  const doRollback = async () => {
    if (rollback === null) return;
    setRbState({ busy: true, error: null, done: null });
    try {
      await api.jobAction(name, 'rollback', { version: rollback });
      setRbState({ busy: false, error: null, done: `Rolling back to version ${rollback}.` });
      setRollback(null);
      onRolledBack();
      void versions.reload();
    } catch (e) {
      setRbState({ busy: false, error: e, done: null });
    }
  };

  const changes = pair.data ? diffSpecs(pair.data.a.spec, pair.data.b.spec) : [];
  const sqlA = pair.data?.a.spec?.spec?.sql;
  const sqlB = pair.data?.b.spec?.spec?.sql;
  const sqlChanged = sqlA !== sqlB && (sqlA !== undefined || sqlB !== undefined);
  const shownA = maskSqlSecrets(sqlA ?? '');
  const shownB = maskSqlSecrets(sqlB ?? '');
  const sqlDiff = sqlChanged && shownA !== shownB ? withContext(diffLines(shownA, shownB)) : null;
  const onlySecrets = sqlChanged && shownA === shownB;

  return (
    <div className="versions">
      {rbState.done && <Notice kind="success">{rbState.done}</Notice>}
      <div className="versions-layout">
        <table className="compact versions-list">
          <caption className="visually-hidden">Versions of {name}</caption>
          <thead>
            <tr>
              <th>Version</th>
              <th>Saved</th>
              <th>By</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((v) => (
              <tr key={v.version} className={v.version === to ? 'selected' : undefined}>
                <td>
                  {v.version}
                  {v.version === job.status?.specVersion && <span className="tag">current</span>}
                </td>
                <td>
                  <Time value={v.createdAt} />
                </td>
                <td>{v.createdBy ?? ''}</td>
                <td>
                  <button
                    type="button"
                    className="small"
                    disabled={!canOperate || v.version === job.status?.specVersion}
                    onClick={() => setRollback(v.version)}
                  >
                    Roll back
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="versions-diff">
          <div className="toolbar">
            <label>
              From
              <select value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))}>
                {sorted.map((v) => (
                  <option key={v.version} value={v.version}>
                    version {v.version}
                  </option>
                ))}
              </select>
            </label>
            <label>
              To
              <select value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))}>
                {sorted.map((v) => (
                  <option key={v.version} value={v.version}>
                    version {v.version}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {pair.loading && <Loading label="Comparing…" />}
          {pair.error ? <ErrorBox error={pair.error} /> : null}
          {pair.data && changes.length === 0 && <Empty title="No differences">The two versions are the same.</Empty>}
          {pair.data && changes.length > 0 && (
            <table className="compact diff-table">
              <thead>
                <tr>
                  <th>Field</th>
                  <th>Version {from}</th>
                  <th>Version {to}</th>
                </tr>
              </thead>
              <tbody>
                {changes
                  .filter((c) => c.path !== 'spec.sql')
                  .map((c) => (
                    <tr key={c.path}>
                      <th scope="row">
                        <code>{c.path}</code>
                      </th>
                      <td className="del">{c.before ?? <span className="muted">not set</span>}</td>
                      <td className="ins">{c.after ?? <span className="muted">not set</span>}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
          {onlySecrets && <p className="muted">Only secret option values in the SQL changed (not shown).</p>}
          {sqlDiff && (
            <section>
              <h3>SQL</h3>
              <pre className="code diff" aria-label="SQL differences">
                {sqlDiff.map((l, i) =>
                  l.op === '…' ? (
                    <div key={i} className="diff-skip">
                      … {l.skipped} unchanged {l.skipped === 1 ? 'line' : 'lines'}
                    </div>
                  ) : (
                    <div key={i} className={l.op === '+' ? 'ins' : l.op === '-' ? 'del' : undefined}>
                      <span className="diff-op" aria-label={l.op === '+' ? 'added' : l.op === '-' ? 'removed' : undefined}>
                        {l.op}
                      </span>
                      {l.text}
                    </div>
                  ),
                )}
              </pre>
            </section>
          )}
        </div>
      </div>
      {rollback !== null && (
        <Modal
          title={`Roll back to version ${rollback}?`}
          onClose={() => setRollback(null)}
          footer={
            <>
              <button type="button" onClick={() => setRollback(null)}>
                Keep the current version
              </button>
              <button type="button" className="primary" disabled={rbState.busy} onClick={() => void doRollback()}>
                Roll back
              </button>
            </>
          }
        >
          <p>The spec of version {rollback} becomes a new version and is deployed with the job's upgrade mode.</p>
          {rbState.error ? <p className="form-error">{errorMessage(rbState.error)}</p> : null}
        </Modal>
      )}
    </div>
  );
}
