import { useApi } from '../../app/ApiContext';
import { Empty, ErrorBox, Loading } from '../../ui/Feedback';
import { Time } from '../../ui/Time';
import { useAsync } from '../../ui/useAsync';

export function ExceptionsTab({ name }: { name: string }) {
  const api = useApi();
  const ex = useAsync(() => api.jobExceptions(name), [api, name]);
  if (ex.loading) return <Loading label="Asking Flink for exceptions…" />;
  if (ex.error) return <ErrorBox error={ex.error} onRetry={() => void ex.reload()} title="The exceptions could not be fetched" />;
  const entries = ex.data?.entries ?? [];
  if (entries.length === 0) return <Empty title="No exceptions">Flink reports no failure of this job.</Empty>;
  return (
    <div>
      <div className="toolbar">
        <button type="button" className="small" onClick={() => void ex.reload()}>
          Refresh
        </button>
        {ex.data?.truncated && <span className="muted">Flink keeps only the most recent exceptions.</span>}
      </div>
      <ul className="exceptions">
        {entries.map((e, i) => (
          <li key={i}>
            <details>
              <summary>
                <Time value={e.timestamp} /> <strong>{e.exceptionName}</strong>
                {e.taskName && <span className="muted"> in {e.taskName}</span>}
                {e.endpoint && <span className="muted"> on {e.endpoint}</span>}
              </summary>
              {e.message && <p>{e.message}</p>}
              {e.stacktrace && <pre className="code stacktrace">{e.stacktrace}</pre>}
            </details>
          </li>
        ))}
      </ul>
    </div>
  );
}
