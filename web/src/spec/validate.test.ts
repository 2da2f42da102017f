import { describe, expect, it } from 'vitest';
import type { FlinkOption } from '../api/types';
import { OptionCatalog } from '../flink/catalog';
import type { JobSpec } from './types';
import { validateSpec } from './validate';

interface Cases {
  base: JobSpec;
  cases: { what: string; patch: Record<string, unknown>; catalog?: boolean; findings: [string, string, string?][] }[];
}
const data = Object.values(import.meta.glob<Cases>('../../test/cases/validate.json', { eager: true, import: 'default' }))[0];
const options = Object.values(
  import.meta.glob<FlinkOption[]>('../../test/cases/flink-options-sample.json', { eager: true, import: 'default' }),
)[0];

// Deep merge where null removes a field.
function merge(base: unknown, patch: unknown): unknown {
  if (patch === null) return undefined;
  if (typeof patch !== 'object' || Array.isArray(patch) || typeof base !== 'object' || base === null) return patch;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    const m = merge(out[k], v);
    if (m === undefined) delete out[k];
    else out[k] = m;
  }
  return out;
}

describe('validateSpec', () => {
  const catalog = new OptionCatalog('1.20', options);
  for (const c of data.cases) {
    it(c.what, () => {
      const spec = merge(data.base, c.patch) as JobSpec;
      const got = validateSpec(spec, c.catalog ? catalog : null);
      expect(got.map((f) => [f.path, f.severity]).sort()).toEqual(c.findings.map(([p, s]) => [p, s]).sort());
      for (const [path, , text] of c.findings) {
        if (text) expect(got.find((f) => f.path === path)?.message).toContain(text);
      }
    });
  }
});
