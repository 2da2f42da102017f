// The server's answers (src/api, docs/api.md) in the shapes the pages use (types.ts).
// The server names its lists (`{"jobs": [...]}`), keeps a job's spec document under
// `spec` next to flat fields, wraps action answers in `{job}`, calls a savepoint's status
// `state` and renders a deployment as Kubernetes objects; the pages were written against
// docs/web.md. Each function also takes the UI's own shape unchanged (the unit tests'
// fake server and the e2e mock speak it).

import type { JobSpec } from '../spec/types';
import type {
  ExceptionEntry,
  ExceptionsAnswer,
  FlinkOption,
  Job,
  JobEvent,
  Me,
  Page,
  PreflightCheck,
  PreflightReport,
  RenderAnswer,
  RenderDocument,
  Savepoint,
  TeamMember,
  TeamRole,
  User,
} from './types';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

// A list as a bare array, `{items, nextCursor}` or `{<name>: [...], nextCursor}`.
export function asPage<T>(answer: unknown, map: (raw: unknown) => T = (x) => x as T): Page<T> {
  let items: unknown[] = [];
  let nextCursor: string | null = null;
  if (Array.isArray(answer)) items = answer;
  else if (isObject(answer)) {
    const list = Array.isArray(answer.items) ? answer.items : Object.values(answer).find(Array.isArray);
    items = (list as unknown[] | undefined) ?? [];
    const next = answer.nextCursor ?? answer.nextAfter;
    nextCursor = next === null || next === undefined ? null : String(next);
  }
  return { items: items.map(map), nextCursor };
}

export function asList<T>(answer: unknown, map?: (raw: unknown) => T): T[] {
  return asPage(answer, map).items;
}

// The server's job: {name, team, cluster, target, revision, specVersion, intent, status,
// updatedAt, spec?: {apiVersion, kind, metadata, spec}}.
export function toJob(raw: unknown): Job {
  if (!isObject(raw)) return raw as Job;
  if (isObject(raw.job) && !('status' in raw)) return toJob(raw.job); // an action's answer
  if (isObject(raw.metadata)) return raw as unknown as Job; // already the UI's shape
  const doc = isObject(raw.spec) ? (raw.spec as unknown as JobSpec) : undefined;
  const status = isObject(raw.status) ? raw.status : {};
  const team = typeof raw.team === 'string' && raw.team ? raw.team : undefined;
  const spec = { ...(doc?.spec ?? {}) } as JobSpec['spec'];
  const intent = isObject(raw.intent) ? raw.intent : undefined;
  if (spec.target === undefined && typeof raw.target === 'string') spec.target = raw.target as JobSpec['spec']['target'];
  if (spec.cluster === undefined && typeof raw.cluster === 'string' && raw.cluster) spec.cluster = raw.cluster;
  return {
    apiVersion: doc?.apiVersion,
    kind: doc?.kind,
    metadata: { ...(doc?.metadata ?? {}), name: String(raw.name ?? doc?.metadata?.name ?? ''), ...(team ? { team } : {}) },
    spec,
    status: {
      ...(status as Partial<Job['status']>),
      state: (status.state ?? 'DRAFT') as Job['status']['state'],
      reason: typeof status.reason === 'string' ? status.reason : '',
      webUrl: typeof status.webUrl === 'string' && status.webUrl ? status.webUrl : undefined,
      revision: typeof raw.revision === 'number' ? raw.revision : (status.revision as number | undefined),
      specVersion: typeof raw.specVersion === 'number' ? raw.specVersion : (status.specVersion as number | undefined),
      updatedAt: typeof raw.updatedAt === 'string' ? raw.updatedAt : (status.updatedAt as string | undefined),
      lastSavepoint: typeof status.lastSavepoint === 'string' && status.lastSavepoint ? status.lastSavepoint : undefined,
    },
    ...(intent
      ? {
          intent: {
            desiredState: typeof intent.desiredState === 'string' ? intent.desiredState : undefined,
            stopWithSavepoint: typeof intent.stopWithSavepoint === 'boolean' ? intent.stopWithSavepoint : undefined,
          },
        }
      : {}),
  };
}

// GET /auth/me: the server sends the user's fields at the top level with `teams`.
export function toMe(raw: unknown): Me {
  if (!isObject(raw) || isObject(raw.user)) return raw as unknown as Me;
  const user: User = {
    name: String(raw.name ?? ''),
    displayName: raw.displayName as string | undefined,
    admin: !!raw.admin,
    disabled: !!raw.disabled,
    createdAt: raw.createdAt as string | undefined,
  };
  return {
    user,
    teams: Array.isArray(raw.teams) ? (raw.teams as TeamRole[]) : [],
    csrfToken: typeof raw.csrfToken === 'string' ? raw.csrfToken : undefined,
  };
}

// Savepoints: the server's `state` (REQUESTED, IN_PROGRESS, COMPLETED, FAILED, DISPOSED)
// and `requestedAt`; newest first on the page.
export function toSavepoint(raw: unknown): Savepoint {
  if (!isObject(raw)) return raw as Savepoint;
  const r = raw as Raw & Partial<Savepoint>;
  return {
    ...(r as unknown as Savepoint),
    id: String(r.id ?? ''),
    status: String(r.status ?? r.state ?? ''),
    path: typeof r.path === 'string' && r.path ? r.path : undefined,
    createdAt: String(r.createdAt ?? r.requestedAt ?? ''),
    completedAt: typeof r.completedAt === 'string' ? r.completedAt : undefined,
    sizeBytes: typeof r.sizeBytes === 'number' && r.sizeBytes > 0 ? r.sizeBytes : undefined,
    error: typeof r.error === 'string' && r.error ? r.error : undefined,
  };
}

export function savepointsNewestFirst(list: Savepoint[]): Savepoint[] {
  return [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

export function eventsNewestFirst(list: JobEvent[]): JobEvent[] {
  return [...list].sort((a, b) => b.id - a.id);
}

// GET .../exceptions: {exceptions, lastException} on the server.
export function toExceptions(raw: unknown): ExceptionsAnswer {
  if (!isObject(raw)) return { entries: [] };
  if (Array.isArray(raw.entries)) return raw as unknown as ExceptionsAnswer;
  const list = Array.isArray(raw.exceptions) ? (raw.exceptions as ExceptionEntry[]) : [];
  const last = isObject(raw.lastException) ? (raw.lastException as unknown as ExceptionEntry) : undefined;
  return { entries: list.length ? list : last ? [last] : [], truncated: false };
}

function objectTitle(o: Raw): string {
  const meta = isObject(o.metadata) ? o.metadata : {};
  return `${String(o.kind ?? 'Object')} ${String(meta.name ?? '')}`.trim();
}

// GET .../render: the server's dry run ({target, objects, argv, warnings}) as documents.
export function toRender(raw: unknown): RenderAnswer {
  if (!isObject(raw)) return { documents: [] };
  if (Array.isArray(raw.documents)) return raw as unknown as RenderAnswer;
  const documents: RenderDocument[] = [];
  for (const o of Array.isArray(raw.objects) ? raw.objects : []) {
    if (isObject(o)) documents.push({ title: objectTitle(o), language: 'json', content: JSON.stringify(o, null, 2) });
  }
  if (Array.isArray(raw.argv) && raw.argv.length)
    documents.push({ title: 'Command line', language: 'text', content: (raw.argv as string[]).join(' \\\n  ') });
  const findings = (Array.isArray(raw.warnings) ? raw.warnings : []).map((w) => ({ severity: 'warning', message: String(w) }));
  return { target: typeof raw.target === 'string' ? raw.target : undefined, documents, findings };
}

// GET /flink/options?version=: a bare array of {key, type, default (null: none),
// description, values?, deprecatedKeys?, since?, pattern?}.
export function toFlinkOptions(raw: unknown): FlinkOption[] {
  return asList(raw, (o) => {
    if (!isObject(o)) return o as FlinkOption;
    const out: FlinkOption = { key: String(o.key ?? ''), type: String(o.type ?? 'String') };
    if (typeof o.default === 'string') out.default = o.default;
    if (typeof o.description === 'string' && o.description) out.description = o.description;
    if (Array.isArray(o.values) && o.values.length) out.values = o.values.map(String);
    if (Array.isArray(o.deprecatedKeys) && o.deprecatedKeys.length) out.deprecatedKeys = o.deprecatedKeys.map(String);
    return out;
  });
}

// POST /clusters/{name}/preflight, and a cluster's last one (`preflight` in GET /clusters):
// {ok, checkedAt, checks: [{name, status, message?, hint?}]}; `ok` false when a check failed.
export function toPreflight(raw: unknown): PreflightReport {
  if (!isObject(raw)) return { ok: false, checks: [] };
  const checks: PreflightCheck[] = (Array.isArray(raw.checks) ? raw.checks : []).filter(isObject).map((c) => {
    const check: PreflightCheck = { name: String(c.name ?? '') };
    if (typeof c.status === 'string') check.status = c.status;
    if (typeof c.ok === 'boolean') check.ok = c.ok;
    if (typeof c.message === 'string' && c.message) check.message = c.message;
    if (typeof c.hint === 'string' && c.hint) check.hint = c.hint;
    return check;
  });
  const failed = checks.some((c) => c.status === 'error' || c.ok === false);
  const report: PreflightReport = { ok: typeof raw.ok === 'boolean' ? raw.ok : !failed, checks };
  if (typeof raw.checkedAt === 'string') report.checkedAt = raw.checkedAt;
  return report;
}

// GET /teams/{team}: {name, members: [{user, role}]}.
export function toMembers(raw: unknown): TeamMember[] {
  if (isObject(raw) && Array.isArray(raw.members)) return raw.members as TeamMember[];
  return asList<TeamMember>(raw);
}
