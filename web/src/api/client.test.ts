import { describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, buildUrl, errorMessage } from './client';

type Answer = Response | (() => Response | Promise<Response>) | Error;

function client(answers: Answer[], opts: ConstructorParameters<typeof ApiClient>[0] = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const a = answers.shift();
    if (!a) throw new Error('unexpected request');
    if (a instanceof Error) throw a;
    return typeof a === 'function' ? a() : a;
  });
  return { c: new ApiClient({ fetch, ...opts }), calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
const header = (init: RequestInit, name: string) => new Headers(init.headers).get(name);

describe('ApiClient', () => {
  it('returns parsed JSON and sends JSON', async () => {
    const { c, calls } = client([json(200, { ok: 1 })]);
    await expect(c.post('/api/v1/x', { a: 1 })).resolves.toEqual({ ok: 1 });
    expect(calls[0].init.body).toBe('{"a":1}');
    expect(header(calls[0].init, 'Content-Type')).toBe('application/json');
    expect(calls[0].init.credentials).toBe('same-origin');
  });

  it('turns the server error shape into ApiError with field errors', async () => {
    const body = {
      error: {
        code: 'invalid_argument',
        message: 'the request body is invalid: spec.parallelism must be at least 1',
        details: { errors: [{ path: 'spec.parallelism', message: 'must be at least 1' }, { bad: true }], where: 'spec.parallelism' },
      },
    };
    const { c } = client([json(400, body)]);
    const err = (await c.get('/api/v1/jobs').catch((e) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_argument');
    expect(err.fieldErrors).toEqual([{ path: 'spec.parallelism', message: 'must be at least 1' }]);
  });

  it('says what happened when the answer is not our JSON, without echoing HTML', async () => {
    const { c } = client([new Response('<html><body>Bad Gateway</body></html>', { status: 502, statusText: 'Bad Gateway' })]);
    const err = (await c.get('/api/v1/jobs').catch((e) => e)) as ApiError;
    expect(err.code).toBe('http_502');
    expect(err.message).toContain('502');
    expect(err.message).not.toContain('<html>');
  });

  it('reports an unreachable server as a network error', async () => {
    const { c } = client([new TypeError('Failed to fetch')]);
    const err = (await c.get('/api/v1/jobs').catch((e) => e)) as ApiError;
    expect(err.isNetwork).toBe(true);
    expect(err.code).toBe('network');
    expect(errorMessage(err)).toMatch(/cannot reach/);
  });

  it('calls onUnauthenticated on 401, but not for a failed login', async () => {
    const onUnauthenticated = vi.fn();
    const { c } = client(
      [
        json(401, { error: { code: 'unauthenticated', message: 'wrong' } }),
        json(401, { error: { code: 'unauthenticated', message: 'session ended' } }),
      ],
      { onUnauthenticated },
    );
    await expect(c.post('/api/v1/auth/login', { name: 'a', password: 'b' })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).not.toHaveBeenCalled();
    await expect(c.get('/api/v1/jobs')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
  });

  it('sends the CSRF token on changes only', async () => {
    const { c, calls } = client([json(200, {}), json(200, {}), json(200, {})]);
    c.setCsrfToken('tok');
    await c.get('/a');
    await c.post('/b', {});
    await c.delete('/c');
    expect(header(calls[0].init, 'X-CSRF-Token')).toBeNull();
    expect(header(calls[1].init, 'X-CSRF-Token')).toBe('tok');
    expect(header(calls[2].init, 'X-CSRF-Token')).toBe('tok');
  });

  it('refreshes a stale CSRF token once and repeats the request', async () => {
    const refreshCsrf = vi.fn(async () => 'fresh');
    const { c, calls } = client(
      [json(403, { error: { code: 'csrf_failed', message: 'missing or wrong X-CSRF-Token header' } }), json(201, { name: 'j' })],
      {
        refreshCsrf,
      },
    );
    c.setCsrfToken('stale');
    await expect(c.post('/api/v1/jobs', {})).resolves.toEqual({ name: 'j' });
    expect(refreshCsrf).toHaveBeenCalledTimes(1);
    expect(header(calls[1].init, 'X-CSRF-Token')).toBe('fresh');
  });

  it('does not retry other 403 answers', async () => {
    const refreshCsrf = vi.fn(async () => 'fresh');
    const { c } = client([json(403, { error: { code: 'permission_denied', message: 'you may not do this' } })], { refreshCsrf });
    await expect(c.post('/api/v1/jobs', {})).rejects.toMatchObject({ code: 'permission_denied' });
    expect(refreshCsrf).not.toHaveBeenCalled();
  });

  it('reads Retry-After on 429 and the current revision on 409', async () => {
    const { c } = client([
      json(429, { error: { code: 'resource_exhausted', message: 'too many' } }, { 'Retry-After': '30' }),
      json(409, { error: { code: 'conflict', message: 'changed', details: { currentRevision: 7 } } }),
    ]);
    const e1 = (await c.post('/api/v1/auth/login', {}).catch((e) => e)) as ApiError;
    expect(e1.retryAfterSeconds).toBe(30);
    const e2 = (await c.put('/api/v1/jobs/a', {}).catch((e) => e)) as ApiError;
    expect(e2.currentRevision).toBe(7);
  });

  it('returns undefined for 204 and text for non-JSON answers', async () => {
    const { c } = client([
      new Response(null, { status: 204 }),
      new Response('plain', { status: 200, headers: { 'Content-Type': 'text/plain' } }),
    ]);
    await expect(c.delete('/x')).resolves.toBeUndefined();
    await expect(c.get('/y')).resolves.toBe('plain');
  });

  it('fails on malformed JSON with a clear error', async () => {
    const { c } = client([new Response('{nope', { status: 200, headers: { 'Content-Type': 'application/json' } })]);
    await expect(c.get('/api/v1/jobs')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('times out', async () => {
    vi.useFakeTimers();
    try {
      const fetch = (_u: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
        );
      const c = new ApiClient({ fetch, defaultTimeoutMs: 1000 });
      const p = c.get('/slow').catch((e) => e);
      await vi.advanceTimersByTimeAsync(1001);
      expect(await p).toMatchObject({ code: 'timeout', status: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('tells a cancelled request from a failed one', async () => {
    const fetch = (_u: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    const c = new ApiClient({ fetch });
    const ac = new AbortController();
    const p = c.get('/slow', { signal: ac.signal }).catch((e) => e);
    ac.abort();
    expect(await p).toMatchObject({ code: 'aborted' });
  });
});

describe('buildUrl', () => {
  it('leaves out empty values and encodes the rest', () => {
    expect(buildUrl('/api/v1/jobs', { team: 'a b', state: '', text: undefined, cursor: null, limit: 200 })).toBe(
      '/api/v1/jobs?team=a+b&limit=200',
    );
    expect(buildUrl('/x', {})).toBe('/x');
  });
});
