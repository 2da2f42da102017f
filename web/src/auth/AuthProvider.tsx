// Who is logged in. The session is an HTTP-only cookie the UI never sees; what the UI
// keeps is the user (from GET /auth/me) and the CSRF token it must send on changes.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import type { Me } from '../api/types';
import { useApi } from '../app/ApiContext';

export type AuthState =
  | { status: 'loading' }
  | { status: 'anonymous'; reason?: string }
  | { status: 'error'; message: string }
  | { status: 'authenticated'; me: Me };

interface AuthValue {
  state: AuthState;
  login: (name: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
  reload: () => void;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const loadMe = useCallback(async () => {
    try {
      const me = await api.me();
      api.client.setCsrfToken(me.csrfToken ?? api.client.csrfToken);
      setState({ status: 'authenticated', me });
    } catch (e) {
      if (isApiError(e) && e.status === 401) setState({ status: 'anonymous' });
      else setState({ status: 'error', message: isApiError(e) ? e.message : String(e) });
    }
  }, [api]);

  useEffect(() => {
    api.client.onUnauthenticated = () => {
      api.client.setCsrfToken(null);
      setState((s) => (s.status === 'authenticated' ? { status: 'anonymous', reason: 'Your session ended; log in again.' } : s));
    };
    api.client.refreshCsrf = async () => {
      const me = await api.me();
      return me.csrfToken ?? null;
    };
    void loadMe();
  }, [api, loadMe]);

  const login = useCallback(
    async (name: string, password: string) => {
      const answer = await api.login(name, password);
      api.client.setCsrfToken(answer.csrfToken);
      await loadMe();
    },
    [api, loadMe],
  );

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      api.client.setCsrfToken(null);
      setState({ status: 'anonymous' });
    }
  }, [api]);

  const value = useMemo(() => ({ state, login, logout, reload: () => void loadMe() }), [state, login, logout, loadMe]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}

// The logged-in user; only for components under the authenticated part of the app.
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== 'authenticated') throw new Error('useMe without a logged-in user');
  return state.me;
}

export function isAdmin(me: Me): boolean {
  return !!me.user.admin;
}

// Teams where the user may write jobs (developer or admin), or every team for admins.
export function writableTeams(me: Me): string[] {
  return me.teams.filter((t) => t.role === 'developer' || t.role === 'admin').map((t) => t.team);
}
