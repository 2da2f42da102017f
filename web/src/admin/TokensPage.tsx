import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { useApi } from '../app/ApiContext';
import { isAdmin, useMe } from '../auth/AuthProvider';
import { isDuration } from '../flink/values';
import { Empty, ErrorBox, Loading } from '../ui/Feedback';
import { Modal } from '../ui/Modal';
import { OneTimeSecret } from '../ui/SecretInput';
import { Time } from '../ui/Time';
import { useAsync } from '../ui/useAsync';

export const SCOPES = [
  'jobs:read',
  'jobs:write',
  'jobs:operate',
  'sql:use',
  'clusters:read',
  'clusters:write',
  'teams:read',
  'teams:write',
  'users:read',
  'users:write',
  'audit:read',
];

export default function TokensPage() {
  const api = useApi();
  const me = useMe();
  const tokens = useAsync(() => api.listTokens(), [api]);
  const [name, setName] = useState('');
  const [ttl, setTtl] = useState('90 d');
  const [scopes, setScopes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<number | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!name.trim()) return setError('Give the token a name, such as "ci-deploy".');
    if (ttl && !isDuration(ttl)) return setError('The lifetime is a duration, such as 30 d or 12 h.');
    try {
      const answer = await api.createToken({ name: name.trim(), ...(scopes.length ? { scopes } : {}), ...(ttl ? { ttl } : {}) });
      setCreated({ name: name.trim(), token: answer.token });
      setName('');
      setScopes([]);
      void tokens.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const revoke = async (id: number) => {
    try {
      await api.revokeToken(id);
      setRevoking(null);
      void tokens.reload();
    } catch (err) {
      setError(errorMessage(err));
      setRevoking(null);
    }
  };

  const list = tokens.data ?? [];
  const showUser = isAdmin(me) && list.some((t) => t.user && t.user !== me.user.name);
  return (
    <div className="page">
      <h1>API tokens</h1>
      <p className="muted">
        Tokens let the <code>sluice</code> command and automation call the API: <code>Authorization: Bearer …</code>. A token can do what
        its user can, within its scopes.
      </p>
      <form className="card stack" onSubmit={create} aria-label="Create a token">
        <div className="inline-form">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </label>
          <label>
            Lifetime
            <input value={ttl} onChange={(e) => setTtl(e.target.value)} placeholder="90 d" />
          </label>
        </div>
        <fieldset>
          <legend>Scopes (none ticked: everything the user may do)</legend>
          <div className="check-list">
            {SCOPES.map((s) => (
              <label key={s} className="check">
                <input
                  type="checkbox"
                  checked={scopes.includes(s)}
                  onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                />
                <code>{s}</code>
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <button type="submit" className="primary">
            Create token
          </button>
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
      {tokens.loading ? (
        <Loading label="Loading tokens…" />
      ) : tokens.error ? (
        <ErrorBox error={tokens.error} onRetry={() => void tokens.reload()} />
      ) : list.length === 0 ? (
        <Empty title="No tokens">Create one above for the command line or CI.</Empty>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>Name</th>
              {showUser && <th>User</th>}
              <th>Scopes</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((t) => (
              <tr key={t.id} className={t.revokedAt ? 'muted' : undefined}>
                <td>{t.name}</td>
                {showUser && <td>{t.user}</td>}
                <td>{t.scopes.length ? t.scopes.join(', ') : 'all of the user’s'}</td>
                <td>
                  <Time value={t.createdAt} />
                </td>
                <td>{t.expiresAt ? <Time value={t.expiresAt} /> : 'never'}</td>
                <td>
                  <Time value={t.lastUsedAt} />
                </td>
                <td>
                  {t.revokedAt ? (
                    <span className="badge badge-neutral">revoked</span>
                  ) : (
                    <button type="button" className="small ghost danger" onClick={() => setRevoking(t.id)}>
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && (
        <Modal
          title={`Token ${created.name} created`}
          onClose={() => setCreated(null)}
          footer={
            <button type="button" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          }
        >
          <OneTimeSecret value={created.token} label="Token" />
        </Modal>
      )}
      {revoking !== null && (
        <Modal
          title="Revoke this token?"
          onClose={() => setRevoking(null)}
          footer={
            <>
              <button type="button" onClick={() => setRevoking(null)}>
                Keep it
              </button>
              <button type="button" className="danger" onClick={() => void revoke(revoking)}>
                Revoke
              </button>
            </>
          }
        >
          <p>Anything using it stops working at once.</p>
        </Modal>
      )}
    </div>
  );
}
