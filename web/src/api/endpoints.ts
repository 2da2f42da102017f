// Every route the UI calls, in one place (docs/web.md lists them for the server side).

import type { JobSpec } from '../spec/types';
import { ApiClient } from './client';
import {
  asList,
  asPage,
  eventsNewestFirst,
  savepointsNewestFirst,
  toExceptions,
  toFlinkOptions,
  toJob,
  toMe,
  toMembers,
  toPreflight,
  toRender,
  toSavepoint,
} from './normalize';
import type {
  ApiToken,
  AuditEntry,
  AuditFilters,
  CheckAnswer,
  Cluster,
  FlinkOption,
  JobEvent,
  JobFilters,
  JobVersion,
  LineageAnswer,
  LoginAnswer,
  PreflightReport,
  Team,
  TeamMember,
  User,
} from './types';

const V1 = '/api/v1';
const enc = encodeURIComponent;

export const JOB_PAGE_SIZE = 200;

const EVENT_PAGES = 10;

// The server's action bodies: `stop` takes `withSavepoint`; `savepointPath` only for
// deploy, resume and restart; `version` only for rollback.
function actionBody(action: JobAction, body: ActionBody): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (action === 'stop' && body.savepoint !== undefined) out.withSavepoint = body.savepoint;
  if ((action === 'deploy' || action === 'resume' || action === 'restart') && body.savepointPath) out.savepointPath = body.savepointPath;
  if (action === 'rollback' && body.version !== undefined) out.version = body.version;
  return out;
}

export type JobAction = 'deploy' | 'stop' | 'cancel' | 'suspend' | 'resume' | 'savepoint' | 'restart' | 'rollback';

export interface ActionBody {
  savepoint?: boolean; // stop: with a savepoint (default true on the server)
  savepointPath?: string; // restart/resume: restore from this savepoint
  version?: number; // rollback: to this spec version
  directory?: string; // savepoint: where to
}

export function makeApi(client: ApiClient) {
  return {
    client,

    // ---- auth ----
    login: (name: string, password: string) => client.post<LoginAnswer>(`${V1}/auth/login`, { name, password }),
    logout: () => client.post<void>(`${V1}/auth/logout`),
    me: async () => toMe(await client.get<unknown>(`${V1}/auth/me`)),

    // ---- jobs ----
    listJobs: async (filters: JobFilters, cursor?: string | null, limit = JOB_PAGE_SIZE) =>
      asPage(await client.get<unknown>(`${V1}/jobs`, { query: { ...filters, cursor, limit } }), toJob),
    getJob: async (name: string) => toJob(await client.get<unknown>(`${V1}/jobs/${enc(name)}`)),
    createJob: async (spec: JobSpec) => toJob(await client.post<unknown>(`${V1}/jobs`, spec)),
    // If-Match carries the revision the edit started from; a 409 says someone else saved.
    updateJob: async (name: string, spec: JobSpec, revision?: number) =>
      toJob(
        await client.put<unknown>(`${V1}/jobs/${enc(name)}`, revision !== undefined ? { ...spec, revision } : spec, {
          headers: revision !== undefined ? { 'If-Match': `"${revision}"` } : undefined,
        }),
      ),
    deleteJob: (name: string) => client.delete<void>(`${V1}/jobs/${enc(name)}`),
    jobAction: async (name: string, action: JobAction, body: ActionBody = {}) => {
      const answer = await client.post<unknown>(`${V1}/jobs/${enc(name)}/actions/${action}`, actionBody(action, body));
      return answer ? toJob(answer) : undefined;
    },
    // The server pages oldest first (`after`); the page wants newest first, so it reads
    // up to EVENT_PAGES pages at once and there is nothing older to load afterwards.
    jobEvents: async (name: string, before?: number) => {
      if (before !== undefined) return [] as JobEvent[];
      const all: JobEvent[] = [];
      let after: string | null = null;
      for (let i = 0; i < EVENT_PAGES; i++) {
        const page: { items: JobEvent[]; nextCursor?: string | null } = asPage<JobEvent>(
          await client.get<unknown>(`${V1}/jobs/${enc(name)}/events`, { query: { after: after ?? undefined, limit: 1000 } }),
        );
        all.push(...page.items);
        after = page.nextCursor ?? null;
        if (!after) break;
      }
      return eventsNewestFirst(all);
    },
    jobVersions: async (name: string) => asList<JobVersion>(await client.get<unknown>(`${V1}/jobs/${enc(name)}/versions`)),
    jobVersion: (name: string, version: number) => client.get<JobVersion>(`${V1}/jobs/${enc(name)}/versions/${version}`),
    jobSavepoints: async (name: string) =>
      savepointsNewestFirst(asList(await client.get<unknown>(`${V1}/jobs/${enc(name)}/savepoints`), toSavepoint)),
    jobExceptions: async (name: string) => toExceptions(await client.get<unknown>(`${V1}/jobs/${enc(name)}/exceptions`)),
    jobLineage: (name: string) => client.get<LineageAnswer>(`${V1}/jobs/${enc(name)}/lineage`),
    jobRender: async (name: string) => toRender(await client.get<unknown>(`${V1}/jobs/${enc(name)}/render`)),
    renderDraft: async (spec: JobSpec) => toRender(await client.post<unknown>(`${V1}/render`, spec)),
    // A streamed text body (chunked); the caller reads res.body.
    jobLogs: (name: string, component: string, follow: boolean, signal: AbortSignal) =>
      client.get<Response>(`${V1}/jobs/${enc(name)}/logs`, {
        query: { component, follow, tailLines: 1000 },
        headers: { Accept: 'text/plain' },
        raw: true,
        signal,
      }),

    // ---- SQL ----
    sqlCheck: (sql: string, flinkVersion: string, signal?: AbortSignal) =>
      client.post<CheckAnswer>(`${V1}/sql/check`, { sql, flinkVersion }, { signal, timeoutMs: 10_000 }),
    sqlLineage: (sql: string, flinkVersion: string, signal?: AbortSignal) =>
      client.post<LineageAnswer>(`${V1}/sql/lineage`, { sql, flinkVersion }, { signal, timeoutMs: 10_000 }),
    sqlFormat: (sql: string, flinkVersion: string) => client.post<{ sql: string }>(`${V1}/sql/format`, { sql, flinkVersion }),

    // ---- Flink ----
    flinkOptions: async (version: string): Promise<FlinkOption[]> =>
      toFlinkOptions(await client.get<unknown>(`${V1}/flink/options`, { query: { version } })),

    // ---- clusters ----
    listClusters: async () =>
      asList<Cluster>(await client.get<unknown>(`${V1}/clusters`), (c) => {
        const cluster = c as Cluster;
        return cluster && cluster.preflight ? { ...cluster, preflight: toPreflight(cluster.preflight) } : cluster;
      }),
    getCluster: (name: string) => client.get<Cluster>(`${V1}/clusters/${enc(name)}`),
    createCluster: (body: ClusterBody) => client.post<Cluster>(`${V1}/clusters`, body),
    updateCluster: (name: string, body: ClusterBody) => client.put<Cluster>(`${V1}/clusters/${enc(name)}`, body),
    deleteCluster: (name: string) => client.delete<void>(`${V1}/clusters/${enc(name)}`),
    preflight: async (name: string): Promise<PreflightReport> =>
      toPreflight(await client.post<unknown>(`${V1}/clusters/${enc(name)}/preflight`, undefined, { timeoutMs: 120_000 })),

    // ---- teams, users, tokens, audit ----
    listTeams: async () => asList<Team>(await client.get<unknown>(`${V1}/teams`)),
    createTeam: (name: string, description: string) => client.post<Team>(`${V1}/teams`, { name, description }),
    deleteTeam: (name: string) => client.delete<void>(`${V1}/teams/${enc(name)}`),
    teamMembers: async (team: string) => toMembers(await client.get<unknown>(`${V1}/teams/${enc(team)}`)),
    setMember: (team: string, user: string, role: string) =>
      client.put<TeamMember>(`${V1}/teams/${enc(team)}/members/${enc(user)}`, { role }),
    removeMember: (team: string, user: string) => client.delete<void>(`${V1}/teams/${enc(team)}/members/${enc(user)}`),

    listUsers: async () => asList<User>(await client.get<unknown>(`${V1}/users`)),
    createUser: (body: { name: string; displayName?: string; password: string; admin?: boolean }) => client.post<User>(`${V1}/users`, body),
    updateUser: (
      name: string,
      patch: { displayName?: string; disabled?: boolean; admin?: boolean; password?: string; currentPassword?: string },
    ) => client.patch<User>(`${V1}/users/${enc(name)}`, patch),

    listTokens: async () => asList<ApiToken>(await client.get<unknown>(`${V1}/auth/tokens`)),
    createToken: (body: { name: string; scopes?: string[]; ttl?: string }) =>
      client.post<{ token: string } & Partial<ApiToken>>(`${V1}/auth/tokens`, body),
    revokeToken: (id: number) => client.delete<void>(`${V1}/auth/tokens/${id}`),

    listAudit: async (filters: AuditFilters, cursor?: string | null, limit = 100) =>
      asPage<AuditEntry>(await client.get<unknown>(`${V1}/audit`, { query: { ...filters, cursor, limit } })),
  };
}

export interface ClusterBody {
  name: string;
  kind: string;
  config: Record<string, unknown>;
  // Secret fields to set (a string) or remove (null); fields not named keep their value.
  secrets?: Record<string, string | null>;
  teams?: string[];
  revision?: number;
}

export type Api = ReturnType<typeof makeApi>;

export const EVENTS_URL = `${V1}/events`;
