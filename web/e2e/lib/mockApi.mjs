// A stand-in for the parts of the REST API the server does not have yet (phase 1), served
// through Playwright's request interception while the real `sluice serve` serves the UI.
// It answers in the shapes docs/web.md lists; the page tour and the benchmark use it.

const STATES = ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'FAILED', 'DEPLOYING', 'SUSPENDED', 'FINISHED', 'RESTARTING', 'CANCELED'];
const TARGETS = ['kubernetes-application', 'kubernetes-application', 'operator', 'yarn-application', 'kubernetes-session', 'remote'];
const TEAMS = ['web-analytics', 'risk', 'payments', 'search'];
const T0 = Date.parse('2025-06-01T08:00:00Z');

export const SQL = `-- Clicks enriched with the customer, written to Kafka.
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'clicks',
  'properties.bootstrap.servers' = 'kafka:9092',
  'format' = 'json'
);

CREATE TABLE customers (
  id BIGINT,
  name STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://db:5432/crm',
  'table-name' = 'customers',
  'password' = '******'
);

CREATE TABLE enriched (
  user_id BIGINT,
  name STRING,
  url STRING,
  ts TIMESTAMP(3)
) WITH ('connector' = 'upsert-kafka', 'topic' = 'enriched', 'properties.bootstrap.servers' = 'kafka:9092', 'key.format' = 'json', 'value.format' = 'json');

INSERT INTO enriched
SELECT c.user_id, u.name, c.url, c.ts
FROM clicks AS c
JOIN customers AS u ON c.user_id = u.id;
`;

export function makeJob(i) {
  const name =
    i === 0 ? 'orders-enrich' : `job-${String(i).padStart(5, '0')}-${['clicks', 'orders', 'fraud', 'search', 'payments'][i % 5]}`;
  const state = i === 0 ? 'RUNNING' : STATES[i % STATES.length];
  return {
    apiVersion: 'sluice.dev/v1',
    kind: 'FlinkJob',
    metadata: { name, team: TEAMS[i % TEAMS.length] },
    spec: {
      flinkVersion: ['1.20', '2.2', '1.18'][i % 3],
      target: TARGETS[i % TARGETS.length],
      cluster: ['prod-eu', 'prod-us', 'staging'][i % 3],
      namespace: 'flink-jobs',
      image: 'registry.example.com/flink/sql-runner:1.20',
      ...(i % 4 === 3 ? { jar: { jarURI: 'local:///opt/flink/usrlib/app.jar', entryClass: 'com.example.Job' } } : { sql: SQL }),
      parallelism: 1 + (i % 8),
      flinkConfiguration: { 'state.backend.type': 'rocksdb', 'execution.checkpointing.interval': '30 s', 's3.secret-key': 'never-shown' },
      jobManager: { resource: { cpu: 1, memory: '2g' } },
      taskManager: { resource: { cpu: 2, memory: '4g' }, slots: 2 },
      upgradeMode: 'savepoint',
      savepointDirectory: 's3://flink-state/savepoints',
      restartPolicy: { maxRestarts: 10, window: '2 h', backoff: '1 min' },
      env: { KAFKA_PASSWORD: 'never-shown-either' },
    },
    status: {
      state,
      reason:
        state === 'FAILED'
          ? 'TaskManager lost: pod evicted (node memory pressure)'
          : state === 'RESTARTING'
            ? 'restart 2 of 10 after a failure'
            : '',
      webUrl: state === 'RUNNING' ? `http://flink.example.com/${name}/` : undefined,
      specVersion: 3,
      revision: 7,
      updatedAt: new Date(T0 - i * 61_000).toISOString(),
    },
  };
}

function checkSql(sql) {
  const statements = [];
  const diagnostics = [];
  const lines = sql.split('\n');
  lines.forEach((text, i) => {
    const at = text.indexOf('SELEC ');
    if (at >= 0) {
      diagnostics.push({
        severity: 'error',
        code: 'syntax-error',
        message: `Encountered "SELEC" at line ${i + 1}, column ${at + 1}.\nWas expecting one of: "SELECT" ...`,
        line: i + 1,
        column: at + 1,
        end_line: i + 1,
        end_column: at + 5,
      });
    }
  });
  for (const m of sql.matchAll(/CREATE\s+TABLE\s+(\w+)/gi)) {
    const line = sql.slice(0, m.index).split('\n').length;
    statements.push({ kind: 'CREATE_TABLE', line, column: 1, end_line: line, end_column: 1, text: m[0] });
  }
  if (/INSERT\s+INTO/i.test(sql)) statements.push({ kind: 'INSERT', line: 1, column: 1, end_line: 1, end_column: 1, text: 'INSERT' });
  else if (sql.trim())
    diagnostics.push({
      severity: 'warning',
      code: 'no-job',
      message: 'no INSERT: the script starts no job',
      line: 1,
      column: 1,
      end_line: 1,
      end_column: 1,
    });
  return { ok: !diagnostics.some((d) => d.severity === 'error'), statements, diagnostics };
}

const LINEAGE = {
  tables: [
    {
      name: 'clicks',
      kind: 'table',
      connector: 'kafka',
      columns: [
        { name: 'user_id', kind: 'physical', type: 'BIGINT' },
        { name: 'url', kind: 'physical', type: 'STRING' },
        { name: 'ts', kind: 'physical', type: 'TIMESTAMP(3)' },
      ],
      options: { topic: 'clicks' },
    },
    {
      name: 'customers',
      kind: 'table',
      connector: 'jdbc',
      columns: [
        { name: 'id', kind: 'physical', type: 'BIGINT' },
        { name: 'name', kind: 'physical', type: 'STRING' },
      ],
      options: { 'table-name': 'customers', password: '******' },
    },
    { name: 'enriched', kind: 'table', connector: 'upsert-kafka', columns: [{ name: 'user_id', kind: 'physical', type: 'BIGINT' }] },
  ],
  edges: [
    { from: 'clicks', to: 'enriched', statement: 3 },
    { from: 'customers', to: 'enriched', statement: 3 },
  ],
};

const OPTIONS = [
  { key: 'parallelism.default', type: 'Integer', default: '1', description: 'Default parallelism.' },
  { key: 'state.backend.type', type: 'String', default: 'hashmap', description: 'The state backend.' },
  { key: 'execution.checkpointing.interval', type: 'Duration', default: null, description: 'Checkpoint interval.' },
  {
    key: 'execution.checkpointing.mode',
    type: 'Enum',
    default: 'EXACTLY_ONCE',
    values: ['EXACTLY_ONCE', 'AT_LEAST_ONCE'],
    description: 'Mode.',
  },
  { key: 'taskmanager.memory.process.size', type: 'MemorySize', default: null, description: 'Process memory.' },
  { key: 'pipeline.object-reuse', type: 'Boolean', default: 'false', description: 'Object reuse.' },
  { key: 'table.exec.state.ttl', type: 'Duration', default: '0 ms', description: 'State TTL.' },
];

export function createMockApi({ jobs = 40, pageSize = 200, eventsPerBurst = 0, retryMs = 60_000 } = {}) {
  const all = Array.from({ length: jobs }, (_, i) => makeJob(i));
  let eventId = 1000;
  const state = { all, requests: [], eventsSent: 0 };

  const events = (name) =>
    ['DRAFT', 'DEPLOYING', 'RUNNING', 'RESTARTING', 'RUNNING'].slice(1).map((to, i, arr) => ({
      id: 100 + i,
      job: name,
      type: 'state-changed',
      from: i === 0 ? 'DRAFT' : arr[i - 1],
      to,
      reason: to === 'RESTARTING' ? 'TaskManager lost' : '',
      actor: i === 0 ? 'alice' : 'sluice',
      time: new Date(T0 - (10 - i) * 600_000).toISOString(),
    }));

  function answer(route, status, body, headers = {}) {
    return route.fulfill({ status, contentType: 'application/json', headers, body: body === undefined ? '' : JSON.stringify(body) });
  }

  async function handle(route) {
    const req = route.request();
    const url = new URL(req.url());
    const path = url.pathname;
    const method = req.method();
    state.requests.push(`${method} ${path}${url.search}`);
    const body = () => {
      try {
        return JSON.parse(req.postData() ?? '{}');
      } catch {
        return {};
      }
    };
    if (path === '/api/v1/auth/me')
      return answer(route, 200, {
        user: { name: 'alice', displayName: 'Alice', admin: true },
        teams: TEAMS.map((team) => ({ team, role: 'admin' })),
        csrfToken: 'mock-csrf',
      });
    if (path === '/api/v1/auth/login') return answer(route, 200, { csrfToken: 'mock-csrf' });
    if (path === '/api/v1/events') {
      let text = `retry: ${retryMs}\n: connected\n\n`;
      for (let i = 0; i < eventsPerBurst; i++) {
        const j = all[Math.floor(Math.random() * all.length)];
        const to = STATES[Math.floor(Math.random() * STATES.length)];
        const e = {
          id: ++eventId,
          job: j.metadata.name,
          type: 'state-changed',
          from: j.status.state,
          to,
          reason: '',
          time: new Date().toISOString(),
        };
        text += `id: ${e.id}\nevent: job-event\ndata: ${JSON.stringify(e)}\n\n`;
      }
      state.eventsSent += eventsPerBurst;
      return route.fulfill({ status: 200, contentType: 'text/event-stream', body: text });
    }
    if (path === '/api/v1/jobs' && method === 'GET') {
      const q = url.searchParams;
      let list = all;
      if (q.get('state')) list = list.filter((j) => j.status.state === q.get('state'));
      if (q.get('team')) list = list.filter((j) => j.metadata.team === q.get('team'));
      if (q.get('target')) list = list.filter((j) => j.spec.target === q.get('target'));
      if (q.get('text')) list = list.filter((j) => j.metadata.name.includes(q.get('text')));
      const start = Number(q.get('cursor') ?? 0);
      const limit = Math.min(Number(q.get('limit') ?? pageSize), pageSize);
      const items = list.slice(start, start + limit);
      return answer(route, 200, { items, nextCursor: start + limit < list.length ? String(start + limit) : null });
    }
    if (path === '/api/v1/sql/check') return answer(route, 200, checkSql(body().sql ?? ''));
    if (path === '/api/v1/sql/lineage') return answer(route, 200, LINEAGE);
    if (path === '/api/v1/flink/options') return answer(route, 200, OPTIONS);
    if (path === '/api/v1/render' || /\/render$/.test(path)) {
      return answer(route, 200, {
        target: 'kubernetes-application',
        documents: [
          {
            title: 'ConfigMap flink-config-orders-enrich',
            language: 'yaml',
            content:
              'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flink-config-orders-enrich\ndata:\n  config.yaml: |\n    parallelism.default: 4\n    state.backend.type: rocksdb\n    s3.secret-key: "******"\n',
          },
          {
            title: 'Deployment orders-enrich (JobManager)',
            language: 'yaml',
            content:
              'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-enrich\nspec:\n  replicas: 1\n  template:\n    spec:\n      serviceAccountName: flink\n      containers:\n        - name: flink-main-container\n          image: registry.example.com/flink/sql-runner:1.20\n          args: [kubernetes-jobmanager.sh, kubernetes-application]\n',
          },
          {
            title: 'Service orders-enrich-rest',
            language: 'yaml',
            content:
              'apiVersion: v1\nkind: Service\nmetadata:\n  name: orders-enrich-rest\nspec:\n  type: NodePort\n  ports:\n    - name: rest\n      port: 8081\n',
          },
        ],
        findings: [
          { severity: 'warning', path: 'spec.flinkConfiguration["state.backend"]', message: 'is deprecated; use state.backend.type' },
        ],
      });
    }
    const m = /^\/api\/v1\/jobs\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (m) {
      const name = decodeURIComponent(m[1]);
      const job = all.find((j) => j.metadata.name === name);
      if (!job) return answer(route, 404, { error: { code: 'not_found', message: `no job ${name}` } });
      const sub = m[2] ?? '';
      if (sub === '' && method === 'GET') return answer(route, 200, job);
      if (sub === '' && method === 'PUT') return answer(route, 200, { ...job, ...body() });
      if (sub.startsWith('actions/')) return answer(route, 202, { ...job });
      if (sub === 'events') return answer(route, 200, events(name).reverse());
      if (sub === 'versions') {
        return answer(
          route,
          200,
          [3, 2, 1].map((v) => ({
            version: v,
            createdBy: v === 1 ? 'alice' : 'bob',
            createdAt: new Date(T0 - (4 - v) * 86_400_000).toISOString(),
          })),
        );
      }
      const vm = /^versions\/(\d+)$/.exec(sub);
      if (vm) {
        const v = Number(vm[1]);
        const spec = {
          metadata: job.metadata,
          spec: {
            ...job.spec,
            parallelism: v * 2,
            sql: v === 3 ? job.spec.sql : (job.spec.sql ?? '').replace('JOIN customers', 'LEFT JOIN customers'),
          },
        };
        return answer(route, 200, { version: v, spec, createdBy: 'bob', createdAt: new Date(T0).toISOString() });
      }
      if (sub === 'savepoints') {
        return answer(route, 200, [
          {
            id: 'sp-3',
            path: 's3://flink-state/savepoints/savepoint-7c1e2a-3f9d1b2c',
            status: 'COMPLETED',
            trigger: 'scheduled',
            createdAt: new Date(T0 - 3_600_000).toISOString(),
            sizeBytes: 734003200,
          },
          {
            id: 'sp-2',
            path: 's3://flink-state/savepoints/savepoint-7c1e2a-91ab44e0',
            status: 'COMPLETED',
            trigger: 'manual',
            createdAt: new Date(T0 - 86_400_000).toISOString(),
            sizeBytes: 701234567,
          },
          {
            id: 'sp-1',
            status: 'FAILED',
            trigger: 'upgrade',
            createdAt: new Date(T0 - 2 * 86_400_000).toISOString(),
            error: 'Checkpoint coordinator is shut down',
          },
        ]);
      }
      if (sub === 'exceptions') {
        return answer(route, 200, {
          entries: [
            {
              exceptionName: 'org.apache.flink.runtime.jobmaster.JobMasterException',
              message: 'TaskManager with id orders-enrich-taskmanager-1-2 is no longer reachable.',
              timestamp: T0 - 7_200_000,
              taskName: 'Join(joinType=[InnerJoin]) -> Sink: enriched',
              endpoint: '10.0.3.17:6122',
              stacktrace:
                'org.apache.flink.runtime.jobmaster.JobMasterException: TaskManager with id orders-enrich-taskmanager-1-2 is no longer reachable.\n\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyTargetUnreachable(JobMaster.java:1520)\n\t...',
            },
          ],
          truncated: false,
        });
      }
      if (sub === 'lineage') return answer(route, 200, LINEAGE);
      if (sub.startsWith('logs')) {
        const lines = Array.from(
          { length: 60 },
          (_, i) =>
            `2025-06-01 08:${String(i).padStart(2, '0')}:00,000 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator [] - Completed checkpoint ${120 + i} for job 7c1e2a (${(4.2 + i / 10).toFixed(1)} MB, ${300 + i} ms).`,
        );
        return route.fulfill({ status: 200, contentType: 'text/plain', body: lines.join('\n') + '\n' });
      }
    }
    if (path === '/api/v1/clusters') {
      return answer(route, 200, [
        {
          name: 'prod-eu',
          kind: 'kubernetes',
          config: { namespace: 'flink-jobs', context: 'prod-eu' },
          secrets: { kubeconfig: true, token: false },
          teams: [],
          revision: 3,
          updatedAt: new Date(T0).toISOString(),
          preflight: {
            ok: false,
            checkedAt: new Date(T0).toISOString(),
            checks: [
              { name: 'API server reachable', ok: true, message: 'Kubernetes v1.30.2' },
              { name: 'Namespace flink-jobs exists', ok: true },
              {
                name: 'Service account flink',
                ok: false,
                message: 'serviceaccounts "flink" not found in flink-jobs',
                hint: 'kubectl -n flink-jobs create serviceaccount flink',
              },
              {
                name: 'Role binding: flink may edit',
                status: 'warning',
                message: 'could not check (forbidden)',
                hint: 'kubectl -n flink-jobs create rolebinding flink-edit --clusterrole=edit --serviceaccount=flink-jobs:flink',
              },
            ],
          },
        },
        {
          name: 'yarn-batch',
          kind: 'yarn',
          config: { resourceManagerUrl: 'http://rm.example.com:8088', queue: 'streaming' },
          secrets: { keytab: true },
          teams: ['risk'],
          revision: 1,
          updatedAt: new Date(T0).toISOString(),
        },
        {
          name: 'flink-1.20',
          kind: 'flink-version',
          config: { version: '1.20.1', flinkHome: '/opt/flink-1.20.1' },
          secrets: {},
          teams: [],
          revision: 1,
        },
        {
          name: 'flink-1.18',
          kind: 'flink-version',
          config: { version: '1.18.1', flinkHome: '/opt/flink-1.18.1' },
          secrets: {},
          teams: [],
          revision: 1,
        },
      ]);
    }
    if (path === '/api/v1/teams')
      return answer(
        route,
        200,
        TEAMS.map((name) => ({ name, description: `The ${name} team`, createdAt: new Date(T0).toISOString() })),
      );
    if (/^\/api\/v1\/teams\/[^/]+$/.test(path))
      return answer(route, 200, {
        name: decodeURIComponent(path.split('/').pop()),
        members: [
          { user: 'alice', role: 'admin' },
          { user: 'bob', role: 'developer' },
          { user: 'carol', role: 'viewer' },
        ],
      });
    if (path === '/api/v1/users') {
      return answer(route, 200, [
        { name: 'admin', displayName: 'Administrator', admin: true, disabled: false, createdAt: new Date(T0 - 9e9).toISOString() },
        { name: 'alice', displayName: 'Alice Martin', admin: true, disabled: false, createdAt: new Date(T0 - 5e9).toISOString() },
        { name: 'bob', displayName: 'Bob Chen', admin: false, disabled: false, createdAt: new Date(T0 - 3e9).toISOString() },
        { name: 'carol', displayName: 'Carol Diaz', admin: false, disabled: true, createdAt: new Date(T0 - 1e9).toISOString() },
      ]);
    }
    if (path === '/api/v1/auth/tokens' && method === 'GET') {
      return answer(route, 200, [
        {
          id: 1,
          name: 'ci-deploy',
          scopes: ['jobs:read', 'jobs:write', 'jobs:operate'],
          createdAt: new Date(T0 - 9e8).toISOString(),
          expiresAt: new Date(T0 + 5e9).toISOString(),
          lastUsedAt: new Date(T0 - 6e5).toISOString(),
        },
        {
          id: 2,
          name: 'laptop',
          scopes: [],
          createdAt: new Date(T0 - 2e9).toISOString(),
          expiresAt: null,
          lastUsedAt: null,
          revokedAt: new Date(T0 - 1e9).toISOString(),
        },
      ]);
    }
    if (path === '/api/v1/auth/tokens' && method === 'POST')
      return answer(route, 201, { token: 'slc_live_0123456789abcdef', id: 3, name: body().name });
    if (path === '/api/v1/audit') {
      const actions = ['job.deploy', 'job.update', 'auth.login', 'cluster.update', 'job.savepoint', 'auth.login'];
      return answer(route, 200, {
        items: actions.map((action, i) => ({
          id: 500 - i,
          time: new Date(T0 - i * 420_000).toISOString(),
          actor: i === 5 ? 'mallory' : ['alice', 'bob'][i % 2],
          actorKind: 'session',
          action,
          targetKind: action.split('.')[0],
          targetName: action.startsWith('auth') ? '' : 'orders-enrich',
          team: 'web-analytics',
          remoteAddress: '10.1.2.' + (10 + i),
          result: i === 5 ? 'denied' : 'success',
          httpStatus: i === 5 ? 401 : 200,
          details: i === 5 ? { error: 'wrong user name or password' } : {},
        })),
        nextCursor: '494',
      });
    }
    return answer(route, 404, { error: { code: 'not_found', message: `the mock has no ${method} ${path}` } });
  }

  return {
    state,
    async install(page) {
      await page.route('**/api/v1/**', handle);
    },
  };
}
