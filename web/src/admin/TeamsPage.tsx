import { useState, type FormEvent } from 'react';
import { errorMessage } from '../api/client';
import { useApi } from '../app/ApiContext';
import { isAdmin, useMe } from '../auth/AuthProvider';
import { Empty, ErrorBox, Loading } from '../ui/Feedback';
import { Time } from '../ui/Time';
import { useAsync } from '../ui/useAsync';

const ROLES = ['viewer', 'developer', 'admin'];

function Members({ team, canManage }: { team: string; canManage: boolean }) {
  const api = useApi();
  const members = useAsync(() => api.teamMembers(team), [api, team]);
  const [user, setUser] = useState('');
  const [role, setRole] = useState('developer');
  const [error, setError] = useState<unknown>(null);

  const put = async (u: string, r: string) => {
    setError(null);
    try {
      await api.setMember(team, u, r);
      await members.reload();
      setUser('');
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (u: string) => {
    setError(null);
    try {
      await api.removeMember(team, u);
      await members.reload();
    } catch (e) {
      setError(e);
    }
  };

  if (members.loading) return <Loading label="Loading members…" />;
  if (members.error) return <ErrorBox error={members.error} onRetry={() => void members.reload()} />;
  return (
    <div>
      {(members.data ?? []).length === 0 ? (
        <p className="muted">No members yet.</p>
      ) : (
        <table className="compact">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              {canManage && (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {members.data!.map((m) => (
              <tr key={m.user}>
                <td>{m.user}</td>
                <td>
                  {canManage ? (
                    <select aria-label={`Role of ${m.user}`} value={m.role} onChange={(e) => void put(m.user, e.target.value)}>
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                {canManage && (
                  <td>
                    <button type="button" className="small ghost danger" onClick={() => void remove(m.user)}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (user.trim()) void put(user.trim(), role);
          }}
        >
          <label>
            User
            <input value={user} onChange={(e) => setUser(e.target.value)} autoComplete="off" />
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="small">
            Add member
          </button>
        </form>
      )}
      {error ? <p className="form-error">{errorMessage(error)}</p> : null}
    </div>
  );
}

export default function TeamsPage() {
  const api = useApi();
  const me = useMe();
  const admin = isAdmin(me);
  const teams = useAsync(() => api.listTeams(), [api]);
  const [open, setOpen] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      setError(new Error('A team name uses lower-case letters, digits and "-".'));
      return;
    }
    try {
      await api.createTeam(name, description);
      setName('');
      setDescription('');
      await teams.reload();
    } catch (err) {
      setError(err);
    }
  };

  const myRole = (t: string) => me.teams.find((x) => x.team === t)?.role;
  return (
    <div className="page">
      <h1>Teams</h1>
      <p className="muted">Jobs belong to a team. Viewers read, developers write SQL and deploy, admins manage clusters and members.</p>
      {admin && (
        <form className="inline-form card" onSubmit={create} aria-label="Create a team">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </label>
          <label className="grow">
            Description
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <button type="submit" className="primary small">
            Create team
          </button>
          {error ? <p className="form-error">{errorMessage(error)}</p> : null}
        </form>
      )}
      {teams.loading ? (
        <Loading label="Loading teams…" />
      ) : teams.error ? (
        <ErrorBox error={teams.error} onRetry={() => void teams.reload()} />
      ) : (teams.data ?? []).length === 0 ? (
        <Empty title="No teams">{admin ? 'Create the first team above.' : 'You are not in a team yet; ask an administrator.'}</Empty>
      ) : (
        <ul className="team-list">
          {teams.data!.map((t) => (
            <li key={t.name} className="card">
              <div className="card-head">
                <h2>
                  {t.name} {myRole(t.name) && <span className="tag">you: {myRole(t.name)}</span>}
                </h2>
                <button
                  type="button"
                  className="small"
                  aria-expanded={open === t.name}
                  onClick={() => setOpen(open === t.name ? null : t.name)}
                >
                  {open === t.name ? 'Hide members' : 'Members'}
                </button>
              </div>
              {t.description && <p>{t.description}</p>}
              {t.createdAt && (
                <p className="muted">
                  created <Time value={t.createdAt} />
                </p>
              )}
              {open === t.name && <Members team={t.name} canManage={admin || myRole(t.name) === 'admin'} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
