// Server-sent events over fetch, rather than EventSource: EventSource gives up for good on
// any non-200 answer (a proxy's 502 while the server restarts, a 503 while it starts) and
// cannot say "401, log in again". This client parses the stream as the HTML standard
// says, remembers the last event id, and reconnects with `Last-Event-ID` so the server
// replays what was missed, backing off while the server is away.

export interface SseEvent {
  type: string; // "message" when the stream names none
  data: string;
  id: string; // the last event id in effect ("" when none yet)
}

// Incremental parser: feed it text as it arrives.
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private lastId = ''; // committed when an event is dispatched (the standard's "last event ID string")
  private idBuffer = ''; // set by `id:` lines
  private sawBom = false;
  private pendingCR = false;
  retry: number | null = null;

  constructor(
    private readonly onEvent: (e: SseEvent) => void,
    private readonly onRetry?: (ms: number) => void,
  ) {}

  get lastEventId(): string {
    return this.lastId;
  }

  set lastEventId(id: string) {
    this.lastId = id;
    this.idBuffer = id;
  }

  feed(chunk: string): void {
    if (!this.sawBom) {
      if (chunk.length === 0) return;
      this.sawBom = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    let text = this.buffer + chunk;
    this.buffer = '';
    // A "\r\n" split across chunks: the "\r" ended a line already; drop the "\n".
    if (this.pendingCR && text.startsWith('\n')) text = text.slice(1);
    this.pendingCR = false;
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(text.slice(start, i));
      if (c === 13) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCR = true;
        }
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
  }

  // The stream ended: an incomplete event is dropped, as the standard says, and so is an
  // id that came with it: resuming must not skip the event that was cut off.
  reset(): void {
    this.idBuffer = this.lastId;
    this.buffer = '';
    this.data = [];
    this.eventType = '';
    this.pendingCR = false;
    this.sawBom = false;
  }

  private line(line: string): void {
    if (line === '') {
      this.dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.idBuffer = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) {
          this.retry = Number(value);
          this.onRetry?.(this.retry);
        }
        break;
      default:
        break;
    }
  }

  private dispatch(): void {
    this.lastId = this.idBuffer;
    if (this.data.length === 0) {
      this.eventType = '';
      return;
    }
    const e: SseEvent = { type: this.eventType || 'message', data: this.data.join('\n'), id: this.lastId };
    this.data = [];
    this.eventType = '';
    this.onEvent(e);
  }
}

export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface EventStreamOptions {
  url: string;
  fetch?: typeof fetch;
  onEvent: (e: SseEvent) => void;
  onStatus?: (s: StreamStatus, detail?: string) => void;
  // 401, or the server ending the stream because the credentials ended: no reconnect.
  onUnauthenticated?: () => void;
  initialRetryMs?: number; // until the server says otherwise with `retry:`
  maxRetryMs?: number;
  lastEventId?: string;
  // Timers, injectable for tests.
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  random?: () => number;
}

export class EventStream {
  private readonly opts: EventStreamOptions;
  private readonly parser: SseParser;
  private controller: AbortController | null = null;
  private timer: unknown = null;
  private stopped = false;
  private failures = 0;
  private retryMs: number;
  private statusValue: StreamStatus = 'connecting';

  constructor(opts: EventStreamOptions) {
    this.opts = opts;
    this.retryMs = opts.initialRetryMs ?? 3000;
    this.parser = new SseParser(
      (e) => this.handle(e),
      (ms) => {
        this.retryMs = ms;
      },
    );
    if (opts.lastEventId) this.parser.lastEventId = opts.lastEventId;
  }

  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  get status(): StreamStatus {
    return this.statusValue;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  close(): void {
    this.stopped = true;
    this.controller?.abort();
    if (this.timer !== null) (this.opts.clearTimer ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
    this.setStatus('closed');
  }

  // The delay before reconnect attempt number `failures` (1, 2, ...): the server's retry
  // first, then doubling up to the maximum, with jitter so that clients do not return
  // all at once after a restart.
  nextDelay(failures: number): number {
    const max = this.opts.maxRetryMs ?? 30_000;
    const base = Math.min(max, this.retryMs * 2 ** Math.max(0, failures - 1));
    const jitter = (this.opts.random ?? Math.random)() * 0.2 * base;
    return Math.round(Math.min(max, base + jitter));
  }

  private setStatus(s: StreamStatus, detail?: string): void {
    this.statusValue = s;
    this.opts.onStatus?.(s, detail);
  }

  private handle(e: SseEvent): void {
    if (e.type === 'end') {
      // The server closes the stream for good: the session or token ended.
      this.close();
      this.opts.onUnauthenticated?.();
      return;
    }
    this.opts.onEvent(e);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.parser.lastEventId) headers['Last-Event-ID'] = this.parser.lastEventId;
    let detail = '';
    try {
      const res = await (this.opts.fetch ?? fetch)(this.opts.url, {
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: this.controller.signal,
      });
      if (res.status === 401) {
        this.close();
        this.opts.onUnauthenticated?.();
        return;
      }
      if (!res.ok || !res.body) {
        detail = `HTTP ${res.status}`;
        await res.body?.cancel().catch(() => undefined);
      } else {
        this.failures = 0;
        this.setStatus('open');
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          this.parser.feed(decoder.decode(value, { stream: true }));
          if (this.stopped) return;
        }
        detail = 'the server closed the stream';
      }
    } catch (e) {
      if (this.stopped) return;
      detail = e instanceof Error ? e.message : String(e);
    }
    this.parser.reset();
    if (this.stopped) return;
    this.failures++;
    this.setStatus('reconnecting', detail);
    this.timer = (this.opts.setTimer ?? setTimeout)(() => {
      this.timer = null;
      void this.connect();
    }, this.nextDelay(this.failures));
  }
}
