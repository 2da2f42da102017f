import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { JOB_STATES, type JobFilters } from '../api/types';
import { useMe } from '../auth/AuthProvider';
import { TARGETS } from '../spec/types';
import { Empty, ErrorBox, Loading, Notice } from '../ui/Feedback';
import { JobList } from './JobList';
import { useJobList } from './useJobList';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function JobsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('text') ?? '');
  const debouncedText = useDebounced(text.trim(), 250);

  const filters: JobFilters = useMemo(
    () => ({
      team: params.get('team') ?? undefined,
      state: params.get('state') ?? undefined,
      target: params.get('target') ?? undefined,
      text: params.get('text') ?? undefined,
    }),
    [params],
  );

  useEffect(() => {
    if ((params.get('text') ?? '') === debouncedText) return;
    const next = new URLSearchParams(params);
    if (debouncedText) next.set('text', debouncedText);
    else next.delete('text');
    setParams(next, { replace: true });
  }, [debouncedText, params, setParams]);

  const setFilter = (name: keyof JobFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

  const list = useJobList(filters);
  const filtered = !!(filters.team || filters.state || filters.target || filters.text);
  const teams = me.teams.map((t) => t.team);

  return (
    <div className="page page-full">
      <div className="page-head">
        <h1>Jobs</h1>
        <Link className="button primary" to="/jobs/new">
          New job
        </Link>
      </div>
      <form className="filters" role="search" aria-label="Filter jobs" onSubmit={(e) => e.preventDefault()}>
        <label className="filter-text">
          <span className="visually-hidden">Search by name</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label="Search by name"
          />
        </label>
        <label>
          State
          <select value={filters.state ?? ''} onChange={(e) => setFilter('state', e.target.value)}>
            <option value="">any</option>
            {JOB_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Team
          <select value={filters.team ?? ''} onChange={(e) => setFilter('team', e.target.value)}>
            <option value="">any</option>
            {teams.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
            {filters.team && !teams.includes(filters.team) && <option value={filters.team}>{filters.team}</option>}
          </select>
        </label>
        <label>
          Target
          <select value={filters.target ?? ''} onChange={(e) => setFilter('target', e.target.value)}>
            <option value="">any</option>
            {TARGETS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            Clear filters
          </button>
        )}
        <span className="count" aria-live="polite">
          {list.loading ? '' : `${list.rows.length}${list.hasMore ? '+' : ''} ${list.rows.length === 1 ? 'job' : 'jobs'}`}
        </span>
      </form>
      {list.outside > 0 && (
        <Notice kind="info">
          {list.outside} {list.outside === 1 ? 'change concerns a job' : 'changes concern jobs'} not in this list.{' '}
          <button type="button" className="link" onClick={() => void list.reload()}>
            Refresh
          </button>
        </Notice>
      )}
      {list.error && !list.loading ? (
        <ErrorBox error={list.error} onRetry={() => void list.reload()} title="The jobs could not be loaded" />
      ) : null}
      {list.loading ? (
        <Loading label="Loading jobs…" />
      ) : list.rows.length === 0 && !list.error ? (
        filtered ? (
          <Empty title="No job matches these filters">Change the search or clear the filters.</Empty>
        ) : (
          <Empty
            title="No jobs yet"
            action={
              <Link className="button primary" to="/jobs/new">
                Write your first job
              </Link>
            }
          >
            A job is Flink SQL or a JAR, and where it runs. Sluice deploys it, keeps its state safe with savepoints and restarts it when it
            fails.
          </Empty>
        )
      ) : (
        list.rows.length > 0 && (
          <JobList rows={list.rows} hasMore={list.hasMore} loadingMore={list.loadingMore} onNearEnd={() => void list.loadMore()} />
        )
      )}
    </div>
  );
}
