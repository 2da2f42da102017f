import { describe, expect, it } from 'vitest';
import {
  asPage,
  eventsNewestFirst,
  savepointsNewestFirst,
  toExceptions,
  toFlinkOptions,
  toJob,
  toMe,
  toMembers,
  toPreflight,
  toRender,
  toSavepoint,
} from './normalize';
import type { JobEvent, Savepoint } from './types';

interface Case {
  what: string;
  fn: keyof typeof FNS;
  answer: unknown;
  expect: unknown;
}

const FNS = { asPage, toExceptions, toFlinkOptions, toJob, toMe, toMembers, toPreflight, toRender, toSavepoint } as const;

const files = import.meta.glob<Case[]>('../../test/cases/server-answers.json', { eager: true, import: 'default' });
const cases = Object.values(files).flat();

// undefined fields are left out, as JSON would.
const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('server answers in the pages’ shapes', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(`${c.fn}: ${c.what}`, () => {
      expect(plain((FNS[c.fn] as (x: unknown) => unknown)(c.answer))).toEqual(c.expect);
    });
  }

  it('orders savepoints and events newest first', () => {
    const sp = (id: string, createdAt: string) => ({ id, createdAt, status: 'COMPLETED' }) as Savepoint;
    expect(savepointsNewestFirst([sp('a', '2026-01-01T00:00:00Z'), sp('b', '2026-01-02T00:00:00Z')]).map((s) => s.id)).toEqual(['b', 'a']);
    const ev = (id: number) => ({ id, job: 'j', type: 'state', time: '' }) as JobEvent;
    expect(eventsNewestFirst([ev(1), ev(3), ev(2)]).map((e) => e.id)).toEqual([3, 2, 1]);
  });
});
