import { useState, type FormEvent } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { errorMessage, isApiError } from '../api/client';
import { useAuth } from './AuthProvider';

// Only paths inside the app, so that ?next= cannot send the user elsewhere.
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/jobs';
  return next;
}

export function LoginPage() {
  const { state, login } = useAuth();
  const [params] = useSearchParams();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (state.status === 'authenticated') return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name || !password) {
      setError('Enter your user name and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(name, password);
    } catch (err) {
      if (isApiError(err) && err.status === 401) setError('Wrong user name or password, or the user is disabled.');
      else if (isApiError(err) && err.status === 429) {
        const s = err.retryAfterSeconds;
        setError(`Too many failed attempts. Try again${s ? ` in ${s} s` : ' later'}.`);
      } else setError(errorMessage(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login-page" id="main">
      <form className="login-card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <div className="brand login-brand">
          <span aria-hidden="true" className="brand-mark" />
          Sluice
        </div>
        <h1 id="login-title">Log in</h1>
        <p className="muted">Deploy and run Apache Flink jobs.</p>
        {state.status === 'anonymous' && state.reason && <p className="notice notice-warning">{state.reason}</p>}
        {state.status === 'error' && (
          <p className="notice notice-warning" role="alert">
            Cannot check your session: {state.message}
          </p>
        )}
        <label htmlFor="login-name">User name</label>
        <input
          id="login-name"
          name="username"
          autoComplete="username"
          autoFocus
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="hint">
          The first administrator is <code>admin</code>; its password is printed once when the server first starts, or taken from{' '}
          <code>SLUICE_BOOTSTRAP_ADMIN_PASSWORD</code>.
        </p>
      </form>
    </main>
  );
}
