import { describe, expect, it } from 'vitest';
import type { Job, JobEvent } from '../api/types';
import { applyEvents, toRow, type JobRow } from './jobRows';

const row = (name: string, state = 'RUNNING'): JobRow => ({
  name,
  team: 't',
  target: 'kubernetes-application',
  cluster: 'c',
  flinkVersion: '1.20',
  program: 'SQL',
  state,
  reason: '',
  updatedAt: '',
});
let id = 0;
const ev = (job: string, to: string | undefined, extra: Partial<JobEvent> = {}): JobEvent => ({
  id: ++id,
  job,
  type: 'state-changed',
  to,
  time: '2025-01-01T00:00:00Z',
  ...extra,
});

describe('toRow', () => {
  it('reads what the list shows from a job', () => {
    const job: Job = {
      metadata: { name: 'a', team: 'web' },
      spec: { target: 'yarn-application', cluster: 'y', flinkVersion: '1.17', jar: { jarURI: 'x://a' } },
      status: { state: 'FAILED', reason: 'OOM', updatedAt: '2025-01-01T00:00:00Z' },
    };
    expect(toRow(job)).toEqual({
      name: 'a',
      team: 'web',
      target: 'yarn-application',
      cluster: 'y',
      flinkVersion: '1.17',
      program: 'JAR',
      state: 'FAILED',
      reason: 'OOM',
      updatedAt: '2025-01-01T00:00:00Z',
    });
    expect(toRow({ metadata: { name: 'b' }, spec: {}, status: undefined as unknown as Job['status'] }).state).toBe('DRAFT');
  });
});

describe('applyEvents', () => {
  it('sets state and reason; the last event of a job wins', () => {
    const rows = [row('a'), row('b')];
    const r = applyEvents(rows, [ev('a', 'FAILED', { reason: 'boom' }), ev('a', 'RESTARTING'), ev('b', 'SUSPENDED')]);
    expect(r.rows.map((x) => [x.name, x.state, x.reason])).toEqual([
      ['a', 'RESTARTING', ''],
      ['b', 'SUSPENDED', ''],
    ]);
    expect(r.changed).toBe(3);
    expect(rows[0].state).toBe('RUNNING'); // not mutated
  });
  it('returns the same array when nothing applies', () => {
    const rows = [row('a')];
    const r = applyEvents(rows, [ev('a', undefined, { type: 'savepoint-completed' })]);
    expect(r.rows).toBe(rows);
    expect(applyEvents(rows, []).rows).toBe(rows);
  });
  it('counts events of jobs not in the list', () => {
    const r = applyEvents([row('a')], [ev('zzz', 'RUNNING'), ev('yyy', 'DEPLOYING')]);
    expect(r.unknown).toBe(2);
  });
  it('removes deleted jobs', () => {
    const r = applyEvents([row('a'), row('b')], [ev('a', 'DELETED', { type: 'deleted' })]);
    expect(r.rows.map((x) => x.name)).toEqual(['b']);
    expect(r.removed).toBe(1);
  });
  it('applies a burst of 10,000 events to 10,000 rows quickly enough to batch', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`job-${i}`));
    const events = Array.from({ length: 10_000 }, (_, i) => ev(`job-${(i * 7) % 10_000}`, i % 2 ? 'RUNNING' : 'RESTARTING'));
    const r = applyEvents(rows, events);
    expect(r.changed).toBe(10_000);
    expect(r.rows).toHaveLength(10_000);
  });
});
