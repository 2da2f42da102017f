import { useState } from 'react';
import type { JobEvent } from '../../api/types';
import { useApi } from '../../app/ApiContext';
import { useJobEvents } from '../../app/EventsProvider';
import { Empty, ErrorBox, Loading } from '../../ui/Feedback';
import { StateBadge } from '../../ui/StateBadge';
import { Time } from '../../ui/Time';
import { useAsync } from '../../ui/useAsync';

export function EventsTab({ name }: { name: string }) {
  const api = useApi();
  const events = useAsync(() => api.jobEvents(name), [api, name]);
  const [older, setOlder] = useState<{ busy: boolean; done: boolean; error: unknown }>({ busy: false, done: false, error: null });

  useJobEvents({
    onEvent: (e) => {
      if (e.job !== name) return;
      events.setData((list) => (list && !list.some((x) => x.id === e.id) ? [e, ...list] : list));
    },
    onReset: () => void events.reload(),
  });

  if (events.loading && !events.data) return <Loading label="Loading events…" />;
  if (events.error) return <ErrorBox error={events.error} onRetry={() => void events.reload()} />;
  const list = [...(events.data ?? [])].sort((a, b) => b.id - a.id);
  if (list.length === 0) return <Empty title="No events yet">State changes, deployments and savepoints appear here as they happen.</Empty>;

  const loadOlder = async () => {
    setOlder({ busy: true, done: false, error: null });
    try {
      const more = await api.jobEvents(name, list[list.length - 1].id);
      events.setData((l) => [...(l ?? []), ...more.filter((m) => !(l ?? []).some((x) => x.id === m.id))]);
      setOlder({ busy: false, done: more.length === 0, error: null });
    } catch (e) {
      setOlder({ busy: false, done: false, error: e });
    }
  };

  return (
    <div>
      <ol className="timeline" aria-label="Events, newest first">
        {list.map((e: JobEvent) => (
          <li key={e.id} className={`timeline-item${e.to === 'FAILED' ? ' bad' : ''}`}>
            <div className="timeline-time">
              <Time value={e.time} />
            </div>
            <div className="timeline-body">
              <strong>{e.type}</strong>
              {e.to && (
                <>
                  {' '}
                  {e.from && <StateBadge state={e.from} />} → <StateBadge state={e.to} />
                </>
              )}
              {e.reason && <p>{e.reason}</p>}
              {e.actor && <p className="muted">by {e.actor}</p>}
            </div>
          </li>
        ))}
      </ol>
      {older.error ? <ErrorBox error={older.error} /> : null}
      {!older.done && (
        <button type="button" onClick={() => void loadOlder()} disabled={older.busy}>
          {older.busy ? 'Loading…' : 'Older events'}
        </button>
      )}
    </div>
  );
}
