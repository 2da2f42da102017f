// What each kind of cluster takes (the server's schemas): configuration fields, which of
// them are required, and the secret fields, which are sent once and never come back.

export interface ConfigField {
  key: string;
  label: string;
  type: 'text' | 'bool';
  required?: boolean;
  placeholder?: string;
  hint?: string;
}

export interface SecretField {
  key: string;
  label: string;
  input: 'password' | 'file';
  hint?: string;
}

export interface KindSpec {
  kind: string;
  label: string;
  description: string;
  config: ConfigField[];
  secrets: SecretField[];
}

export const CLUSTER_KINDS: KindSpec[] = [
  {
    kind: 'kubernetes',
    label: 'Kubernetes',
    description:
      'For the kubernetes-application, kubernetes-session and operator targets: a kubeconfig, or the service account Sluice runs under.',
    config: [
      { key: 'inCluster', label: 'Sluice runs inside this cluster (use its service account)', type: 'bool' },
      { key: 'context', label: 'Context', type: 'text', hint: 'Default: the kubeconfig’s current-context.' },
      { key: 'namespace', label: 'Default namespace', type: 'text', placeholder: 'default' },
      {
        key: 'apiServer',
        label: 'API server URL',
        type: 'text',
        placeholder: 'https://k8s.example.com:6443',
        hint: 'Overrides the kubeconfig’s.',
      },
      { key: 'serviceAccount', label: 'Service account for Flink pods', type: 'text', placeholder: 'flink' },
    ],
    secrets: [
      { key: 'kubeconfig', label: 'Kubeconfig file', input: 'file', hint: 'Uploaded, stored encrypted, never shown again.' },
      { key: 'token', label: 'Bearer token', input: 'password', hint: 'Instead of the kubeconfig’s credentials.' },
    ],
  },
  {
    kind: 'yarn',
    label: 'YARN',
    description: 'For the yarn-application, yarn-per-job and yarn-session targets.',
    config: [
      { key: 'resourceManagerUrl', label: 'ResourceManager URL', type: 'text', required: true, placeholder: 'http://rm.example.com:8088' },
      { key: 'queue', label: 'Queue', type: 'text' },
      { key: 'hadoopConfDir', label: 'Hadoop configuration directory', type: 'text', placeholder: '/etc/hadoop/conf' },
      { key: 'principal', label: 'Kerberos principal', type: 'text' },
      {
        key: 'flinkVersion',
        label: 'Flink version (registered)',
        type: 'text',
        hint: 'The name of a registered Flink version whose CLI submits.',
      },
    ],
    secrets: [{ key: 'keytab', label: 'Keytab file', input: 'file' }],
  },
  {
    kind: 'standalone',
    label: 'Standalone session',
    description: 'For the remote target: a running Flink session cluster’s JobManager.',
    config: [
      { key: 'jobManagerUrl', label: 'JobManager REST URL', type: 'text', required: true, placeholder: 'http://flink-jm:8081' },
      { key: 'username', label: 'User name', type: 'text' },
      { key: 'flinkVersion', label: 'Flink version (registered)', type: 'text' },
    ],
    secrets: [
      { key: 'password', label: 'Password', input: 'password' },
      { key: 'token', label: 'Token', input: 'password' },
    ],
  },
  {
    kind: 'flink-version',
    label: 'Flink version',
    description: 'A Flink distribution on the Sluice host, for the YARN and local targets (its flink CLI).',
    config: [
      { key: 'version', label: 'Version', type: 'text', required: true, placeholder: '1.20.1' },
      { key: 'flinkHome', label: 'FLINK_HOME', type: 'text', required: true, placeholder: '/opt/flink-1.20.1' },
    ],
    secrets: [],
  },
];

export function kindSpec(kind: string): KindSpec | undefined {
  return CLUSTER_KINDS.find((k) => k.kind === kind);
}

export interface ClusterDraft {
  name: string;
  kind: string;
  config: Record<string, string | boolean>;
  secrets: Record<string, string | null>; // set, or null to remove; absent: unchanged
  teams: string[];
}

// Problems by field path ("name", "config.resourceManagerUrl") before sending.
export function validateCluster(d: ClusterDraft, existingSecrets: Record<string, boolean> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(d.name) || d.name.length > 63) {
    out.name = 'use lower-case letters, digits and "-" (at most 63)';
  }
  const spec = kindSpec(d.kind);
  if (!spec) {
    out.kind = 'choose a kind';
    return out;
  }
  for (const f of spec.config) {
    const v = d.config[f.key];
    if (f.required && (v === undefined || v === '')) out[`config.${f.key}`] = 'is required';
    if (f.type === 'text' && typeof v === 'string' && v !== '' && /Url$|apiServer/.test(f.key) && !/^https?:\/\//.test(v)) {
      out[`config.${f.key}`] = 'must be an http:// or https:// URL';
    }
  }
  if (
    d.kind === 'flink-version' &&
    typeof d.config.version === 'string' &&
    d.config.version &&
    !/^\d+\.\d+(\.\d+)?$/.test(d.config.version)
  ) {
    out['config.version'] = 'write it as 1.20 or 1.20.1';
  }
  if (d.kind === 'flink-version' && typeof d.config.flinkHome === 'string' && d.config.flinkHome && !d.config.flinkHome.startsWith('/')) {
    out['config.flinkHome'] = 'must be an absolute path';
  }
  if (d.kind === 'kubernetes' && !d.config.inCluster) {
    const has = (k: string) => (d.secrets[k] !== undefined ? d.secrets[k] !== null : !!existingSecrets[k]);
    if (!has('kubeconfig')) out['secrets.kubeconfig'] = 'upload a kubeconfig, or tick "Sluice runs inside this cluster"';
  }
  return out;
}

// The request body: empty strings left out, secrets only when set or removed.
export function clusterBody(d: ClusterDraft, revision?: number) {
  const config: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d.config)) {
    if (v === '' || v === false) continue;
    config[k] = typeof v === 'string' ? v.trim() : v;
  }
  return {
    name: d.name,
    kind: d.kind,
    config,
    ...(Object.keys(d.secrets).length ? { secrets: d.secrets } : {}),
    teams: d.teams,
    ...(revision !== undefined ? { revision } : {}),
  };
}
