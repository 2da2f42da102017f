import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../api/client';
import { useApi } from '../../app/ApiContext';

const MAX_LINES = 5000;

// Logs streamed from the server (chunked text) as they are written; the view follows the
// end unless the user scrolled up.
export function LogsTab({ name }: { name: string }) {
  const api = useApi();
  const [component, setComponent] = useState('jobmanager');
  const [follow, setFollow] = useState(true);
  const [lines, setLines] = useState<string[]>([]);
  const [status, setStatus] = useState<'connecting' | 'streaming' | 'ended' | 'error'>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const box = useRef<HTMLPreElement>(null);
  const atEnd = useRef(true);

  useEffect(() => {
    const controller = new AbortController();
    setLines([]);
    setStatus('connecting');
    setError(null);
    (async () => {
      try {
        const res = await api.jobLogs(name, component, follow, controller.signal);
        setStatus('streaming');
        const reader = res.body?.getReader();
        if (!reader) {
          setLines((await res.text()).split('\n'));
          setStatus('ended');
          return;
        }
        const decoder = new TextDecoder();
        let rest = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const text = rest + decoder.decode(value, { stream: true });
          const parts = text.split('\n');
          rest = parts.pop() ?? '';
          if (parts.length) setLines((l) => l.concat(parts).slice(-MAX_LINES));
        }
        if (rest) setLines((l) => l.concat(rest).slice(-MAX_LINES));
        setStatus('ended');
      } catch (e) {
        if (controller.signal.aborted) return;
        setStatus('error');
        setError(errorMessage(e));
      }
    })();
    return () => controller.abort();
  }, [api, name, component, follow, attempt]);

  useEffect(() => {
    if (atEnd.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);

  return (
    <div className="logs">
      <div className="toolbar">
        <label>
          Component
          <select value={component} onChange={(e) => setComponent(e.target.value)}>
            <option value="jobmanager">JobManager</option>
            <option value="taskmanager">TaskManagers</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow new lines
        </label>
        <span className="muted" role="status">
          {status === 'connecting' && 'Connecting…'}
          {status === 'streaming' && (follow ? 'Streaming' : 'Loaded')}
          {status === 'ended' && 'End of log'}
        </span>
        {(status === 'ended' || status === 'error') && (
          <button type="button" className="small" onClick={() => setAttempt((a) => a + 1)}>
            Reload
          </button>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          The logs could not be fetched: {error}
        </p>
      )}
      <pre
        className="code log-view"
        ref={box}
        tabIndex={0}
        aria-label={`${component} log`}
        onScroll={(e) => {
          const el = e.currentTarget;
          atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length === 0 && status !== 'error' ? <span className="muted">No log lines yet.</span> : lines.join('\n')}
      </pre>
    </div>
  );
}
