// Checks of a job spec the UI can make while the user types, by field path, in the words
// of docs/job-spec.md "Validation". The server validates again on save and its answer
// wins; these are here so that mistakes show before anyone presses Submit.

import type { OptionCatalog } from '../flink/catalog';
import { dns1035Problem, isDuration, isMemory, uriProblem } from '../flink/values';
import { flattenConfiguration } from './form';
import { isKubernetesTarget, needsImage, needsSessionCluster, type JobSpec } from './types';

export interface SpecFinding {
  path: string;
  severity: 'error' | 'warning';
  message: string;
}

const HA_KEYS = ['high-availability.type', 'high-availability'];
const SAVEPOINT_DIR_KEYS = ['execution.checkpointing.savepoint-dir', 'state.savepoints.dir'];

function majorMinor(v: string | undefined): [number, number] | null {
  const m = /^v?(\d+)[._](\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function validateSpec(job: JobSpec, catalog?: OptionCatalog | null): SpecFinding[] {
  const out: SpecFinding[] = [];
  const err = (path: string, message: string) => out.push({ path, severity: 'error', message });
  const warn = (path: string, message: string) => out.push({ path, severity: 'warning', message });
  const s = job.spec ?? {};
  const conf = new Map(flattenConfiguration(s.flinkConfiguration));

  const nameProblem = dns1035Problem(job.metadata?.name ?? '');
  if (nameProblem) err('metadata.name', nameProblem);
  if ((job.metadata?.team ?? '').length > 63) err('metadata.team', 'is longer than 63 characters');
  for (const [k, v] of Object.entries(job.metadata?.labels ?? {})) {
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) {
      err(`metadata.labels["${k}"]`, 'is not a valid Kubernetes label key');
    }
    if (v !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v)) {
      err(`metadata.labels["${k}"]`, 'value must be at most 63 letters, digits, "-", "_" or "." and start and end with a letter or digit');
    }
  }

  const version = majorMinor(s.flinkVersion);
  if (!s.flinkVersion) err('spec.flinkVersion', 'is required: the Flink version the job runs on, such as 1.20');
  else if (!version) err('spec.flinkVersion', `"${s.flinkVersion}" is not a Flink version (write 1.20, 2.2 or 1.20.3)`);

  const programs = [s.sql !== undefined, s.sqlFile !== undefined, s.jar !== undefined].filter(Boolean).length;
  if (programs === 0) err('spec.sql', 'a job runs SQL, a SQL file or a JAR: write the script, or give a file or JAR');
  if (programs > 1) err('spec', 'give exactly one of sql, sqlFile and jar');
  if (s.sqlFile !== undefined) {
    const p = uriProblem(s.sqlFile);
    if (p) err('spec.sqlFile', p);
  }
  if (s.jar !== undefined) {
    if (!s.jar.jarURI) {
      if (!version || version[0] < 2) err('spec.jar.jarURI', 'is required before Flink 2.0');
    } else {
      const p = uriProblem(s.jar.jarURI);
      if (p) err('spec.jar.jarURI', p);
    }
  }
  (s.dependencies ?? []).forEach((d, i) => {
    const p = uriProblem(d);
    if (p) err(`spec.dependencies[${i}]`, `"${d}" ${p}`);
  });

  const target = s.target;
  if (needsImage(target) && !s.image) err('spec.image', `is required for target ${target ?? 'kubernetes-application'}`);
  if (needsSessionCluster(target) && !s.sessionCluster) err('spec.sessionCluster', `is required for target ${target}`);
  if (!isKubernetesTarget(target)) {
    for (const [field, present] of [
      ['spec.namespace', s.namespace],
      ['spec.image', s.image],
      ['spec.serviceAccount', s.serviceAccount],
      ['spec.podTemplate', s.podTemplate],
      ['spec.restService.exposure', s.restService?.exposure],
    ] as const) {
      if (present) warn(field, `is ignored by target ${target}`);
    }
  }
  if (s.namespace && !(s.namespace.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s.namespace))) {
    err('spec.namespace', 'must be a Kubernetes namespace name (lower-case letters, digits and "-")');
  }

  for (const [path, mem] of [
    ['spec.jobManager.resource.memory', s.jobManager?.resource?.memory],
    ['spec.taskManager.resource.memory', s.taskManager?.resource?.memory],
  ] as const) {
    if (mem !== undefined && !isMemory(mem)) err(path, `"${mem}" is not a memory size (use 2g, 2048m or 2Gi)`);
  }
  for (const [path, d] of [
    ['spec.restartPolicy.window', s.restartPolicy?.window],
    ['spec.restartPolicy.backoff', s.restartPolicy?.backoff],
    ['spec.savepointSchedule.interval', s.savepointSchedule?.interval],
  ] as const) {
    if (d !== undefined && !isDuration(d)) err(path, `"${d}" is not a duration (use 30 s, 5 min, 1 h or 2 d)`);
  }
  for (const [path, uri] of [
    ['spec.savepointDirectory', s.savepointDirectory],
    ['spec.checkpointDirectory', s.checkpointDirectory],
    ['spec.restore.path', s.restore?.path],
  ] as const) {
    if (uri !== undefined) {
      const p = uriProblem(uri);
      if (p) err(path, p);
    }
  }

  const hasSavepointDir = !!s.savepointDirectory || SAVEPOINT_DIR_KEYS.some((k) => conf.has(k));
  const ha = HA_KEYS.map((k) => conf.get(k)).find((v) => v !== undefined);
  const hasHa = ha !== undefined && ha.trim() !== '' && ha.trim().toUpperCase() !== 'NONE';
  if (s.upgradeMode === 'savepoint' && !hasSavepointDir) {
    err('spec.savepointDirectory', 'is needed with upgradeMode savepoint');
  }
  if (s.savepointSchedule?.interval && !hasSavepointDir) {
    err('spec.savepointDirectory', 'is needed for scheduled savepoints');
  }
  if (s.upgradeMode === 'last-state' && !hasHa) {
    err('spec.upgradeMode', 'last-state needs high availability: set high-availability.type in the Flink options');
  }
  if ((s.jobManager?.replicas ?? 1) > 1 && !hasHa) {
    err('spec.jobManager.replicas', 'more than one JobManager needs high-availability.type in the Flink options');
  }
  if (s.restore?.mode === 'path' && !s.restore.path) err('spec.restore.path', 'is required with restore mode path');
  if (s.restore?.mode === 'none' && s.restore.path) err('spec.restore.path', 'must be empty with restore mode none');

  for (const name of Object.keys(s.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      err(`spec.env["${name}"]`, 'is not an environment variable name (letters, digits and "_", not starting with a digit)');
    }
  }

  if (catalog) {
    for (const [k, v] of conf) {
      for (const f of catalog.check(k, v)) out.push({ path: `spec.flinkConfiguration["${k}"]`, ...f });
    }
  }
  return out;
}
