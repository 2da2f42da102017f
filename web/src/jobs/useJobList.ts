// The job list's data: pages from GET /jobs (cursor paging, server-side filters) kept up
// to date by the event stream. Events are applied in batches so that a burst of state
// changes costs one render, and events that arrive while a page loads wait for it.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { JobEvent, JobFilters } from '../api/types';
import { useApi } from '../app/ApiContext';
import { useJobEvents } from '../app/EventsProvider';
import { applyEvents, toRow, type JobRow } from './jobRows';

export interface JobListState {
  rows: JobRow[];
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  hasMore: boolean;
  outside: number; // changes to jobs the list does not show (new jobs, filtered out)
}

const FLUSH_MS = 150;

export function useJobList(filters: JobFilters) {
  const api = useApi();
  const [state, setState] = useState<JobListState>({
    rows: [],
    loading: true,
    loadingMore: false,
    error: null,
    hasMore: false,
    outside: 0,
  });
  const cursor = useRef<string | null>(null);
  const generation = useRef(0);
  const pending = useRef<JobEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const busy = useRef(true);

  const flush = useCallback(() => {
    timer.current = null;
    if (busy.current || pending.current.length === 0) return;
    const events = pending.current;
    pending.current = [];
    setState((s) => {
      const r = applyEvents(s.rows, events);
      const outside = s.hasMore ? s.outside : s.outside + r.unknown;
      if (r.rows === s.rows && outside === s.outside) return s;
      return { ...s, rows: r.rows, outside };
    });
  }, []);

  const schedule = useCallback(() => {
    if (timer.current === null) timer.current = setTimeout(flush, FLUSH_MS);
  }, [flush]);

  const key = JSON.stringify(filters);
  const load = useCallback(async () => {
    const gen = ++generation.current;
    busy.current = true;
    cursor.current = null;
    setState((s) => ({ ...s, loading: true, error: null, outside: 0 }));
    try {
      const page = await api.listJobs(JSON.parse(key) as JobFilters);
      if (gen !== generation.current) return;
      cursor.current = page.nextCursor ?? null;
      setState({
        rows: page.items.map(toRow),
        loading: false,
        loadingMore: false,
        error: null,
        hasMore: !!page.nextCursor,
        outside: 0,
      });
    } catch (e) {
      if (gen !== generation.current) return;
      setState((s) => ({ ...s, loading: false, error: e }));
    } finally {
      if (gen === generation.current) {
        busy.current = false;
        schedule();
      }
    }
  }, [api, key, schedule]);

  const loadMore = useCallback(async () => {
    if (busy.current || !cursor.current) return;
    const gen = generation.current;
    busy.current = true;
    setState((s) => ({ ...s, loadingMore: true }));
    try {
      const page = await api.listJobs(JSON.parse(key) as JobFilters, cursor.current);
      if (gen !== generation.current) return;
      cursor.current = page.nextCursor ?? null;
      setState((s) => {
        const seen = new Set(s.rows.map((r) => r.name));
        const more = page.items.map(toRow).filter((r) => !seen.has(r.name));
        return { ...s, rows: s.rows.concat(more), loadingMore: false, hasMore: !!page.nextCursor };
      });
    } catch (e) {
      if (gen !== generation.current) return;
      setState((s) => ({ ...s, loadingMore: false, error: e }));
    } finally {
      if (gen === generation.current) {
        busy.current = false;
        schedule();
      }
    }
  }, [api, key, schedule]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  useJobEvents({
    onEvent: (e) => {
      pending.current.push(e);
      schedule();
    },
    onReset: () => void load(),
  });

  return { ...state, reload: load, loadMore };
}
