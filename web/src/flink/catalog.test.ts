import { describe, expect, it } from 'vitest';
import type { FlinkOption } from '../api/types';
import { OptionCatalog, closestMatch, editDistance } from './catalog';

const options = Object.values(
  import.meta.glob<FlinkOption[]>('../../test/cases/flink-options-sample.json', { eager: true, import: 'default' }),
)[0];
const values = Object.values(
  import.meta.glob<[string, string, string | null][]>('../../test/cases/option-values.json', { eager: true, import: 'default' }),
)[0];

describe('OptionCatalog.check', () => {
  const catalog = new OptionCatalog('1.20', options);
  for (const [key, value, worst] of values) {
    it(`${key || '(empty key)'}: ${value} -> ${worst ?? 'fine'}`, () => {
      const findings = catalog.check(key, value);
      const got = findings.some((f) => f.severity === 'error') ? 'error' : findings.length ? 'warning' : null;
      expect(got).toBe(worst);
    });
  }
  it('suggests the closest key for a typo and names the replacement of a deprecated key', () => {
    expect(catalog.check('parallelism.defualt', '1')[0].message).toContain('did you mean parallelism.default?');
    expect(catalog.check('state.backend', 'rocksdb')[0].message).toContain('use state.backend.type');
  });
  it('finds placeholder keys', () => {
    expect(catalog.find('metrics.reporter.jmx.port')?.key).toBe('metrics.reporter.<name>.port');
    expect(catalog.find('metrics.reporter.port')).toBeUndefined();
  });
});

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
  it('only suggests near words', () => {
    expect(closestMatch('paralelism', ['parallelism', 'parity'])).toBe('parallelism');
    expect(closestMatch('zzz', ['parallelism'])).toBeNull();
  });
});
