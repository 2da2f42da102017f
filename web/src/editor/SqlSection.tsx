// The SQL part of the job form: the editor, the list of problems (each one a button that
// moves the cursor there), and the tables the script defines for completion.

import type { EditorView } from '@codemirror/view';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import type { CheckAnswer, FlinkOption, LineageAnswer } from '../api/types';
import { useApi } from '../app/ApiContext';
import { LineageGraph } from '../jobs/LineageGraph';
import { fieldId, type FieldProblem } from '../ui/Field';
import type { ScriptSchema } from './completion';
import { LineMap, definedTables, summarize, toEditorDiagnostic } from './diagnostics';
import { SqlEditor } from './SqlEditor';

export interface SqlStatus {
  checking: boolean;
  answer: CheckAnswer | null;
  error: unknown;
  errors: number;
}

export function SqlSection({
  value,
  onChange,
  flinkVersion,
  options,
  fieldProblems,
  onStatus,
}: {
  value: string;
  onChange: (sql: string) => void;
  flinkVersion: string;
  options: FlinkOption[];
  fieldProblems: FieldProblem[];
  onStatus: (s: SqlStatus) => void;
}) {
  const api = useApi();
  const view = useRef<EditorView | null>(null);
  const [answer, setAnswer] = useState<{ answer: CheckAnswer; text: string } | null>(null);
  const [checkError, setCheckError] = useState<unknown>(null);
  const [schema, setSchema] = useState<ScriptSchema>({ tables: [], columns: {} });
  const [lineage, setLineage] = useState<LineageAnswer | null>(null);
  const [showLineage, setShowLineage] = useState(false);
  const lineageTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flinkVersionRef = useRef(flinkVersion);
  flinkVersionRef.current = flinkVersion;

  const check = useCallback((sql: string, version: string, signal: AbortSignal) => api.sqlCheck(sql, version, signal), [api]);

  const onChecked = useCallback(
    (a: CheckAnswer | null, e: unknown, text: string) => {
      setCheckError(e);
      if (a) {
        setAnswer({ answer: a, text });
        const tables = definedTables(a);
        setSchema((s) => ({ tables, columns: Object.fromEntries(Object.entries(s.columns).filter(([t]) => tables.includes(t))) }));
        onStatus({ checking: false, answer: a, error: null, errors: a.diagnostics.filter((d) => d.severity === 'error').length });
        // Columns and lineage come from the lineage answer, asked less often.
        if (lineageTimer.current) clearTimeout(lineageTimer.current);
        if (a.ok && tables.length > 0) {
          lineageTimer.current = setTimeout(() => {
            api.sqlLineage(text, flinkVersionRef.current).then(
              (l) => {
                setLineage(l);
                setSchema({
                  tables,
                  columns: Object.fromEntries(
                    l.tables.filter((t) => tables.includes(t.name)).map((t) => [t.name, (t.columns ?? []).map((c) => c.name)]),
                  ),
                });
              },
              () => undefined,
            );
          }, 1000);
        }
      } else {
        onStatus({ checking: false, answer: null, error: e, errors: 0 });
      }
    },
    [api, onStatus],
  );

  useEffect(
    () => () => {
      if (lineageTimer.current) clearTimeout(lineageTimer.current);
    },
    [],
  );

  const diagnostics = answer
    ? (() => {
        const map = new LineMap(answer.text);
        return answer.answer.diagnostics.map((d) => ({ d, pos: toEditorDiagnostic(map, d) }));
      })()
    : [];
  const stale = answer !== null && answer.text !== value;

  const goTo = (from: number, to: number) => {
    const v = view.current;
    if (!v) return;
    const len = v.state.doc.length;
    v.dispatch({ selection: { anchor: Math.min(from, len), head: Math.min(to, len) }, scrollIntoView: true });
    v.focus();
  };

  return (
    <div className="sql-section">
      <div className="label-row">
        <span className="label" id="sql-label">
          SQL script
        </span>
        <span className="muted small-text">Ctrl-Space completes · F8 next problem · Tab leaves the editor</span>
      </div>
      <SqlEditor
        id={fieldId('spec.sql')}
        aria-describedby="sql-problems"
        value={value}
        onChange={onChange}
        flinkVersion={flinkVersion}
        check={check}
        onChecked={onChecked}
        options={options}
        schema={schema}
        onReady={(v) => (view.current = v)}
      />
      <div id="sql-problems" className="sql-problems" aria-live="polite">
        {fieldProblems.map((p, i) => (
          <p key={i} className={`form-${p.severity}`}>
            {p.message}
          </p>
        ))}
        {checkError ? (
          <p className="form-warning">
            The SQL check is unavailable ({errorMessage(checkError)}); the script is checked again when you save.
          </p>
        ) : answer ? (
          <>
            <p className="sql-summary" data-testid="sql-summary">
              {summarize(answer.answer.diagnostics)}
              {answer.answer.statements.length > 0 &&
                ` · ${answer.answer.statements.length} ${answer.answer.statements.length === 1 ? 'statement' : 'statements'}`}
              {stale && ' · checking…'}
            </p>
            {diagnostics.length > 0 && (
              <ul className="diagnostics">
                {diagnostics.map(({ d, pos }, i) => (
                  <li key={i} className={d.severity}>
                    <button type="button" className="link" onClick={() => goTo(pos.from, pos.to)}>
                      Line {d.line}, column {d.column}
                    </button>{' '}
                    <span className={`sev sev-${d.severity}`}>{d.severity}</span> {d.message.split('\n')[0]}{' '}
                    <span className="muted">[{d.code}]</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        ) : null}
        {lineage && lineage.edges.length > 0 && (
          <div className="sql-lineage">
            <button type="button" className="small" aria-expanded={showLineage} onClick={() => setShowLineage((s) => !s)}>
              {showLineage ? 'Hide lineage' : 'Show lineage'}
            </button>
            {showLineage && <LineageGraph lineage={lineage} />}
          </div>
        )}
      </div>
    </div>
  );
}
