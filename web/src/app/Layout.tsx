import type { ReactNode } from 'react';
import { Link, NavLink, useLocation } from 'react-router';
import { isAdmin, useAuth, useMe } from '../auth/AuthProvider';
import { useEvents } from './EventsProvider';

const LIVE_TEXT = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…', closed: 'Offline' };

export function Layout({ children }: { children: ReactNode }) {
  const me = useMe();
  const { logout } = useAuth();
  const { status } = useEvents();
  const { pathname } = useLocation();
  const inJobs = pathname.startsWith('/jobs') && !pathname.startsWith('/jobs/new');
  const admin = isAdmin(me);
  const teamAdmin = admin || me.teams.some((t) => t.role === 'admin');
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/jobs" className="brand" aria-label="Sluice, jobs">
          <span aria-hidden="true" className="brand-mark" />
          Sluice
        </NavLink>
        <nav aria-label="Main">
          <Link to="/jobs" className={inJobs ? 'active' : undefined} aria-current={inJobs ? 'page' : undefined}>
            Jobs
          </Link>
          <NavLink to="/jobs/new">New job</NavLink>
          <NavLink to="/clusters">Clusters</NavLink>
          <NavLink to="/teams">Teams</NavLink>
          {admin && <NavLink to="/users">Users</NavLink>}
          <NavLink to="/tokens">Tokens</NavLink>
          {teamAdmin && <NavLink to="/audit">Audit</NavLink>}
        </nav>
        <div className="topbar-right">
          <span className={`live live-${status}`} role="status" title="Live updates from the server">
            <span className="live-dot" aria-hidden="true" />
            {LIVE_TEXT[status]}
          </span>
          <span className="user" title={me.user.displayName || me.user.name}>
            {me.user.name}
            {admin && <span className="tag">admin</span>}
          </span>
          <button type="button" className="ghost small" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
