// The SQL editor: CodeMirror 6 with Flink SQL highlighting, the analyzer's diagnostics
// inline while the user types (POST /sql/check after a pause), and completion.
//
// Tab is left to the browser so that keyboard users can leave the editor; Ctrl-Space
// opens completion, F8 jumps to the next problem.

import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { keywordCompletionSource, sql as sqlLanguage } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { forceLinting, lintGutter, linter, lintKeymap, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorState } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder as placeholderExt,
} from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { CheckAnswer, FlinkOption } from '../api/types';
import { optionKeySource, scriptSource, type ScriptSchema } from './completion';
import { toEditorDiagnostics } from './diagnostics';
import { FlinkSQL } from './flinkSql';

export type CheckFn = (sql: string, flinkVersion: string, signal: AbortSignal) => Promise<CheckAnswer>;

export interface SqlEditorProps {
  value: string;
  onChange: (sql: string) => void;
  flinkVersion: string;
  check: CheckFn;
  onChecked?: (answer: CheckAnswer | null, error: unknown, text: string) => void;
  options: FlinkOption[];
  schema: ScriptSchema;
  onReady?: (view: EditorView) => void;
  delayMs?: number;
  id?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

// The lint source: one check per pause in typing; a newer run cancels the older request.
export function checkSource(
  getCheck: () => CheckFn,
  getVersion: () => string,
  onChecked: (answer: CheckAnswer | null, error: unknown, text: string) => void,
) {
  let inflight: AbortController | null = null;
  return async (view: EditorView): Promise<Diagnostic[]> => {
    inflight?.abort();
    const controller = new AbortController();
    inflight = controller;
    const text = view.state.doc.toString();
    if (text.trim() === '') {
      onChecked({ ok: true, statements: [], diagnostics: [] }, null, text);
      return [];
    }
    try {
      const answer = await getCheck()(text, getVersion(), controller.signal);
      if (controller.signal.aborted) return [];
      onChecked(answer, null, text);
      return toEditorDiagnostics(text, answer).map((d) => ({
        from: d.from,
        to: d.to,
        severity: d.severity,
        message: d.message,
        source: d.source,
      }));
    } catch (e) {
      if (!controller.signal.aborted) onChecked(null, e, text);
      return [];
    }
  };
}

export function SqlEditor(props: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const source = checkSource(
      () => latest.current.check,
      () => latest.current.flinkVersion,
      (a, e, t) => latest.current.onChecked?.(a, e, t),
    );
    const state = EditorState.create({
      doc: latest.current.value,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        sqlLanguage({ dialect: FlinkSQL, upperCaseKeywords: true }),
        autocompletion({
          override: [
            optionKeySource(() => latest.current.options),
            scriptSource(() => latest.current.schema),
            keywordCompletionSource(FlinkSQL, true),
          ],
        }),
        linter(source, { delay: latest.current.delayMs ?? 300 }),
        lintGutter(),
        placeholderExt('-- Write Flink SQL: CREATE TABLE ... WITH (...); INSERT INTO ... SELECT ...'),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({
          'aria-label': 'SQL script',
          ...(latest.current.id ? { id: latest.current.id } : {}),
          ...(latest.current['aria-describedby'] ? { 'aria-describedby': latest.current['aria-describedby'] } : {}),
        }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) latest.current.onChange(u.state.doc.toString());
        }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    latest.current.onReady?.(v);
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  // A value set from outside (a job loaded, a format) replaces the document.
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== props.value) {
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: props.value } });
    }
  }, [props.value]);

  // Another Flink version may accept other statements: check again at once.
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [props.flinkVersion]);

  return <div className="sql-editor" ref={host} data-testid="sql-editor" />;
}
