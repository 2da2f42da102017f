import type { Job } from '../../api/types';
import { flattenConfiguration } from '../../spec/form';
import { maskSqlSecrets, maskValue } from '../../spec/secrets';

function Row({ label, value }: { label: string; value: React.ReactNode }) {
  if (value === undefined || value === null || value === '') return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

export function OverviewTab({ job }: { job: Job }) {
  const s = job.spec ?? {};
  const conf = flattenConfiguration(s.flinkConfiguration);
  const res = (r?: { cpu?: number; memory?: string }) =>
    r && (r.cpu !== undefined || r.memory) ? `${r.cpu ?? '—'} CPU, ${r.memory ?? '—'}` : undefined;
  return (
    <div className="overview">
      <div className="overview-grid">
        <section>
          <h2>Where it runs</h2>
          <dl className="props">
            <Row label="Target" value={s.target} />
            <Row label="Cluster" value={s.cluster} />
            <Row label="Session cluster" value={s.sessionCluster} />
            <Row label="Namespace" value={s.namespace} />
            <Row label="Image" value={s.image && <code>{s.image}</code>} />
            <Row label="Flink version" value={s.flinkVersion} />
            <Row label="Service account" value={s.serviceAccount} />
            <Row label="REST exposure" value={s.restService?.exposure} />
          </dl>
        </section>
        <section>
          <h2>Resources</h2>
          <dl className="props">
            <Row label="Parallelism" value={s.parallelism} />
            <Row label="JobManager" value={res(s.jobManager?.resource)} />
            <Row label="JobManager replicas" value={s.jobManager?.replicas} />
            <Row label="TaskManager" value={res(s.taskManager?.resource)} />
            <Row label="Slots per TaskManager" value={s.taskManager?.slots} />
            <Row label="TaskManagers" value={s.taskManager?.replicas} />
          </dl>
        </section>
        <section>
          <h2>State and restarts</h2>
          <dl className="props">
            <Row label="Upgrade mode" value={s.upgradeMode} />
            <Row label="Savepoints" value={s.savepointDirectory && <code>{s.savepointDirectory}</code>} />
            <Row label="Checkpoints" value={s.checkpointDirectory && <code>{s.checkpointDirectory}</code>} />
            <Row label="Restore" value={s.restore?.mode && `${s.restore.mode}${s.restore.path ? ` from ${s.restore.path}` : ''}`} />
            <Row
              label="Restart policy"
              value={
                s.restartPolicy &&
                `${s.restartPolicy.maxRestarts ?? 5} restarts per ${s.restartPolicy.window ?? '1 h'}, ${s.restartPolicy.backoff ?? '30 s'} apart`
              }
            />
            <Row
              label="Savepoint schedule"
              value={s.savepointSchedule?.interval && `every ${s.savepointSchedule.interval}, keep ${s.savepointSchedule.retain ?? 'all'}`}
            />
            <Row label="Desired state" value={s.state} />
          </dl>
        </section>
      </div>
      {s.jar && (
        <section>
          <h2>JAR</h2>
          <dl className="props">
            <Row label="JAR" value={<code>{s.jar.jarURI}</code>} />
            <Row label="Entry class" value={s.jar.entryClass && <code>{s.jar.entryClass}</code>} />
            <Row label="Arguments" value={s.jar.args?.length ? <code>{s.jar.args.join(' ')}</code> : undefined} />
          </dl>
        </section>
      )}
      {s.sqlFile && (
        <section>
          <h2>SQL file</h2>
          <code>{s.sqlFile}</code>
        </section>
      )}
      {s.sql !== undefined && (
        <section>
          <h2>SQL</h2>
          <pre className="code sql-view">{maskSqlSecrets(s.sql)}</pre>
        </section>
      )}
      {(s.dependencies?.length ?? 0) > 0 && (
        <section>
          <h2>Dependency JARs</h2>
          <ul className="plain">
            {s.dependencies!.map((d) => (
              <li key={d}>
                <code>{d}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {conf.length > 0 && (
        <section>
          <h2>Flink options</h2>
          <table className="compact">
            <tbody>
              {conf.map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <code>{maskValue(k, v)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {s.env && Object.keys(s.env).length > 0 && (
        <section>
          <h2>Environment</h2>
          <table className="compact">
            <tbody>
              {Object.entries(s.env).map(([k, v]) => (
                <tr key={k}>
                  <th scope="row">
                    <code>{k}</code>
                  </th>
                  <td>
                    <code>{maskValue(k, v)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}
