// A labelled form control with its hint and its problems, tied together for screen readers.

import { cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';

export function fieldId(path: string): string {
  return 'f-' + path.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export interface FieldProblem {
  severity: 'error' | 'warning';
  message: string;
}

export function Field({
  label,
  path,
  hint,
  problems = [],
  children,
  wide = false,
  group = false,
}: {
  label: string;
  path: string;
  hint?: ReactNode;
  problems?: FieldProblem[];
  children: ReactElement<Record<string, unknown>>;
  wide?: boolean;
  group?: boolean; // several controls (rows of keys and values): labelled as a group
}) {
  const id = fieldId(path);
  const hintId = hint ? `${id}-hint` : undefined;
  const problemId = problems.length ? `${id}-problems` : undefined;
  const hasError = problems.some((p) => p.severity === 'error');
  const control = group ? (
    <div role="group" id={id} aria-labelledby={`${id}-label`} aria-describedby={[hintId, problemId].filter(Boolean).join(' ') || undefined}>
      {children}
    </div>
  ) : isValidElement(children) ? (
    cloneElement(children, {
      id,
      'aria-describedby': [hintId, problemId].filter(Boolean).join(' ') || undefined,
      'aria-invalid': hasError || undefined,
    })
  ) : (
    children
  );
  return (
    <div className={`field${wide ? ' field-wide' : ''}${hasError ? ' field-error' : ''}`}>
      {group ? (
        <span className="label" id={`${id}-label`}>
          {label}
        </span>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {control}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {problems.length > 0 && (
        <ul className="problems" id={problemId}>
          {problems.map((p, i) => (
            <li key={i} className={p.severity}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
