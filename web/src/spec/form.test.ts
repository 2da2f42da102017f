import { describe, expect, it } from 'vitest';
import { emptyForm, flattenConfiguration, formToSpec, kv, specToForm, type FormState } from './form';
import type { JobSpec } from './types';

interface Case {
  what: string;
  input: JobSpec;
  expected: JobSpec;
}
interface ErrorCase {
  what: string;
  set?: Partial<Record<keyof FormState, string>>;
  rows?: Partial<Record<'flinkConfiguration' | 'env' | 'labels', [string, string][]>>;
  errors: string[];
}

const cases = import.meta.glob<Case>('../../test/cases/spec/*.json', { eager: true, import: 'default' });
const errorCases = Object.values(import.meta.glob<ErrorCase[]>('../../test/cases/form-errors.json', { eager: true, import: 'default' }))[0];

describe('job spec <-> form', () => {
  for (const [file, c] of Object.entries(cases)) {
    it(`${file.split('/').pop()}: ${c.what}`, () => {
      const { spec, errors } = formToSpec(specToForm(c.input));
      expect(errors).toEqual([]);
      expect(spec).toEqual(c.expected);
      // Saving again changes nothing.
      expect(formToSpec(specToForm(spec)).spec).toEqual(c.expected);
    });
  }

  it('picks the program from the spec', () => {
    expect(specToForm({ metadata: { name: 'a' }, spec: { jar: { jarURI: 'x://y' } } }).program).toBe('jar');
    expect(specToForm({ metadata: { name: 'a' }, spec: { sqlFile: 's3://x' } }).program).toBe('sqlFile');
    expect(specToForm({ metadata: { name: 'a' }, spec: { sql: 'SELECT 1' } }).program).toBe('sql');
  });

  it('sends only the chosen program', () => {
    const f: FormState = { ...emptyForm(), name: 'a', sql: 'SELECT 1', jarURI: 'local:///a.jar', sqlFile: 's3://b' };
    expect(formToSpec({ ...f, program: 'sql' }).spec.spec).toMatchObject({ sql: 'SELECT 1' });
    expect(formToSpec({ ...f, program: 'sql' }).spec.spec.jar).toBeUndefined();
    expect(formToSpec({ ...f, program: 'jar' }).spec.spec.jar).toEqual({ jarURI: 'local:///a.jar' });
    expect(formToSpec({ ...f, program: 'jar' }).spec.spec.sql).toBeUndefined();
    expect(formToSpec({ ...f, program: 'sqlFile' }).spec.spec.sqlFile).toBe('s3://b');
  });

  it('writes a new job with the form defaults and nothing empty', () => {
    const { spec } = formToSpec({ ...emptyForm(), name: 'n', sql: 'SELECT 1' });
    expect(spec).toEqual({
      apiVersion: 'sluice.dev/v1',
      kind: 'FlinkJob',
      metadata: { name: 'n' },
      spec: {
        flinkVersion: '1.20',
        target: 'kubernetes-application',
        sql: 'SELECT 1',
        parallelism: 1,
        upgradeMode: 'stateless',
        state: 'running',
      },
    });
  });

  it('splits arguments and dependencies one a line, dropping blank lines', () => {
    const { spec } = formToSpec({
      ...emptyForm(),
      program: 'jar',
      jarURI: 'local:///a.jar',
      args: '--a\n\n  30 min  \n',
      dependencies: ' s3://x.jar \n\ns3://y.jar',
    });
    expect(spec.spec.jar?.args).toEqual(['--a', '30 min']);
    expect(spec.spec.dependencies).toEqual(['s3://x.jar', 's3://y.jar']);
  });

  for (const c of errorCases) {
    it(`form errors: ${c.what}`, () => {
      const f: FormState = { ...emptyForm(), name: 'x', ...(c.set ?? {}) } as FormState;
      for (const [field, rows] of Object.entries(c.rows ?? {})) {
        (f as unknown as Record<string, unknown>)[field] = rows!.map(([k, v]) => kv(k, v));
      }
      expect(
        formToSpec(f)
          .errors.map((e) => e.path)
          .sort(),
      ).toEqual([...c.errors].sort());
    });
  }
});

describe('flattenConfiguration', () => {
  it('flattens nesting and renders lists and maps the way Flink reads them', () => {
    expect(
      flattenConfiguration({
        a: { b: { c: 1 } },
        'x.y': false,
        l: ['p', 'q'],
        m: [{ k1: 'v1', k2: 2 }],
        n: null,
      }),
    ).toEqual([
      ['a.b.c', '1'],
      ['x.y', 'false'],
      ['l', 'p;q'],
      ['m', 'k1:v1,k2:2'],
      ['n', ''],
    ]);
  });
});
