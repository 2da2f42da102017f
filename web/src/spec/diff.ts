// Differences between two versions of a job spec, for the versions page: changed field
// paths written as the server writes them (spec.flinkConfiguration["a.b"], lists compared
// whole) with secrets masked, and a line diff for the SQL script.

import { flattenConfiguration } from './form';
import { MASK, isSecretKey, maskSqlSecrets } from './secrets';
import type { JobSpec } from './types';

export interface FieldChange {
  path: string;
  before?: string; // JSON text; absent: the field was not set
  after?: string;
}

// Maps whose keys are data (written path["key"]), not fields.
const KEYED_MAPS = new Set(['metadata.labels', 'spec.flinkConfiguration', 'spec.env', 'spec.logConfiguration']);
// Free-form objects compared whole.
const WHOLE = new Set(['spec.podTemplate', 'spec.jobManager.podTemplate', 'spec.taskManager.podTemplate']);

// Path -> [value compared, value shown]: secrets are compared in clear (a changed password
// is a change) and shown masked.
function flatten(job: JobSpec | undefined): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  const put = (path: string, v: unknown, shown: unknown) => out.set(path, [JSON.stringify(v), JSON.stringify(shown)]);
  const walk = (path: string, v: unknown, secret: boolean) => {
    if (v === undefined || v === null) return;
    if (KEYED_MAPS.has(path) && typeof v === 'object' && !Array.isArray(v)) {
      const entries =
        path === 'spec.flinkConfiguration'
          ? flattenConfiguration(v as Record<string, unknown>)
          : Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)] as [string, string]);
      for (const [k, x] of entries) {
        const hidden = path !== 'metadata.labels' && isSecretKey(k);
        put(`${path}["${k}"]`, x, hidden ? MASK : x);
      }
      return;
    }
    if (typeof v === 'object' && !Array.isArray(v) && !WHOLE.has(path)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        walk(path ? `${path}.${k}` : k, x, secret || isSecretKey(k));
      }
      return;
    }
    if (path === 'spec.sql' && typeof v === 'string') {
      put(path, v, maskSqlSecrets(v));
      return;
    }
    put(path, v, secret ? MASK : v);
  };
  if (job) {
    walk('metadata', job.metadata, false);
    walk('spec', job.spec, false);
  }
  return out;
}

export function diffSpecs(before: JobSpec | undefined, after: JobSpec | undefined): FieldChange[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: FieldChange[] = [];
  for (const p of paths) {
    if (a.get(p)?.[0] === b.get(p)?.[0]) continue;
    out.push({ path: p, before: a.get(p)?.[1], after: b.get(p)?.[1] });
  }
  return out;
}

export type LineOp = { op: ' ' | '-' | '+'; text: string; a?: number; b?: number };

// Line diff by longest common subsequence; scripts are small enough for O(n·m). Beyond
// that the whole text is shown as replaced rather than spending seconds.
export function diffLines(before: string, after: string, maxCells = 4_000_000): LineOp[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  // Common head and tail first: versions usually differ in a few lines.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: LineOp[] = [];
  for (let i = 0; i < head; i++) out.push({ op: ' ', text: a[i], a: i + 1, b: i + 1 });
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  if (am.length * bm.length > maxCells) {
    am.forEach((t, i) => out.push({ op: '-', text: t, a: head + i + 1 }));
    bm.forEach((t, j) => out.push({ op: '+', text: t, b: head + j + 1 }));
  } else {
    const n = am.length;
    const m = bm.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) {
        out.push({ op: ' ', text: am[i], a: head + i + 1, b: head + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.push({ op: '-', text: am[i], a: head + i + 1 });
        i++;
      } else {
        out.push({ op: '+', text: bm[j], b: head + j + 1 });
        j++;
      }
    }
  }
  for (let k = tail; k > 0; k--) {
    out.push({ op: ' ', text: a[a.length - k], a: a.length - k + 1, b: b.length - k + 1 });
  }
  return out;
}

export type DiffRow = LineOp | { op: '…'; skipped: number };

// Changed lines with `context` unchanged lines around each change; longer unchanged
// stretches become one "… N unchanged lines" row.
export function withContext(ops: LineOp[], context = 3): DiffRow[] {
  const near = new Array<boolean>(ops.length).fill(false);
  ops.forEach((o, i) => {
    if (o.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(ops.length - 1, i + context); k++) near[k] = true;
  });
  const out: DiffRow[] = [];
  let skipped = 0;
  ops.forEach((o, i) => {
    if (near[i]) {
      if (skipped) out.push({ op: '…', skipped });
      skipped = 0;
      out.push(o);
    } else skipped++;
  });
  if (skipped) out.push({ op: '…', skipped });
  return out;
}
