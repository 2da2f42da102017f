// Inputs for secrets. A secret stored on the server is never sent back: the field says
// that one is set and takes a new value; nothing typed is ever shown in clear.

import { useState } from 'react';
import { CopyButton } from './CopyButton';

export function SecretInput({
  id,
  value,
  onChange,
  isSet = false,
  placeholder,
  ...rest
}: {
  id?: string;
  value: string;
  onChange: (v: string) => void;
  isSet?: boolean;
  placeholder?: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'aria-label'?: string;
}) {
  return (
    <input
      id={id}
      type="password"
      autoComplete="new-password"
      spellCheck={false}
      value={value}
      placeholder={isSet ? 'set — type to replace' : (placeholder ?? '')}
      onChange={(e) => onChange(e.target.value)}
      {...rest}
    />
  );
}

// A secret the server shows exactly once (a new API token): masked, with reveal and copy.
export function OneTimeSecret({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  return (
    <div className="one-time-secret">
      <label>
        {label}
        <input type={shown ? 'text' : 'password'} readOnly value={value} spellCheck={false} autoComplete="off" />
      </label>
      <button type="button" className="small" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
        {shown ? 'Hide' : 'Reveal'}
      </button>
      <CopyButton text={value} />
      <p className="hint">This is the only time the token is shown. Store it now; Sluice keeps only a hash of it.</p>
    </div>
  );
}
