// From the analyzer's answer (`sluice sql check --json`) to editor ranges.
//
// The analyzer counts lines from 1 at each "\n" and columns from 1 in characters (Unicode
// code points; a tab is one column); end_line/end_column name the last character,
// inclusive. The editor counts UTF-16 code units from the start of the document, end
// exclusive. A position past the end of its line (an error "at the end of the input")
// is clamped to the line's end; a line past the last is clamped to the document's end.

import type { CheckAnswer, CheckDiagnostic } from '../api/types';

export interface EditorDiagnostic {
  from: number;
  to: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  source: string; // the diagnostic code
  line: number;
  column: number;
}

// Line starts of a text, computed once per document.
export class LineMap {
  readonly text: string;
  private readonly starts: number[] = [0];

  constructor(text: string) {
    this.text = text;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[line - 1];
  }

  lineEnd(line: number): number {
    return line < this.starts.length ? this.starts[line] - 1 : this.text.length;
  }

  // UTF-16 offset of 1-based (line, column in code points), clamped as described above.
  offset(line: number, column: number): number {
    if (line < 1) return 0;
    if (line > this.starts.length) return this.text.length;
    const end = this.lineEnd(line);
    let pos = this.lineStart(line);
    for (let c = 1; c < column && pos < end; c++) pos += codePointLength(this.text, pos);
    return pos;
  }
}

function codePointLength(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  if (c >= 0xd800 && c <= 0xdbff && pos + 1 < text.length) {
    const d = text.charCodeAt(pos + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

function severityOf(s: string): EditorDiagnostic['severity'] {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'info';
}

export function toEditorDiagnostic(map: LineMap, d: CheckDiagnostic): EditorDiagnostic {
  const from = map.offset(d.line, d.column);
  let to = from;
  const endLine = d.end_line ?? d.line;
  const endColumn = d.end_column ?? d.column;
  if (endLine > d.line || (endLine === d.line && endColumn >= d.column)) {
    const last = map.offset(endLine, endColumn);
    // Inclusive end: step over the last character unless it lies beyond its line.
    const lineEnd = endLine <= map.lineCount ? map.lineEnd(endLine) : map.text.length;
    to = last < lineEnd ? last + codePointLength(map.text, last) : last;
  }
  if (to < from) to = from;
  return {
    from,
    to,
    severity: severityOf(d.severity),
    message: d.message,
    source: d.code,
    line: d.line,
    column: d.column,
  };
}

export function toEditorDiagnostics(text: string, answer: CheckAnswer): EditorDiagnostic[] {
  const map = new LineMap(text);
  return (answer.diagnostics ?? []).map((d) => toEditorDiagnostic(map, d));
}

export function summarize(diagnostics: { severity: string }[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors === 0 && warnings === 0) return 'No problems';
  const parts = [];
  if (errors) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
  if (warnings) parts.push(`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`);
  return parts.join(', ');
}

// ---- Tables the script defines, from the statements of the check answer ----

const DEFINING_KINDS = new Set(['CREATE_TABLE', 'CREATE_TABLE_AS', 'REPLACE_TABLE_AS', 'CREATE_VIEW', 'CREATE_MATERIALIZED_TABLE']);

// Reads the object name of a CREATE statement: CREATE [OR REPLACE] [TEMPORARY [SYSTEM]]
// [MATERIALIZED] TABLE|VIEW [IF NOT EXISTS] name, where name is a dotted path of plain or
// back-quoted identifiers. Returns the last part (how the script refers to it mostly) and
// the full path.
export function definedName(text: string): { name: string; path: string } | null {
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text.startsWith('--', i) || text.startsWith('//', i)) {
        while (i < n && text[i] !== '\n') i++;
      } else if (text.startsWith('/*', i)) {
        const e = text.indexOf('*/', i + 2);
        i = e < 0 ? n : e + 2;
      } else return;
    }
  };
  const word = (): string => {
    skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i, i + 64));
    return m ? m[0] : '';
  };
  const take = (w: string) => {
    if (word().toUpperCase() === w) {
      i += w.length;
      return true;
    }
    return false;
  };
  if (!take('CREATE')) return null;
  if (take('OR') && !take('REPLACE')) return null;
  if (take('TEMPORARY')) take('SYSTEM');
  take('MATERIALIZED');
  if (!take('TABLE') && !take('VIEW')) return null;
  const save = i;
  if (!(take('IF') && take('NOT') && take('EXISTS'))) i = save;
  const parts: string[] = [];
  for (;;) {
    skipSpace();
    if (text[i] === '`') {
      let s = '';
      i++;
      while (i < n) {
        if (text[i] === '`') {
          if (text[i + 1] === '`') {
            s += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      parts.push(s);
    } else {
      const w = word();
      if (!w) break;
      parts.push(w);
      i += w.length;
    }
    skipSpace();
    if (text[i] !== '.') break;
    i++;
  }
  if (parts.length === 0) return null;
  return { name: parts[parts.length - 1], path: parts.join('.') };
}

export function definedTables(answer: CheckAnswer): string[] {
  const names = new Set<string>();
  for (const s of answer.statements ?? []) {
    if (!DEFINING_KINDS.has(s.kind)) continue;
    const d = definedName(s.text);
    if (d) names.add(d.path);
  }
  return [...names];
}
