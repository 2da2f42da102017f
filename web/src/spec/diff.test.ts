import { describe, expect, it } from 'vitest';
import { diffLines, diffSpecs, withContext } from './diff';
import { MASK, isSecretKey, maskSqlSecrets, maskValue } from './secrets';
import type { JobSpec } from './types';

const secrets = Object.values(
  import.meta.glob<{ sql: string; masked: string }[]>('../../test/cases/sql-secrets.json', { eager: true, import: 'default' }),
)[0];

const base: JobSpec = {
  metadata: { name: 'a', team: 'web', labels: { tier: 'gold' } },
  spec: {
    flinkVersion: '1.20',
    parallelism: 2,
    flinkConfiguration: { 'state.backend.type': 'rocksdb', 's3.secret-key': 'old-secret' },
    env: { KAFKA_PASSWORD: 'x1', REGION: 'eu' },
    dependencies: ['s3://a.jar'],
    podTemplate: { spec: { nodeSelector: { pool: 'a' } } },
    sql: "CREATE TABLE t WITH ('password' = 'p1');",
  },
};

describe('diffSpecs', () => {
  it('lists changed field paths, lists and pod templates compared whole, secrets masked', () => {
    const after: JobSpec = {
      metadata: { name: 'a', team: 'web', labels: { tier: 'silver' } },
      spec: {
        flinkVersion: '1.20',
        parallelism: 4,
        flinkConfiguration: { 'state.backend': { type: 'rocksdb' }, 's3.secret-key': 'new-secret', 'pipeline.name': 'x' },
        env: { KAFKA_PASSWORD: 'x2', REGION: 'eu' },
        dependencies: ['s3://a.jar', 's3://b.jar'],
        podTemplate: { spec: { nodeSelector: { pool: 'b' } } },
        sql: "CREATE TABLE t WITH ('password' = 'p2');",
      },
    };
    const changes = diffSpecs(base, after);
    expect(changes.map((c) => c.path)).toEqual([
      'metadata.labels["tier"]',
      'spec.dependencies',
      'spec.env["KAFKA_PASSWORD"]',
      'spec.flinkConfiguration["pipeline.name"]',
      'spec.flinkConfiguration["s3.secret-key"]',
      'spec.parallelism',
      'spec.podTemplate',
      'spec.sql',
    ]);
    const text = JSON.stringify(changes);
    for (const secret of ['old-secret', 'new-secret', 'x1', 'x2', 'p1', 'p2']) expect(text).not.toContain(secret);
    expect(changes.find((c) => c.path === 'spec.parallelism')).toEqual({ path: 'spec.parallelism', before: '2', after: '4' });
    expect(changes.find((c) => c.path === 'spec.flinkConfiguration["pipeline.name"]')).toEqual({
      path: 'spec.flinkConfiguration["pipeline.name"]',
      before: undefined,
      after: '"x"',
    });
  });
  it('lists a change of secrets without showing them', () => {
    const after = { ...base, spec: { ...base.spec, sql: "CREATE TABLE t WITH ('password' = 'other');" } };
    const changes = diffSpecs(base, after);
    expect(changes.map((c) => c.path)).toEqual(['spec.sql']);
    expect(changes[0].before).toBe(changes[0].after);
    expect(JSON.stringify(changes)).not.toMatch(/p1|other/);
    const changed = { ...base, spec: { ...base.spec, sql: "CREATE TABLE u WITH ('password' = 'p1');" } };
    expect(diffSpecs(base, changed).map((c) => c.path)).toEqual(['spec.sql']);
  });
  it('is empty for the same spec', () => expect(diffSpecs(base, JSON.parse(JSON.stringify(base)))).toEqual([]));
});

describe('diffLines', () => {
  const render = (ops: ReturnType<typeof diffLines>) => ops.map((o) => o.op + o.text).join('\n');
  it('keeps common lines and marks removed before added', () => {
    expect(render(diffLines('a\nb\nc\nd', 'a\nB\nc\nd\ne'))).toBe(' a\n-b\n+B\n c\n d\n+e');
  });
  it('numbers lines on both sides', () => {
    const ops = diffLines('x\ny', 'y');
    expect(ops).toEqual([
      { op: '-', text: 'x', a: 1 },
      { op: ' ', text: 'y', a: 2, b: 1 },
    ]);
  });
  it('handles empty texts', () => {
    expect(render(diffLines('', 'a'))).toBe('+a');
    expect(render(diffLines('a', ''))).toBe('-a');
    expect(diffLines('', '')).toEqual([]);
  });
  it('falls back to replace-all beyond its budget', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    const ops = diffLines(a, b, 100);
    expect(ops.filter((o) => o.op === '-')).toHaveLength(50);
    expect(ops.filter((o) => o.op === '+')).toHaveLength(50);
  });
});

describe('secrets', () => {
  it('recognises secret keys as the server does', () => {
    for (const k of ['password', 'DB_PASSWORD', 's3.secret-key', 'api.Token', 'properties.sasl.jaas.config'])
      expect(isSecretKey(k)).toBe(true);
    for (const k of ['username', 'state.backend', 'REGION']) expect(isSecretKey(k)).toBe(false);
    expect(maskValue('DB_PASSWORD', 'x')).toBe(MASK);
    expect(maskValue('DB_PASSWORD', '')).toBe('');
    expect(maskValue('user', 'x')).toBe('x');
  });
  for (const c of secrets) {
    it(`masks SQL option values: ${c.sql.slice(0, 40)}`, () => expect(maskSqlSecrets(c.sql)).toBe(c.masked));
  }
});

describe('withContext', () => {
  it('keeps changes and their neighbours and folds the rest', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = [...a];
    b[10] = 'changed';
    const rows = withContext(diffLines(a.join('\n'), b.join('\n')), 2);
    expect(rows.map((r) => (r.op === '…' ? `…${r.skipped}` : r.op + r.text))).toEqual([
      '…8',
      ' l8',
      ' l9',
      '-l10',
      '+changed',
      ' l11',
      ' l12',
      '…7',
    ]);
  });
  it('folds nothing when there is no change', () => {
    expect(withContext(diffLines('a\nb', 'a\nb'), 3)).toEqual([{ op: '…', skipped: 2 }]);
  });
});
