// The job form's state and its mapping to and from the JSON job spec.
//
// The form keeps what the user typed as text (so "1." or "" can be typed on the way to a
// number) and turns it into the spec on save: empty fields are left out (the server applies
// the documented defaults), numbers become JSON numbers, lists one item a line.
// Fields the form has no control for (pod templates, log files, fields a newer server
// adds) are carried through unchanged, so that editing a job never loses part of it.

import { API_VERSION, KIND, type JobSpec, type JobSpecBody } from './types';

export type ProgramKind = 'sql' | 'jar' | 'sqlFile';

export interface KeyValue {
  id: number;
  key: string;
  value: string;
}

export interface FormState {
  name: string;
  team: string;
  labels: KeyValue[];

  program: ProgramKind;
  sql: string;
  sqlFile: string;
  jarURI: string;
  entryClass: string;
  args: string; // one argument a line
  dependencies: string; // one URI a line

  flinkVersion: string;
  target: string;
  cluster: string;
  sessionCluster: string;
  namespace: string;
  image: string;
  imagePullPolicy: string;
  serviceAccount: string;
  exposure: string;

  parallelism: string;
  jmCpu: string;
  jmMemory: string;
  jmReplicas: string;
  tmCpu: string;
  tmMemory: string;
  tmSlots: string;
  tmReplicas: string;
  flinkConfiguration: KeyValue[];

  upgradeMode: string;
  savepointDirectory: string;
  checkpointDirectory: string;
  restoreMode: string;
  restorePath: string;
  allowNonRestoredState: '' | 'true' | 'false';
  maxRestarts: string;
  restartWindow: string;
  restartBackoff: string;
  savepointInterval: string;
  savepointRetain: string;
  state: string;
  env: KeyValue[];

  // Edited as JSON text in the advanced section; "" when absent.
  podTemplate: string;
  jmPodTemplate: string;
  tmPodTemplate: string;
  logConfiguration: KeyValue[];

  // Spec fields the form does not know, kept as they came.
  extraMetadata: Record<string, unknown>;
  extraSpec: Record<string, unknown>;
  extraTop: Record<string, unknown>;
}

export interface FormError {
  path: string; // the spec's field path: spec.parallelism, spec.flinkConfiguration["a.b"]
  message: string;
}

let nextId = 1;
export function kv(key = '', value = ''): KeyValue {
  return { id: nextId++, key, value };
}

export function emptyForm(): FormState {
  return {
    name: '',
    team: '',
    labels: [],
    program: 'sql',
    sql: '',
    sqlFile: '',
    jarURI: '',
    entryClass: '',
    args: '',
    dependencies: '',
    flinkVersion: '1.20',
    target: 'kubernetes-application',
    cluster: '',
    sessionCluster: '',
    namespace: '',
    image: '',
    imagePullPolicy: '',
    serviceAccount: '',
    exposure: '',
    parallelism: '1',
    jmCpu: '',
    jmMemory: '',
    jmReplicas: '',
    tmCpu: '',
    tmMemory: '',
    tmSlots: '',
    tmReplicas: '',
    flinkConfiguration: [],
    upgradeMode: 'stateless',
    savepointDirectory: '',
    checkpointDirectory: '',
    restoreMode: '',
    restorePath: '',
    allowNonRestoredState: '',
    maxRestarts: '',
    restartWindow: '',
    restartBackoff: '',
    savepointInterval: '',
    savepointRetain: '',
    state: 'running',
    env: [],
    podTemplate: '',
    jmPodTemplate: '',
    tmPodTemplate: '',
    logConfiguration: [],
    extraMetadata: {},
    extraSpec: {},
    extraTop: {},
  };
}

// ---- spec -> form ----

function str(v: unknown): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : String(v);
}

// A Flink configuration value in Flink's string form: lists as a;b, maps as k:v,k2:v2.
function flinkString(v: unknown): string {
  if (Array.isArray(v)) {
    return v
      .map((item) =>
        item && typeof item === 'object'
          ? Object.entries(item as Record<string, unknown>)
              .map(([k, x]) => `${k}:${flinkString(x)}`)
              .join(',')
          : flinkString(item),
      )
      .join(';');
  }
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}:${flinkString(x)}`)
      .join(',');
  }
  return str(v);
}

// Nested configuration ({a: {b: 1}}) flattened to dotted keys, as Flink reads config.yaml.
// A map-valued option written nested cannot be told from nesting; like Flink, we flatten.
export function flattenConfiguration(conf: Record<string, unknown> | undefined): [string, string][] {
  const out: [string, string][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else {
      out.push([prefix, flinkString(v)]);
    }
  };
  for (const [k, v] of Object.entries(conf ?? {})) walk(k, v);
  return out;
}

function pairs(m: Record<string, unknown> | undefined): KeyValue[] {
  return Object.entries(m ?? {}).map(([k, v]) => kv(k, str(v)));
}

function jsonText(v: unknown): string {
  return v === undefined || v === null ? '' : JSON.stringify(v, null, 2);
}

const KNOWN_SPEC_FIELDS = new Set<string>([
  'flinkVersion',
  'target',
  'cluster',
  'sessionCluster',
  'namespace',
  'image',
  'imagePullPolicy',
  'serviceAccount',
  'sql',
  'sqlFile',
  'jar',
  'dependencies',
  'parallelism',
  'flinkConfiguration',
  'jobManager',
  'taskManager',
  'podTemplate',
  'restService',
  'upgradeMode',
  'savepointDirectory',
  'checkpointDirectory',
  'restore',
  'restartPolicy',
  'savepointSchedule',
  'state',
  'logConfiguration',
  'env',
]);

function rest(obj: Record<string, unknown> | undefined, known: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj ?? {})) if (!known.has(k)) out[k] = v;
  return out;
}

export function specToForm(job: JobSpec): FormState {
  const s: JobSpecBody = job.spec ?? {};
  const f = emptyForm();
  f.name = job.metadata?.name ?? '';
  f.team = job.metadata?.team ?? '';
  f.labels = pairs(job.metadata?.labels);
  f.program = s.jar ? 'jar' : s.sqlFile ? 'sqlFile' : 'sql';
  f.sql = s.sql ?? '';
  f.sqlFile = s.sqlFile ?? '';
  f.jarURI = s.jar?.jarURI ?? '';
  f.entryClass = s.jar?.entryClass ?? '';
  f.args = (s.jar?.args ?? []).join('\n');
  f.dependencies = (s.dependencies ?? []).join('\n');
  f.flinkVersion = str(s.flinkVersion);
  f.target = s.target ?? '';
  f.cluster = s.cluster ?? '';
  f.sessionCluster = s.sessionCluster ?? '';
  f.namespace = s.namespace ?? '';
  f.image = s.image ?? '';
  f.imagePullPolicy = s.imagePullPolicy ?? '';
  f.serviceAccount = s.serviceAccount ?? '';
  f.exposure = s.restService?.exposure ?? '';
  f.parallelism = str(s.parallelism);
  f.jmCpu = str(s.jobManager?.resource?.cpu);
  f.jmMemory = str(s.jobManager?.resource?.memory);
  f.jmReplicas = str(s.jobManager?.replicas);
  f.tmCpu = str(s.taskManager?.resource?.cpu);
  f.tmMemory = str(s.taskManager?.resource?.memory);
  f.tmSlots = str(s.taskManager?.slots);
  f.tmReplicas = str(s.taskManager?.replicas);
  f.flinkConfiguration = flattenConfiguration(s.flinkConfiguration).map(([k, v]) => kv(k, v));
  f.upgradeMode = s.upgradeMode ?? '';
  f.savepointDirectory = s.savepointDirectory ?? '';
  f.checkpointDirectory = s.checkpointDirectory ?? '';
  f.restoreMode = s.restore?.mode ?? '';
  f.restorePath = s.restore?.path ?? '';
  f.allowNonRestoredState = s.restore?.allowNonRestoredState === undefined ? '' : s.restore.allowNonRestoredState ? 'true' : 'false';
  f.maxRestarts = str(s.restartPolicy?.maxRestarts);
  f.restartWindow = s.restartPolicy?.window ?? '';
  f.restartBackoff = s.restartPolicy?.backoff ?? '';
  f.savepointInterval = s.savepointSchedule?.interval ?? '';
  f.savepointRetain = str(s.savepointSchedule?.retain);
  f.state = s.state ?? '';
  f.env = pairs(s.env);
  f.podTemplate = jsonText(s.podTemplate);
  f.jmPodTemplate = jsonText(s.jobManager?.podTemplate);
  f.tmPodTemplate = jsonText(s.taskManager?.podTemplate);
  f.logConfiguration = pairs(s.logConfiguration);
  f.extraMetadata = rest(job.metadata as Record<string, unknown>, new Set(['name', 'team', 'labels']));
  f.extraSpec = rest(s as Record<string, unknown>, KNOWN_SPEC_FIELDS);
  f.extraTop = rest(job as unknown as Record<string, unknown>, new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']));
  return f;
}

// ---- form -> spec ----

class Builder {
  readonly errors: FormError[] = [];

  text(v: string): string | undefined {
    const t = v.trim();
    return t === '' ? undefined : t;
  }

  int(path: string, v: string, min: number, what: string): number | undefined {
    const t = v.trim();
    if (t === '') return undefined;
    if (!/^[+-]?\d+$/.test(t) || Number(t) < min || !Number.isSafeInteger(Number(t))) {
      this.errors.push({ path, message: `must be a whole number ${what}` });
      return undefined;
    }
    return Number(t);
  }

  positive(path: string, v: string): number | undefined {
    const t = v.trim();
    if (t === '') return undefined;
    const n = Number(t);
    if (!Number.isFinite(n) || n <= 0) {
      this.errors.push({ path, message: 'must be a number greater than 0 (such as 0.5, 1 or 2)' });
      return undefined;
    }
    return n;
  }

  lines(v: string): string[] | undefined {
    const items = v
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    return items.length ? items : undefined;
  }

  map(path: string, entries: KeyValue[], what: string): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    for (const e of entries) {
      const k = e.key.trim();
      if (k === '' && e.value === '') continue;
      if (k === '') {
        this.errors.push({ path, message: `a ${what} has a value but no name` });
        continue;
      }
      if (k in out) this.errors.push({ path: `${path}["${k}"]`, message: `is given twice` });
      out[k] = e.value;
    }
    return Object.keys(out).length ? out : undefined;
  }

  json(path: string, v: string): Record<string, unknown> | undefined {
    const t = v.trim();
    if (t === '') return undefined;
    try {
      const parsed: unknown = JSON.parse(t);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      this.errors.push({ path, message: 'must be a JSON object (a Kubernetes pod template)' });
    } catch (e) {
      this.errors.push({ path, message: `is not valid JSON: ${(e as Error).message}` });
    }
    return undefined;
  }
}

// Drops undefined members and empty objects, so the spec holds only what was set.
function compact<T extends Record<string, unknown>>(obj: T): T | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return Object.keys(out).length ? (out as T) : undefined;
}

export function formToSpec(f: FormState): { spec: JobSpec; errors: FormError[] } {
  const b = new Builder();
  const jar =
    f.program === 'jar'
      ? (compact({
          jarURI: b.text(f.jarURI),
          entryClass: b.text(f.entryClass),
          args: b.lines(f.args),
        }) ?? {})
      : undefined;
  const spec: JobSpecBody = {
    ...f.extraSpec,
    flinkVersion: b.text(f.flinkVersion),
    target: b.text(f.target) as JobSpecBody['target'],
    cluster: b.text(f.cluster),
    sessionCluster: b.text(f.sessionCluster),
    namespace: b.text(f.namespace),
    image: b.text(f.image),
    imagePullPolicy: b.text(f.imagePullPolicy),
    serviceAccount: b.text(f.serviceAccount),
    sql: f.program === 'sql' && f.sql.trim() !== '' ? f.sql : undefined,
    sqlFile: f.program === 'sqlFile' ? b.text(f.sqlFile) : undefined,
    jar,
    dependencies: b.lines(f.dependencies),
    parallelism: b.int('spec.parallelism', f.parallelism, 1, '(1 or more)'),
    flinkConfiguration: b.map('spec.flinkConfiguration', f.flinkConfiguration, 'Flink option'),
    jobManager: compact({
      resource: compact({
        cpu: b.positive('spec.jobManager.resource.cpu', f.jmCpu),
        memory: b.text(f.jmMemory),
      }),
      replicas: b.int('spec.jobManager.replicas', f.jmReplicas, 1, '(1 or more)'),
      podTemplate: b.json('spec.jobManager.podTemplate', f.jmPodTemplate),
    }),
    taskManager: compact({
      resource: compact({
        cpu: b.positive('spec.taskManager.resource.cpu', f.tmCpu),
        memory: b.text(f.tmMemory),
      }),
      replicas: b.int('spec.taskManager.replicas', f.tmReplicas, 1, '(1 or more)'),
      slots: b.int('spec.taskManager.slots', f.tmSlots, 1, '(1 or more)'),
      podTemplate: b.json('spec.taskManager.podTemplate', f.tmPodTemplate),
    }),
    podTemplate: b.json('spec.podTemplate', f.podTemplate),
    restService: compact({ exposure: b.text(f.exposure) }),
    upgradeMode: b.text(f.upgradeMode) as JobSpecBody['upgradeMode'],
    savepointDirectory: b.text(f.savepointDirectory),
    checkpointDirectory: b.text(f.checkpointDirectory),
    restore: compact({
      mode: b.text(f.restoreMode) as 'auto' | 'path' | 'none' | undefined,
      path: b.text(f.restorePath),
      allowNonRestoredState: f.allowNonRestoredState === '' ? undefined : f.allowNonRestoredState === 'true',
    }),
    restartPolicy: compact({
      maxRestarts: b.int('spec.restartPolicy.maxRestarts', f.maxRestarts, -1, '(-1 for no limit)'),
      window: b.text(f.restartWindow),
      backoff: b.text(f.restartBackoff),
    }),
    savepointSchedule: compact({
      interval: b.text(f.savepointInterval),
      retain: b.int('spec.savepointSchedule.retain', f.savepointRetain, 1, '(1 or more)'),
    }),
    state: b.text(f.state) as JobSpecBody['state'],
    logConfiguration: b.map('spec.logConfiguration', f.logConfiguration, 'log file'),
    env: b.map('spec.env', f.env, 'variable'),
  };
  const metadata = compact({
    ...f.extraMetadata,
    name: f.name.trim(),
    team: b.text(f.team),
    labels: b.map('metadata.labels', f.labels, 'label'),
  }) as JobSpec['metadata'];
  const job: JobSpec = {
    ...f.extraTop,
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: metadata ?? { name: '' },
    spec: compact(spec as Record<string, unknown>) ?? {},
  };
  return { spec: job, errors: b.errors };
}
