// Field paths: the server's validation errors and the UI's own checks name fields as
// `spec.taskManager.resource.memory` or `spec.flinkConfiguration["state.backend"]`; the
// form shows each problem beside the control for its field.

export const FORM_FIELDS = [
  'metadata.name',
  'metadata.team',
  'metadata.labels',
  'spec.sql',
  'spec.sqlFile',
  'spec.jar.jarURI',
  'spec.jar.entryClass',
  'spec.jar.args',
  'spec.dependencies',
  'spec.flinkVersion',
  'spec.target',
  'spec.cluster',
  'spec.sessionCluster',
  'spec.namespace',
  'spec.image',
  'spec.imagePullPolicy',
  'spec.serviceAccount',
  'spec.restService.exposure',
  'spec.parallelism',
  'spec.jobManager.resource.cpu',
  'spec.jobManager.resource.memory',
  'spec.jobManager.replicas',
  'spec.taskManager.resource.cpu',
  'spec.taskManager.resource.memory',
  'spec.taskManager.slots',
  'spec.taskManager.replicas',
  'spec.flinkConfiguration',
  'spec.upgradeMode',
  'spec.savepointDirectory',
  'spec.checkpointDirectory',
  'spec.restore.mode',
  'spec.restore.path',
  'spec.restore.allowNonRestoredState',
  'spec.restartPolicy.maxRestarts',
  'spec.restartPolicy.window',
  'spec.restartPolicy.backoff',
  'spec.savepointSchedule.interval',
  'spec.savepointSchedule.retain',
  'spec.state',
  'spec.env',
  'spec.podTemplate',
  'spec.jobManager.podTemplate',
  'spec.taskManager.podTemplate',
  'spec.logConfiguration',
] as const;

const KNOWN = new Set<string>(FORM_FIELDS);
const ALIASES: Record<string, string> = { 'spec.jar': 'spec.jar.jarURI', 'spec.restService': 'spec.restService.exposure' };

// The server's spelling to ours: "body.spec.x", "$.spec.x", "/spec/x" and "spec/x" all
// become "spec.x".
export function normalizePath(path: string): string {
  let p = path.trim();
  if (p.startsWith('/')) {
    p = p
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
      .join('');
  }
  p = p.replace(/^(body|\$)\.?/, '');
  return p;
}

export interface FieldRef {
  field: string | null; // a FORM_FIELDS entry; null: the job as a whole
  key?: string; // for maps: the entry's key (flinkConfiguration["key"])
  index?: number; // for lists: the item's index
}

export function fieldFor(rawPath: string): FieldRef {
  const path = normalizePath(rawPath);
  const m = /^([^[]*)(?:\[(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\d+))\])?/.exec(path);
  let base = m?.[1] ?? path;
  const key = m?.[2] ?? m?.[3];
  const index = m?.[4] !== undefined ? Number(m[4]) : undefined;
  if (ALIASES[base]) base = ALIASES[base];
  // Nested configuration written by the server as spec.flinkConfiguration.a.b.
  if (base.startsWith('spec.flinkConfiguration.')) {
    return { field: 'spec.flinkConfiguration', key: base.slice('spec.flinkConfiguration.'.length) };
  }
  while (base && !KNOWN.has(base)) {
    const dot = base.lastIndexOf('.');
    base = dot < 0 ? '' : base.slice(0, dot);
    if (ALIASES[base]) base = ALIASES[base];
  }
  return { field: base || null, key, index };
}
