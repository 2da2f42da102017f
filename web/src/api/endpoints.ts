// Every route the UI calls, in one place (docs/web.md lists them for the server side).

import type { JobSpec } from '../spec/types';
import { ApiClient } from './client';
import type {
  ApiToken,
  AuditEntry,
  AuditFilters,
  CheckAnswer,
  Cluster,
  ExceptionsAnswer,
  FlinkOption,
  Job,
  JobEvent,
  JobFilters,
  JobVersion,
  LineageAnswer,
  LoginAnswer,
  Me,
  Page,
  PreflightReport,
  RenderAnswer,
  Savepoint,
  Team,
  TeamMember,
  User,
} from './types';

const V1 = '/api/v1';
const enc = encodeURIComponent;

export const JOB_PAGE_SIZE = 200;

// Lists may come as a bare array or as a page; the UI reads both.
function asPage<T>(answer: Page<T> | T[] | undefined): Page<T> {
  if (Array.isArray(answer)) return { items: answer, nextCursor: null };
  return { items: answer?.items ?? [], nextCursor: answer?.nextCursor ?? null };
}

function asList<T>(answer: Page<T> | T[] | undefined): T[] {
  return asPage(answer).items;
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
    me: () => client.get<Me>(`${V1}/auth/me`),

    // ---- jobs ----
    listJobs: async (filters: JobFilters, cursor?: string | null, limit = JOB_PAGE_SIZE) =>
      asPage(await client.get<Page<Job> | Job[]>(`${V1}/jobs`, { query: { ...filters, cursor, limit } })),
    getJob: (name: string) => client.get<Job>(`${V1}/jobs/${enc(name)}`),
    createJob: (spec: JobSpec) => client.post<Job>(`${V1}/jobs`, spec),
    // If-Match carries the revision the edit started from; a 409 says someone else saved.
    updateJob: (name: string, spec: JobSpec, revision?: number) =>
      client.put<Job>(`${V1}/jobs/${enc(name)}`, spec, {
        headers: revision !== undefined ? { 'If-Match': `"${revision}"` } : undefined,
      }),
    deleteJob: (name: string) => client.delete<void>(`${V1}/jobs/${enc(name)}`),
    jobAction: (name: string, action: JobAction, body: ActionBody = {}) =>
      client.post<Job | undefined>(`${V1}/jobs/${enc(name)}/actions/${action}`, body),
    jobEvents: async (name: string, before?: number) =>
      asList(await client.get<Page<JobEvent> | JobEvent[]>(`${V1}/jobs/${enc(name)}/events`, { query: { before } })),
    jobVersions: async (name: string) => asList(await client.get<Page<JobVersion> | JobVersion[]>(`${V1}/jobs/${enc(name)}/versions`)),
    jobVersion: (name: string, version: number) => client.get<JobVersion>(`${V1}/jobs/${enc(name)}/versions/${version}`),
    jobSavepoints: async (name: string) => asList(await client.get<Page<Savepoint> | Savepoint[]>(`${V1}/jobs/${enc(name)}/savepoints`)),
    jobExceptions: (name: string) => client.get<ExceptionsAnswer>(`${V1}/jobs/${enc(name)}/exceptions`),
    jobLineage: (name: string) => client.get<LineageAnswer>(`${V1}/jobs/${enc(name)}/lineage`),
    jobRender: (name: string) => client.get<RenderAnswer>(`${V1}/jobs/${enc(name)}/render`),
    renderDraft: (spec: JobSpec) => client.post<RenderAnswer>(`${V1}/render`, spec),
    // A streamed text body (chunked); the caller reads res.body.
    jobLogs: (name: string, component: string, follow: boolean, signal: AbortSignal) =>
      client.get<Response>(`${V1}/jobs/${enc(name)}/logs`, {
        query: { component, follow, tail: 1000 },
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
    flinkOptions: async (version: string) =>
      asList(await client.get<Page<FlinkOption> | FlinkOption[]>(`${V1}/flink/options`, { query: { version } })),

    // ---- clusters ----
    listClusters: async () => asList(await client.get<Page<Cluster> | Cluster[]>(`${V1}/clusters`)),
    getCluster: (name: string) => client.get<Cluster>(`${V1}/clusters/${enc(name)}`),
    createCluster: (body: ClusterBody) => client.post<Cluster>(`${V1}/clusters`, body),
    updateCluster: (name: string, body: ClusterBody) => client.put<Cluster>(`${V1}/clusters/${enc(name)}`, body),
    deleteCluster: (name: string) => client.delete<void>(`${V1}/clusters/${enc(name)}`),
    preflight: (name: string) => client.post<PreflightReport>(`${V1}/clusters/${enc(name)}/preflight`, undefined, { timeoutMs: 120_000 }),

    // ---- teams, users, tokens, audit ----
    listTeams: async () => asList(await client.get<Page<Team> | Team[]>(`${V1}/teams`)),
    createTeam: (name: string, description: string) => client.post<Team>(`${V1}/teams`, { name, description }),
    deleteTeam: (name: string) => client.delete<void>(`${V1}/teams/${enc(name)}`),
    teamMembers: async (team: string) => asList(await client.get<Page<TeamMember> | TeamMember[]>(`${V1}/teams/${enc(team)}/members`)),
    setMember: (team: string, user: string, role: string) =>
      client.put<TeamMember>(`${V1}/teams/${enc(team)}/members/${enc(user)}`, { role }),
    removeMember: (team: string, user: string) => client.delete<void>(`${V1}/teams/${enc(team)}/members/${enc(user)}`),

    listUsers: async () => asList(await client.get<Page<User> | User[]>(`${V1}/users`)),
    createUser: (body: { name: string; displayName?: string; password: string; admin?: boolean }) => client.post<User>(`${V1}/users`, body),
    updateUser: (
      name: string,
      patch: { displayName?: string; disabled?: boolean; admin?: boolean; password?: string; currentPassword?: string },
    ) => client.patch<User>(`${V1}/users/${enc(name)}`, patch),

    listTokens: async () => asList(await client.get<Page<ApiToken> | ApiToken[]>(`${V1}/auth/tokens`)),
    createToken: (body: { name: string; scopes?: string[]; ttl?: string }) =>
      client.post<{ token: string } & Partial<ApiToken>>(`${V1}/auth/tokens`, body),
    revokeToken: (id: number) => client.delete<void>(`${V1}/auth/tokens/${id}`),

    listAudit: async (filters: AuditFilters, cursor?: string | null, limit = 100) =>
      asPage(await client.get<Page<AuditEntry> | AuditEntry[]>(`${V1}/audit`, { query: { ...filters, cursor, limit } })),
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
