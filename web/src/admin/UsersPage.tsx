import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import type { User } from '../api/types';
import { useApi } from '../app/ApiContext';
import { isAdmin, useMe } from '../auth/AuthProvider';
import { Empty, ErrorBox, Loading } from '../ui/Feedback';
import { Modal } from '../ui/Modal';
import { Time } from '../ui/Time';
import { useAsync } from '../ui/useAsync';

export const MIN_PASSWORD = 10;

export function passwordProblem(password: string, confirm: string, user: string): string | null {
  if (password.length < MIN_PASSWORD) return `The password needs at least ${MIN_PASSWORD} characters.`;
  if (user && password.toLowerCase().includes(user.toLowerCase())) return 'The password must not contain the user name.';
  if (password !== confirm) return 'The two passwords differ.';
  return null;
}

function UserForm({ user, onClose, onSaved }: { user?: User; onClose: () => void; onSaved: () => void }) {
  const api = useApi();
  const [name, setName] = useState(user?.name ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [admin, setAdmin] = useState(user?.admin ?? false);
  const [disabled, setDisabled] = useState(user?.disabled ?? false);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e?: FormEvent) => {
    e?.preventDefault();
    setError(null);
    if (!user && !/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/.test(name)) {
      setError('A user name uses lower-case letters, digits, ".", "_" and "-".');
      return;
    }
    if (!user || password) {
      const p = passwordProblem(password, confirm, name);
      if (p) {
        setError(p);
        return;
      }
    }
    setBusy(true);
    try {
      if (user) {
        await api.updateUser(user.name, { displayName, admin, disabled, ...(password ? { password } : {}) });
      } else {
        await api.createUser({ name, displayName, password, admin });
      }
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setPassword('');
      setConfirm('');
    }
  };

  return (
    <Modal
      title={user ? `Edit ${user.name}` : 'Add a user'}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <form className="stack" onSubmit={save} noValidate>
        <label>
          User name
          <input value={name} readOnly={!!user} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </label>
        <label>
          Display name
          <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label>
          {user ? 'New password (leave empty to keep)' : 'Password'}
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <label>
          Repeat the password
          <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        </label>
        <label className="check">
          <input type="checkbox" checked={admin} onChange={(e) => setAdmin(e.target.checked)} />
          Administrator (every permission everywhere)
        </label>
        {user && (
          <label className="check">
            <input type="checkbox" checked={disabled} onChange={(e) => setDisabled(e.target.checked)} />
            Disabled (cannot log in; sessions end)
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </Modal>
  );
}

export default function UsersPage() {
  const api = useApi();
  const me = useMe();
  const users = useAsync(() => api.listUsers(), [api]);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  if (!isAdmin(me)) {
    return (
      <div className="page">
        <h1>Users</h1>
        <Empty title="Administrators only">Ask an administrator to add or change users.</Empty>
      </div>
    );
  }
  return (
    <div className="page">
      <div className="page-head">
        <h1>Users</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add a user
        </button>
      </div>
      {users.loading ? (
        <Loading label="Loading users…" />
      ) : users.error ? (
        <ErrorBox error={users.error} onRetry={() => void users.reload()} />
      ) : (users.data ?? []).length === 0 ? (
        <Empty title="No users">Add the first one.</Empty>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>User</th>
              <th>Display name</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data!.map((u) => (
              <tr key={u.name}>
                <td>{u.name}</td>
                <td>{u.displayName}</td>
                <td>{u.admin ? <span className="tag">admin</span> : 'user'}</td>
                <td>{u.disabled ? <span className="badge badge-bad">disabled</span> : <span className="badge badge-good">active</span>}</td>
                <td>
                  <Time value={u.createdAt} />
                </td>
                <td>
                  <button type="button" className="small" onClick={() => setEditing(u)}>
                    Edit
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <UserForm
          user={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void users.reload();
          }}
        />
      )}
    </div>
  );
}
