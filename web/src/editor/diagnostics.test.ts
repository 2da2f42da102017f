import { describe, expect, it } from 'vitest';
import type { CheckAnswer } from '../api/types';
import { LineMap, definedName, definedTables, summarize, toEditorDiagnostics } from './diagnostics';

interface Case {
  what: string;
  sql: string;
  answer: CheckAnswer;
  expect: { from: number; to: number; marked: string; severity: string }[];
}

const cases = import.meta.glob<Case>('../../test/cases/diagnostics/*.json', { eager: true, import: 'default' });
const names = import.meta.glob<{ kind: string; text: string; path: string | null }[]>('../../test/cases/defined-names.json', {
  eager: true,
  import: 'default',
});

describe('analyzer diagnostics to editor ranges', () => {
  const entries = Object.entries(cases);
  it('has cases', () => expect(entries.length).toBeGreaterThan(5));
  for (const [file, c] of entries) {
    it(`${file.split('/').pop()}: ${c.what}`, () => {
      const got = toEditorDiagnostics(c.sql, c.answer);
      expect(got).toHaveLength(c.expect.length);
      got.forEach((d, i) => {
        const e = c.expect[i];
        expect({ from: d.from, to: d.to, severity: d.severity }).toEqual({ from: e.from, to: e.to, severity: e.severity });
        expect(c.sql.slice(d.from, d.to)).toBe(e.marked);
        expect(d.line).toBe(c.answer.diagnostics[i].line);
        expect(d.source).toBe(c.answer.diagnostics[i].code);
      });
    });
  }
});

describe('LineMap', () => {
  it('maps lines and columns to UTF-16 offsets', () => {
    const m = new LineMap('ab\n😀c\n');
    expect(m.lineCount).toBe(3);
    expect(m.offset(2, 1)).toBe(3);
    expect(m.offset(2, 2)).toBe(5); // after the emoji (two code units)
    expect(m.offset(2, 99)).toBe(6); // clamped to the end of line 2
    expect(m.offset(3, 1)).toBe(7);
    expect(m.offset(0, 1)).toBe(0);
  });
});

describe('summarize', () => {
  it('counts errors and warnings', () => {
    expect(summarize([])).toBe('No problems');
    expect(summarize([{ severity: 'error' }, { severity: 'warning' }, { severity: 'warning' }])).toBe('1 error, 2 warnings');
    expect(summarize([{ severity: 'error' }, { severity: 'error' }])).toBe('2 errors');
  });
});

describe('tables defined by the script', () => {
  const list = Object.values(names)[0];
  for (const c of list) {
    it(`${c.text.replace(/\n/g, ' ')}`, () => {
      const got = definedName(c.text);
      if (c.path === null && c.kind !== 'CREATE_TABLE') {
        expect(
          definedTables({
            ok: true,
            diagnostics: [],
            statements: [{ kind: c.kind, text: c.text, line: 1, column: 1, end_line: 1, end_column: 1 }],
          }),
        ).toEqual([]);
      } else {
        expect(got?.path ?? null).toBe(c.path);
      }
    });
  }
  it('collects the names of defining statements once each', () => {
    const st = (kind: string, text: string) => ({ kind, text, line: 1, column: 1, end_line: 1, end_column: 1 });
    const answer: CheckAnswer = {
      ok: true,
      diagnostics: [],
      statements: [
        st('CREATE_TABLE', 'CREATE TABLE a (x INT)'),
        st('CREATE_VIEW', 'CREATE VIEW b AS SELECT 1'),
        st('INSERT', 'INSERT INTO a SELECT 1'),
        st('CREATE_TABLE', 'CREATE TABLE IF NOT EXISTS a (x INT)'),
      ],
    };
    expect(definedTables(answer)).toEqual(['a', 'b']);
  });
});
