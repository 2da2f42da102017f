// Rows of key and value (labels, environment, Flink options). Values under secret-looking
// keys are typed into password fields.

import type { ReactNode } from 'react';
import { kv, type KeyValue } from '../spec/form';
import { isSecretKey } from '../spec/secrets';
import type { FieldProblem } from './Field';

export function KeyValueEditor({
  idPrefix,
  rows,
  onChange,
  keyLabel = 'Key',
  valueLabel = 'Value',
  keyList,
  problemsFor,
  addLabel = 'Add',
  multilineValues = false,
  renderKeyInput,
}: {
  idPrefix: string;
  rows: KeyValue[];
  onChange: (rows: KeyValue[]) => void;
  keyLabel?: string;
  valueLabel?: string;
  keyList?: string; // id of a <datalist> of suggested keys
  problemsFor?: (row: KeyValue) => FieldProblem[];
  addLabel?: string;
  multilineValues?: boolean;
  renderKeyInput?: (row: KeyValue, set: (key: string) => void, id: string) => ReactNode;
}) {
  const update = (id: number, patch: Partial<KeyValue>) => onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  return (
    <div className="kv">
      {rows.length > 0 && (
        <div className="kv-head" aria-hidden="true">
          <span>{keyLabel}</span>
          <span>{valueLabel}</span>
        </div>
      )}
      {rows.map((r, i) => {
        const problems = problemsFor?.(r) ?? [];
        const keyId = `${idPrefix}-k-${i}`;
        const secret = isSecretKey(r.key);
        return (
          <div className="kv-row" key={r.id}>
            {renderKeyInput ? (
              renderKeyInput(r, (key) => update(r.id, { key }), keyId)
            ) : (
              <input
                id={keyId}
                aria-label={`${keyLabel} ${i + 1}`}
                value={r.key}
                list={keyList}
                spellCheck={false}
                onChange={(e) => update(r.id, { key: e.target.value })}
              />
            )}
            {secret ? (
              <input
                type="password"
                autoComplete="new-password"
                aria-label={`${valueLabel} ${i + 1} (secret)`}
                value={r.value}
                onChange={(e) => update(r.id, { value: e.target.value })}
              />
            ) : multilineValues ? (
              <textarea
                aria-label={`${valueLabel} ${i + 1}`}
                value={r.value}
                rows={4}
                spellCheck={false}
                onChange={(e) => update(r.id, { value: e.target.value })}
              />
            ) : (
              <input
                aria-label={`${valueLabel} ${i + 1}`}
                value={r.value}
                spellCheck={false}
                onChange={(e) => update(r.id, { value: e.target.value })}
              />
            )}
            <button
              type="button"
              className="ghost small"
              aria-label={`Remove ${r.key || `row ${i + 1}`}`}
              onClick={() => onChange(rows.filter((x) => x.id !== r.id))}
            >
              Remove
            </button>
            {problems.length > 0 && (
              <ul className="problems kv-problems">
                {problems.map((p, j) => (
                  <li key={j} className={p.severity}>
                    {p.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
      <button type="button" className="small" onClick={() => onChange([...rows, kv()])}>
        {addLabel}
      </button>
    </div>
  );
}
