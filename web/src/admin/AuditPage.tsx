import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import type { AuditEntry, AuditFilters } from '../api/types';
import { useApi } from '../app/ApiContext';
import { Empty, ErrorBox, Loading } from '../ui/Feedback';
import { Time } from '../ui/Time';

const FILTERS: [keyof AuditFilters, string][] = [
  ['actor', 'Who'],
  ['action', 'Action'],
  ['targetKind', 'Object kind'],
  ['targetName', 'Object'],
  ['team', 'Team'],
];

export default function AuditPage() {
  const api = useApi();
  const [params, setParams] = useSearchParams();
  const filters: AuditFilters = Object.fromEntries([...FILTERS.map(([k]) => k), 'result'].map((k) => [k, params.get(k) ?? undefined]));
  const key = params.toString();
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [draft, setDraft] = useState<AuditFilters>(filters);

  const load = async (more: boolean) => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.listAudit(filters, more ? cursor : null);
      setEntries((e) => (more ? [...e, ...page.items] : page.items));
      setCursor(page.nextCursor ?? null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    void load(false);
  }, [api, key]);

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) if (v) next.set(k, v);
    setParams(next);
  };

  return (
    <div className="page page-wide">
      <h1>Audit log</h1>
      <p className="muted">Every change and action: who, when, what, from where, and how it ended.</p>
      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        {FILTERS.map(([k, label]) => (
          <label key={k}>
            {label}
            <input value={draft[k] ?? ''} onChange={(e) => setDraft({ ...draft, [k]: e.target.value })} />
          </label>
        ))}
        <label>
          Result
          <select value={draft.result ?? ''} onChange={(e) => setDraft({ ...draft, result: e.target.value })}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <button type="submit" className="small">
          Filter
        </button>
      </form>
      {error ? <ErrorBox error={error} onRetry={() => void load(false)} /> : null}
      {!loading && !error && entries.length === 0 ? (
        <Empty title="No entries">Nothing matches these filters.</Empty>
      ) : (
        entries.length > 0 && (
          <table className="data audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Object</th>
                <th>Team</th>
                <th>Result</th>
                <th>From</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time value={e.time} absolute />
                  </td>
                  <td>
                    {e.actor}
                    {e.actorKind && e.actorKind !== 'session' && <span className="muted"> ({e.actorKind})</span>}
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{[e.targetKind, e.targetName].filter(Boolean).join(' ')}</td>
                  <td>{e.team}</td>
                  <td>
                    <span className={`badge badge-${e.result === 'success' ? 'good' : e.result === 'denied' ? 'busy' : 'bad'}`}>
                      {e.result}
                    </span>
                    {e.httpStatus ? <span className="muted"> {e.httpStatus}</span> : null}
                    {typeof e.details?.error === 'string' && <div className="muted">{e.details.error}</div>}
                  </td>
                  <td className="muted">{e.remoteAddress}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {loading && <Loading label="Loading the audit log…" />}
      {!loading && cursor && (
        <button type="button" onClick={() => void load(true)}>
          Older entries
        </button>
      )}
    </div>
  );
}
