// What the REST API sends and takes (issue 5, docs/web.md "API the UI relies on").
// Shapes marked "assumed" are the UI's reading of the contract; docs/web.md lists them
// so that the server provides exactly these.

import type { JobSpec } from '../spec/types';

export const JOB_STATES = [
  'DRAFT',
  'DEPLOYING',
  'RUNNING',
  'FAILED',
  'FINISHED',
  'SUSPENDED',
  'CANCELED',
  'RESTARTING',
  'UPGRADING',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobStatus {
  state: JobState;
  reason?: string;
  webUrl?: string;
  specVersion?: number;
  revision?: number; // sent back in If-Match on update
  flinkJobId?: string;
  updatedAt?: string;
  lastSavepoint?: string;
}

export interface Job {
  apiVersion?: string;
  kind?: string;
  metadata: JobSpec['metadata'];
  spec: JobSpec['spec'];
  status: JobStatus;
  intent?: JobIntent;
}

// What the user last asked for (the server's `intent`).
export interface JobIntent {
  desiredState?: string; // RUNNING, SUSPENDED, CANCELED, DELETED
  stopWithSavepoint?: boolean;
}

// Cursor paging: the next page starts at nextCursor; null or absent when there is none.
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface JobFilters {
  team?: string;
  state?: string;
  target?: string;
  text?: string;
}

// One entry of a job's timeline; the same object arrives as SSE `job-event` data.
export interface JobEvent {
  id: number;
  jobId?: number;
  job: string;
  team?: string | null;
  type: string;
  from?: string;
  to?: string;
  reason?: string;
  actor?: string;
  time: string;
  details?: Record<string, unknown>;
}

export interface JobVersion {
  version: number;
  createdBy?: string;
  createdAt?: string;
  spec?: JobSpec; // present when one version is fetched
}

export interface Savepoint {
  id: string;
  path?: string;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | string;
  trigger?: 'manual' | 'scheduled' | 'stop' | 'upgrade' | string;
  createdAt: string;
  completedAt?: string;
  sizeBytes?: number;
  error?: string;
}

export interface ExceptionEntry {
  exceptionName: string;
  stacktrace?: string;
  timestamp: number | string;
  taskName?: string;
  endpoint?: string;
  message?: string;
}

export interface ExceptionsAnswer {
  entries: ExceptionEntry[];
  truncated?: boolean;
}

// `sluice sql check --json`.
export type StatementKind = string;
export interface CheckStatement {
  kind: StatementKind;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  text: string;
}
export interface CheckDiagnostic {
  severity: 'error' | 'warning' | 'info' | string;
  code: string;
  message: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
}
export interface CheckAnswer {
  ok: boolean;
  statements: CheckStatement[];
  diagnostics: CheckDiagnostic[];
}

// `sluice sql lineage --json`.
export interface LineageColumn {
  name: string;
  kind: string;
  type?: string;
  expression?: string;
}
export interface LineageTable {
  name: string;
  kind: string;
  temporary?: boolean;
  connector?: string;
  options?: Record<string, string>;
  columns?: LineageColumn[];
  primary_key?: string[];
  statement?: number;
}
export interface LineageEdge {
  from: string;
  to: string;
  statement: number;
}
export interface LineageAnswer {
  tables: LineageTable[];
  edges: LineageEdge[];
}

// The rendered deployment (dry run): what the target would create or run.
export interface RenderDocument {
  title: string; // "ConfigMap flink-config-orders", "flink run-application argv"
  language?: 'yaml' | 'json' | 'text' | 'properties' | string;
  content: string;
}
export interface Finding {
  severity: 'error' | 'warning' | 'info' | string;
  path?: string;
  message: string;
}
export interface RenderAnswer {
  target?: string;
  documents: RenderDocument[];
  findings?: Finding[];
}

export interface FlinkOption {
  key: string;
  type: string; // as Flink documents it: Boolean, Duration, MemorySize, Enum, List<String>, ...
  default?: string | null;
  description?: string;
  values?: string[]; // enum values
  deprecatedKeys?: string[];
}

export interface TeamRole {
  team: string;
  role: 'viewer' | 'developer' | 'admin' | string;
}

export interface User {
  name: string;
  displayName?: string;
  admin: boolean;
  disabled?: boolean;
  createdAt?: string | null;
  updatedAt?: string | null;
  teams?: TeamRole[];
}

export interface Me {
  user: User;
  teams: TeamRole[];
  csrfToken?: string;
  permissions?: string[];
}

export interface LoginAnswer {
  user?: User;
  csrfToken: string;
  expiresAt?: string;
}

export interface Team {
  name: string;
  description?: string;
  createdAt?: string | null;
}

export interface TeamMember {
  user: string;
  role: string;
}

export interface ApiToken {
  id: number;
  name: string;
  user?: string;
  scopes: string[];
  createdAt?: string | null;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export type ClusterKind = 'kubernetes' | 'yarn' | 'standalone' | 'flink-version';

export interface Cluster {
  name: string;
  kind: ClusterKind | string;
  config: Record<string, unknown>;
  secrets: Record<string, boolean>; // which secret fields are set; never their values
  teams: string[];
  revision: number;
  createdAt?: string;
  updatedAt?: string;
  secretsError?: string;
  preflight?: PreflightReport;
}

export interface PreflightCheck {
  name: string;
  ok?: boolean;
  status?: 'ok' | 'warning' | 'error' | 'skipped' | string;
  message?: string;
  hint?: string; // what to fix
}

export interface PreflightReport {
  ok: boolean;
  checkedAt?: string;
  checks: PreflightCheck[];
}

export interface AuditEntry {
  id: number;
  time: string | null;
  actor: string;
  actorKind?: string;
  action: string;
  targetKind?: string;
  targetName?: string;
  team?: string;
  remoteAddress?: string;
  requestId?: string;
  result: 'success' | 'denied' | 'failure' | string;
  httpStatus?: number;
  details?: Record<string, unknown>;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  targetKind?: string;
  targetName?: string;
  team?: string;
  result?: string;
}
