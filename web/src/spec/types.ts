// The job specification as JSON: the same shape as the YAML spec (docs/job-spec.md on the
// spec branch, src/spec/job_spec.h). Field names are spelled exactly as there.

export const TARGETS = [
  'kubernetes-application',
  'kubernetes-session',
  'operator',
  'yarn-application',
  'yarn-per-job',
  'yarn-session',
  'remote',
  'local',
] as const;
export type Target = (typeof TARGETS)[number];

export const UPGRADE_MODES = ['stateless', 'savepoint', 'last-state'] as const;
export type UpgradeMode = (typeof UPGRADE_MODES)[number];

export const RESTORE_MODES = ['auto', 'path', 'none'] as const;
export type RestoreMode = (typeof RESTORE_MODES)[number];

export const DESIRED_STATES = ['running', 'suspended'] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

export const PULL_POLICIES = ['IfNotPresent', 'Always', 'Never'] as const;
export const EXPOSURES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'Headless_ClusterIP'] as const;
export const LOG_FILES = [
  'log4j-console.properties',
  'logback-console.xml',
  'log4j.properties',
  'logback.xml',
  'log4j-session.properties',
  'logback-session.xml',
  'log4j-cli.properties',
] as const;

// Flink versions the SQL analyzer and the option catalogs know, newest first.
export const FLINK_VERSIONS = ['2.4', '2.3', '2.2', '2.1', '2.0', '1.20', '1.19', '1.18', '1.17'] as const;

export interface Resource {
  cpu?: number;
  memory?: string;
}

export interface JobManagerSpec {
  resource?: Resource;
  replicas?: number;
  podTemplate?: Record<string, unknown>;
}

export interface TaskManagerSpec {
  resource?: Resource;
  replicas?: number;
  slots?: number;
  podTemplate?: Record<string, unknown>;
}

export interface JarSpec {
  jarURI?: string;
  entryClass?: string;
  args?: string[];
}

export interface JobSpecBody {
  flinkVersion?: string;
  target?: Target;
  cluster?: string;
  sessionCluster?: string;
  namespace?: string;
  image?: string;
  imagePullPolicy?: string;
  serviceAccount?: string;
  sql?: string;
  sqlFile?: string;
  jar?: JarSpec;
  dependencies?: string[];
  parallelism?: number;
  // Flat (a.b: v) or nested (a: {b: v}) as in Flink's config.yaml; the UI writes flat strings.
  flinkConfiguration?: Record<string, unknown>;
  jobManager?: JobManagerSpec;
  taskManager?: TaskManagerSpec;
  podTemplate?: Record<string, unknown>;
  restService?: { exposure?: string };
  upgradeMode?: UpgradeMode;
  savepointDirectory?: string;
  checkpointDirectory?: string;
  restore?: { mode?: RestoreMode; path?: string; allowNonRestoredState?: boolean };
  restartPolicy?: { maxRestarts?: number; window?: string; backoff?: string };
  savepointSchedule?: { interval?: string; retain?: number };
  state?: DesiredState;
  logConfiguration?: Record<string, string>;
  env?: Record<string, string>;
}

export interface JobSpec {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; team?: string; labels?: Record<string, string> };
  spec: JobSpecBody;
}

export const API_VERSION = 'sluice.dev/v1';
export const KIND = 'FlinkJob';

export function isKubernetesTarget(t: string | undefined): boolean {
  return t === 'kubernetes-application' || t === 'kubernetes-session' || t === 'operator' || t === undefined;
}

export function needsSessionCluster(t: string | undefined): boolean {
  return t === 'kubernetes-session' || t === 'yarn-session';
}

export function needsImage(t: string | undefined): boolean {
  return t === 'kubernetes-application' || t === 'operator' || t === undefined;
}

// Which kind of registered cluster a target runs on; null: none needed (local).
export function clusterKindFor(t: string | undefined): string | null {
  if (isKubernetesTarget(t)) return 'kubernetes';
  if (t?.startsWith('yarn-')) return 'yarn';
  if (t === 'remote') return 'standalone';
  return null;
}
