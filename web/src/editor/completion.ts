// Completion in the SQL editor: keywords (from the dialect), the tables and views the
// script defines and their columns (from the analyzer's answers), and Flink option keys
// after SET (from the option catalog of the chosen Flink version).

import type { Completion, CompletionContext, CompletionResult, CompletionSource } from '@codemirror/autocomplete';
import type { FlinkOption } from '../api/types';

export interface ScriptSchema {
  tables: string[];
  columns: Record<string, string[]>; // table -> column names
}

// Where an option key is being typed after SET: `SET 'exec` or the legacy `SET exec`.
// `before` is the line's text up to the cursor. Returns the offset in the line where the
// key starts and whether it is quoted, or null.
export function optionKeyContext(before: string): { start: number; quoted: boolean } | null {
  const quoted = /^(\s*SET\s+')([^'=]*)$/i.exec(before);
  if (quoted) return { start: quoted[1].length, quoted: true };
  const bare = /^(\s*SET\s+)([A-Za-z0-9_.$-]*)$/i.exec(before);
  if (bare) return { start: bare[1].length, quoted: false };
  return null;
}

export function optionCompletions(options: FlinkOption[]): Completion[] {
  return options.map((o) => ({
    label: o.key,
    type: 'property',
    detail: o.type,
    info: [o.description, o.default ? `Default: ${o.default}` : ''].filter(Boolean).join('\n\n') || undefined,
  }));
}

export function optionKeySource(getOptions: () => FlinkOption[]): CompletionSource {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    const at = optionKeyContext(before);
    if (!at) return null;
    const options = getOptions();
    if (options.length === 0) return null;
    return {
      from: line.from + at.start,
      options: optionCompletions(options),
      validFor: /^[A-Za-z0-9_.$-]*$/,
    };
  };
}

// The identifier being typed before the cursor, and the qualifier before a dot if any:
// "o.cu" -> {qualifier: "o", word: "cu"}.
export function identifierBefore(before: string): { qualifier: string | null; word: string } | null {
  const m = /(?:(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_$]*)\.)?(`?[A-Za-z0-9_$]*)$/.exec(before);
  if (!m) return null;
  const unquote = (s: string) => (s.startsWith('`') ? s.slice(1, s.endsWith('`') ? -1 : undefined).replace(/``/g, '`') : s);
  return { qualifier: m[1] ? unquote(m[1]) : null, word: m[2] };
}

export function scriptSource(getSchema: () => ScriptSchema): CompletionSource {
  return (ctx: CompletionContext): CompletionResult | null => {
    const line = ctx.state.doc.lineAt(ctx.pos);
    const before = line.text.slice(0, ctx.pos - line.from);
    if (optionKeyContext(before)) return null;
    // Not inside a string or a comment on this line.
    if ((before.match(/'/g) ?? []).length % 2 === 1 || /--|\/\//.test(before)) return null;
    const id = identifierBefore(before);
    if (!id) return null;
    if (!id.qualifier && id.word === '' && !ctx.explicit) return null;
    const schema = getSchema();
    const from = ctx.pos - id.word.length;
    if (id.qualifier) {
      const table = schema.tables.find(
        (t) => t.toLowerCase() === id.qualifier!.toLowerCase() || t.split('.').pop()!.toLowerCase() === id.qualifier!.toLowerCase(),
      );
      const cols = table ? (schema.columns[table] ?? []) : [];
      if (cols.length === 0) return null;
      return {
        from,
        options: cols.map((c) => ({ label: c, type: 'property', detail: `column of ${table}` })),
        validFor: /^`?[A-Za-z0-9_$]*$/,
      };
    }
    const options: Completion[] = schema.tables.map((t) => ({ label: t, type: 'class', detail: 'table in this script', boost: 5 }));
    for (const [t, cols] of Object.entries(schema.columns)) {
      for (const c of cols) options.push({ label: c, type: 'property', detail: `column of ${t}` });
    }
    if (options.length === 0) return null;
    return { from, options, validFor: /^`?[A-Za-z0-9_$]*$/ };
  };
}
