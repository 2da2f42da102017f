// One server-sent event stream for the whole app (GET /api/v1/events); pages subscribe to
// the job events they care about. A `reset` event (the client fell too far behind to be
// replayed) tells subscribers to reload what they show.

import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { EVENTS_URL } from '../api/endpoints';
import { EventStream, type StreamStatus } from '../api/sse';
import type { JobEvent } from '../api/types';
import { useApi } from './ApiContext';

export interface JobEventListener {
  onEvent?: (e: JobEvent) => void;
  onReset?: () => void;
}

interface EventsValue {
  status: StreamStatus;
  subscribe: (l: JobEventListener) => () => void;
}

const EventsContext = createContext<EventsValue>({ status: 'closed', subscribe: () => () => undefined });

export function parseJobEvent(data: string): JobEvent | null {
  try {
    const v = JSON.parse(data) as JobEvent;
    return v && typeof v.job === 'string' ? v : null;
  } catch {
    return null;
  }
}

export function EventsProvider({
  children,
  onUnauthenticated,
  url = EVENTS_URL,
}: {
  children: ReactNode;
  onUnauthenticated?: () => void;
  url?: string;
}) {
  const api = useApi();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const listeners = useRef(new Set<JobEventListener>());
  const unauth = useRef(onUnauthenticated);
  unauth.current = onUnauthenticated;

  useEffect(() => {
    const stream = new EventStream({
      url,
      fetch: api.client.rawFetch,
      onStatus: setStatus,
      onUnauthenticated: () => unauth.current?.(),
      onEvent: (e) => {
        if (e.type === 'reset') {
          for (const l of listeners.current) l.onReset?.();
          return;
        }
        if (e.type !== 'job-event' && e.type !== 'message') return;
        const ev = parseJobEvent(e.data);
        if (ev) for (const l of listeners.current) l.onEvent?.(ev);
      },
    });
    stream.start();
    return () => stream.close();
  }, [url, api]);

  const value = useRef<EventsValue>({
    status,
    subscribe: (l) => {
      listeners.current.add(l);
      return () => listeners.current.delete(l);
    },
  });
  value.current = { ...value.current, status };
  return <EventsContext.Provider value={value.current}>{children}</EventsContext.Provider>;
}

export function useEvents(): EventsValue {
  return useContext(EventsContext);
}

// Calls `listener` for every job event while the component is mounted.
export function useJobEvents(listener: JobEventListener): void {
  const { subscribe } = useEvents();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(
    () =>
      subscribe({
        onEvent: (e) => ref.current.onEvent?.(e),
        onReset: () => ref.current.onReset?.(),
      }),
    [subscribe],
  );
}
