// The job list's rows: a slim copy of each job (the list may hold 10,000) and the
// application of live events to them.

import type { Job, JobEvent } from '../api/types';

export interface JobRow {
  name: string;
  team: string;
  target: string;
  cluster: string;
  flinkVersion: string;
  program: 'SQL' | 'JAR' | '';
  state: string;
  reason: string;
  updatedAt: string;
}

export function toRow(job: Job): JobRow {
  const s = job.spec ?? {};
  return {
    name: job.metadata?.name ?? '',
    team: job.metadata?.team ?? '',
    target: s.target ?? '',
    cluster: s.cluster ?? '',
    flinkVersion: s.flinkVersion ?? '',
    program: s.jar ? 'JAR' : s.sql !== undefined || s.sqlFile !== undefined ? 'SQL' : '',
    state: job.status?.state ?? 'DRAFT',
    reason: job.status?.reason ?? '',
    updatedAt: job.status?.updatedAt ?? '',
  };
}

export interface ApplyResult {
  rows: JobRow[];
  changed: number; // rows updated in place
  removed: number;
  unknown: number; // events of jobs not in the list (new, or beyond the loaded pages)
}

function isDeletion(e: JobEvent): boolean {
  return e.type === 'deleted' || e.type === 'job-deleted' || e.to === 'DELETED';
}

// Applies events in order. An event that moves the job to a state sets the row's state
// and reason; the last event of a job decides. Returns the same array when nothing changed.
export function applyEvents(rows: JobRow[], events: JobEvent[]): ApplyResult {
  if (events.length === 0) return { rows, changed: 0, removed: 0, unknown: 0 };
  const index = new Map<string, number>();
  rows.forEach((r, i) => index.set(r.name, i));
  let next: JobRow[] | null = null;
  const deleted = new Set<string>();
  let changed = 0;
  let unknown = 0;
  for (const e of events) {
    const i = index.get(e.job);
    if (i === undefined) {
      unknown++;
      continue;
    }
    if (isDeletion(e)) {
      deleted.add(e.job);
      continue;
    }
    if (!e.to) continue;
    next ??= rows.slice();
    next[i] = { ...next[i], state: e.to, reason: e.reason ?? '', updatedAt: e.time ?? next[i].updatedAt };
    changed++;
  }
  let out = next ?? rows;
  if (deleted.size) out = out.filter((r) => !deleted.has(r.name));
  return { rows: out, changed, removed: deleted.size, unknown };
}
