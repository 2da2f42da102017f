import { describe, expect, it } from 'vitest';
import { EventStream, SseParser, type SseEvent, type StreamStatus } from './sse';

interface Case {
  what: string;
  chunks: string[];
  events: SseEvent[];
  lastEventId: string;
  retry?: number;
}

const cases = import.meta.glob<Case>('../../test/cases/sse/*.json', { eager: true, import: 'default' });

describe('SseParser', () => {
  const entries = Object.entries(cases);
  it('has cases', () => expect(entries.length).toBeGreaterThan(5));
  for (const [file, c] of entries) {
    it(`${file.split('/').pop()}: ${c.what}`, () => {
      const got: SseEvent[] = [];
      let retry: number | null = null;
      const p = new SseParser(
        (e) => got.push(e),
        (ms) => (retry = ms),
      );
      for (const chunk of c.chunks) p.feed(chunk);
      expect(got).toEqual(c.events);
      expect(p.lastEventId).toBe(c.lastEventId);
      if (c.retry !== undefined) expect(retry).toBe(c.retry);
    });
  }
  it('gives the same events whatever the chunking', () => {
    const text = 'id: 1\r\nevent: job-event\r\ndata: {"a":1}\r\n\r\n: ping\n\nid: 2\ndata: x\ndata: y\n\n';
    const whole: SseEvent[] = [];
    new SseParser((e) => whole.push(e)).feed(text);
    for (let size = 1; size <= 7; size++) {
      const got: SseEvent[] = [];
      const p = new SseParser((e) => got.push(e));
      for (let i = 0; i < text.length; i += size) p.feed(text.slice(i, i + size));
      expect(got).toEqual(whole);
    }
    expect(whole).toHaveLength(2);
  });
});

// A server the stream connects to: each connection is a response the test writes to.
class Server {
  connections: { headers: Record<string, string>; write: (s: string) => void; end: () => void; fail: () => void }[] = [];
  answers: (number | 'stream' | 'network')[] = [];

  fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const answer = this.answers.shift() ?? 'stream';
    if (answer === 'network') {
      this.connections.push({ headers, write: () => undefined, end: () => undefined, fail: () => undefined });
      throw new TypeError('Failed to fetch');
    }
    if (typeof answer === 'number') {
      this.connections.push({ headers, write: () => undefined, end: () => undefined, fail: () => undefined });
      return new Response('{"error":{"code":"x","message":"y"}}', { status: answer });
    }
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
    const enc = new TextEncoder();
    init?.signal?.addEventListener('abort', () => {
      try {
        ctrl.error(new DOMException('aborted', 'AbortError'));
      } catch {
        // closed
      }
    });
    this.connections.push({
      headers,
      write: (s) => ctrl.enqueue(enc.encode(s)),
      end: () => ctrl.close(),
      fail: () => ctrl.error(new TypeError('network error')),
    });
    return new Response(body, { status: 200 });
  };
}

// Timers the test fires by hand.
class Timers {
  pending: { fn: () => void; ms: number }[] = [];
  set = (fn: () => void, ms: number) => {
    const t = { fn, ms };
    this.pending.push(t);
    return t;
  };
  clear = (t: unknown) => {
    this.pending = this.pending.filter((x) => x !== t);
  };
  fire() {
    const t = this.pending.shift();
    if (!t) throw new Error('no timer pending');
    t.fn();
    return t.ms;
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(opts: { lastEventId?: string } = {}) {
  const server = new Server();
  const timers = new Timers();
  const events: SseEvent[] = [];
  const statuses: StreamStatus[] = [];
  let unauthenticated = 0;
  const stream = new EventStream({
    url: '/api/v1/events',
    fetch: server.fetch,
    onEvent: (e) => events.push(e),
    onStatus: (s) => statuses.push(s),
    onUnauthenticated: () => unauthenticated++,
    setTimer: timers.set,
    clearTimer: timers.clear,
    random: () => 0,
    initialRetryMs: 1000,
    maxRetryMs: 8000,
    ...opts,
  });
  return { server, timers, events, statuses, stream, unauth: () => unauthenticated };
}

describe('EventStream', () => {
  it('reconnects after the stream ends and resumes with Last-Event-ID', async () => {
    const { server, timers, events, stream, statuses } = setup();
    stream.start();
    await flush();
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0].headers['last-event-id']).toBeUndefined();
    server.connections[0].write('id: 41\nevent: job-event\ndata: {"job":"a"}\n\nid: 42\nevent: job-event\ndata: {"job":"b"}\n\n');
    await flush();
    expect(events.map((e) => e.id)).toEqual(['41', '42']);
    server.connections[0].end();
    await flush();
    expect(statuses).toContain('reconnecting');
    expect(timers.fire()).toBe(1000);
    await flush();
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1].headers['last-event-id']).toBe('42');
    expect(stream.status).toBe('open');
    stream.close();
  });

  it('drops a half-received event when the connection breaks', async () => {
    const { server, timers, events, stream } = setup();
    stream.start();
    await flush();
    server.connections[0].write('id: 1\ndata: whole\n\nid: 2\ndata: hal');
    await flush();
    server.connections[0].fail();
    await flush();
    timers.fire();
    await flush();
    expect(events.map((e) => e.data)).toEqual(['whole']);
    expect(server.connections[1].headers['last-event-id']).toBe('1');
    stream.close();
  });

  it('backs off while the server is away and starts over after a success', async () => {
    const { server, timers, stream } = setup();
    server.answers = [502, 'network', 503, 503, 503, 'stream'];
    stream.start();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await flush();
      delays.push(timers.fire());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    await flush();
    expect(stream.status).toBe('open');
    server.connections[5].end();
    await flush();
    expect(timers.fire()).toBe(1000);
    stream.close();
  });

  it('takes the reconnect delay from the server', async () => {
    const { server, timers, stream } = setup();
    stream.start();
    await flush();
    server.connections[0].write('retry: 250\n\n');
    server.connections[0].end();
    await flush();
    expect(timers.fire()).toBe(250);
    stream.close();
  });

  it('starts from a given event id', async () => {
    const { server, stream } = setup({ lastEventId: '99' });
    stream.start();
    await flush();
    expect(server.connections[0].headers['last-event-id']).toBe('99');
    stream.close();
  });

  it('stops on 401 and says so', async () => {
    const { server, timers, stream, unauth } = setup();
    server.answers = [401];
    stream.start();
    await flush();
    expect(unauth()).toBe(1);
    expect(stream.status).toBe('closed');
    expect(timers.pending).toHaveLength(0);
  });

  it('stops when the server ends the stream for good', async () => {
    const { server, timers, stream, unauth, events } = setup();
    stream.start();
    await flush();
    server.connections[0].write('event: end\ndata: {"reason":"the credentials are no longer valid"}\n\n');
    await flush();
    expect(unauth()).toBe(1);
    expect(events).toHaveLength(0);
    expect(stream.status).toBe('closed');
    expect(timers.pending).toHaveLength(0);
  });

  it('close() ends the connection and cancels a pending reconnect', async () => {
    const { server, timers, stream } = setup();
    server.answers = [503];
    stream.start();
    await flush();
    expect(timers.pending).toHaveLength(1);
    stream.close();
    expect(timers.pending).toHaveLength(0);
    expect(server.connections).toHaveLength(1);
  });

  it('adds jitter to the delay', () => {
    const s = new EventStream({ url: '/', onEvent: () => undefined, initialRetryMs: 1000, maxRetryMs: 30000, random: () => 0.5 });
    expect(s.nextDelay(1)).toBe(1100);
    expect(s.nextDelay(3)).toBe(4400);
    expect(s.nextDelay(10)).toBe(30000);
  });
});
