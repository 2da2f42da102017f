// A fake Sluice server for component tests: routes answer like the REST API, requests are
// recorded, and the event stream (GET /api/v1/events) can be fed from the test.

import { ApiClient } from '../api/client';
import { makeApi, type Api } from '../api/endpoints';
import type { Me } from '../api/types';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

type Handler = (req: Recorded) => Response | Promise<Response> | unknown;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

export function apiError(status: number, code: string, message: string, details?: unknown): Response {
  return json(status, { error: { code, message, details } });
}

export const ADMIN: Me = {
  user: { name: 'admin', displayName: 'Administrator', admin: true },
  teams: [{ team: 'web', role: 'admin' }],
  csrfToken: 'csrf-1',
};

export class FakeServer {
  readonly requests: Recorded[] = [];
  private readonly routes = new Map<string, Handler>();
  private streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  private readonly encoder = new TextEncoder();
  readonly api: Api;
  readonly client: ApiClient;

  constructor(me: Me | null = ADMIN) {
    this.client = new ApiClient({ fetch: (input, init) => this.fetch(input, init) });
    this.api = makeApi(this.client);
    this.on('GET /api/v1/auth/me', () => (me ? json(200, me) : apiError(401, 'unauthenticated', 'authentication required')));
    this.on('GET /api/v1/clusters', () => json(200, []));
    this.on('GET /api/v1/teams', () => json(200, [{ name: 'web' }]));
  }

  // "METHOD /path"; a path segment written {x} matches anything.
  on(route: string, handler: Handler): this {
    this.routes.set(route, handler);
    return this;
  }

  // Sends raw text to every open event stream.
  push(text: string): void {
    for (const c of this.streams) c.enqueue(this.encoder.encode(text));
  }

  event(id: number, data: unknown, type = 'job-event'): void {
    this.push(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  get openStreams(): number {
    return this.streams.length;
  }

  private match(method: string, path: string): Handler | undefined {
    const exact = this.routes.get(`${method} ${path}`);
    if (exact) return exact;
    for (const [route, h] of this.routes) {
      const [m, p] = route.split(' ');
      if (m !== method) continue;
      const a = p.split('/');
      const b = path.split('/');
      if (a.length === b.length && a.every((seg, i) => (seg.startsWith('{') && seg.endsWith('}')) || seg === b[i])) return h;
    }
    return undefined;
  }

  private async fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = new URL(String(input), 'http://sluice.test');
    const method = init?.method ?? 'GET';
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k.toLowerCase()] = v));
    const rec: Recorded = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(rec);
    if (method === 'GET' && url.pathname === '/api/v1/events') {
      const signal = init?.signal;
      let ctrl!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({
        start: (c) => {
          ctrl = c;
          this.streams.push(c);
        },
      });
      signal?.addEventListener('abort', () => {
        this.streams = this.streams.filter((c) => c !== ctrl);
        try {
          ctrl.error(new DOMException('aborted', 'AbortError'));
        } catch {
          // already closed
        }
      });
      return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
    }
    const h = this.match(method, url.pathname);
    if (!h) return apiError(404, 'not_found', `no route for ${method} ${url.pathname}`);
    const out = await h(rec);
    return out instanceof Response ? out : json(200, out);
  }

  calls(method: string, path: string): Recorded[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }
}
