// After Submit: the job's way to RUNNING (or FAILED), live from the event stream, with a
// poll of the job every few seconds in case events are delayed.

import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { JobEvent } from '../api/types';
import { useApi } from '../app/ApiContext';
import { useJobEvents } from '../app/EventsProvider';
import { StateBadge } from '../ui/StateBadge';
import { Time } from '../ui/Time';

export type SubmitStep = 'saving' | 'deploying' | 'waiting' | 'running' | 'failed' | 'saved';

const POLL_MS = 3000;
const DONE = new Set(['RUNNING', 'FAILED', 'FINISHED', 'CANCELED', 'SUSPENDED']);

// `wasRunning`: the job ran before this submission (an upgrade). Then a RUNNING seen
// before any change is the old version still running, not the new one: it counts only
// after the job was seen in another state or an event about it arrived.
export function SubmitProgress({
  name,
  step,
  error,
  wasRunning = false,
}: {
  name: string;
  step: SubmitStep;
  error: string | null;
  wasRunning?: boolean;
}) {
  const api = useApi();
  const [observed, setObserved] = useState<string | null>(null);
  const [moved, setMoved] = useState(!wasRunning);
  const [reason, setReason] = useState<string>('');
  const [events, setEvents] = useState<JobEvent[]>([]);

  useJobEvents({
    onEvent: (e) => {
      if (e.job !== name || step === 'saving') return;
      setEvents((l) => (l.some((x) => x.id === e.id) ? l : [...l, e]));
      if (e.to) {
        setObserved(e.to);
        setReason(e.reason ?? '');
        setMoved(true);
      }
    },
  });
  const see = (s: string | null, r: string) => {
    setObserved(s);
    setReason(r);
    if (s !== 'RUNNING') setMoved(true);
  };
  const state = observed === 'RUNNING' && !moved ? null : observed;

  const waiting = step === 'waiting' && !(state && DONE.has(state));
  useEffect(() => {
    if (!waiting) return;
    let live = true;
    const poll = async () => {
      try {
        const j = await api.getJob(name);
        if (!live) return;
        see(j.status?.state ?? null, j.status?.reason ?? '');
      } catch {
        // The next poll or an event will tell.
      }
    };
    void poll();
    const t = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, [api, name, waiting]);

  const final = state === 'RUNNING' ? 'running' : state === 'FAILED' ? 'failed' : null;
  const steps: { key: string; label: string; status: 'done' | 'active' | 'todo' | 'failed' }[] = [
    {
      key: 'save',
      label: 'Save the spec',
      status: step === 'saving' ? (error ? 'failed' : 'active') : 'done',
    },
    {
      key: 'deploy',
      label: 'Ask for deployment',
      status: step === 'saving' ? 'todo' : step === 'deploying' ? (error ? 'failed' : 'active') : step === 'saved' ? 'todo' : 'done',
    },
    {
      key: 'run',
      label: final === 'running' ? 'Running' : final === 'failed' ? 'Failed' : 'Wait for Flink to run the job',
      status: final === 'running' ? 'done' : final === 'failed' ? 'failed' : step === 'waiting' ? 'active' : 'todo',
    },
  ];

  return (
    <section className="submit-progress" aria-label="Submission progress" aria-live="polite">
      <ol className="steps">
        {steps.map((s) => (
          <li key={s.key} className={`step step-${s.status}`}>
            <span className="step-mark" aria-hidden="true">
              {s.status === 'done' ? '✓' : s.status === 'failed' ? '✗' : s.status === 'active' ? '…' : '○'}
            </span>
            {s.label}
            <span className="visually-hidden"> ({s.status})</span>
          </li>
        ))}
      </ol>
      {state && (
        <p>
          State: <StateBadge state={state} /> {reason && <span className={state === 'FAILED' ? 'reason-bad' : 'muted'}>{reason}</span>}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {events.length > 0 && (
        <ol className="mini-timeline">
          {events.map((e) => (
            <li key={e.id}>
              <Time value={e.time} /> {e.type}
              {e.to ? ` → ${e.to}` : ''}
              {e.reason ? `: ${e.reason}` : ''}
            </li>
          ))}
        </ol>
      )}
      {step !== 'saving' && (
        <p>
          <Link to={`/jobs/${encodeURIComponent(name)}`}>{final ? 'Open the job' : 'Follow it on the job page'}</Link>
        </p>
      )}
    </section>
  );
}
