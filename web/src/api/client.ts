// The one way the UI talks to the server: JSON over fetch, errors as ApiError, the CSRF
// token on every state-changing request, and one retry when the server says the CSRF
// token is stale (it changes when the session does).

export interface FieldError {
  path: string;
  message: string;
}

// The server's error body: {"error": {"code", "message", "details"}}.
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends Error {
  readonly status: number; // 0: no answer (network, aborted, timeout)
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details && typeof details === 'object' ? (details as Record<string, unknown>) : {};
  }

  // Validation errors by field path ("spec.parallelism"), as the server lists them.
  get fieldErrors(): FieldError[] {
    const list = this.details.errors;
    if (!Array.isArray(list)) return [];
    return list
      .filter((e): e is FieldError => !!e && typeof e.path === 'string' && typeof e.message === 'string')
      .map((e) => ({ path: e.path, message: e.message }));
  }

  get hint(): string | undefined {
    return typeof this.details.hint === 'string' ? this.details.hint : undefined;
  }

  // Seconds to wait after a 429.
  get retryAfterSeconds(): number | undefined {
    const v = this.details.retryAfterSeconds;
    return typeof v === 'number' ? v : undefined;
  }

  // The revision the server holds after a 409.
  get currentRevision(): number | undefined {
    const v = this.details.currentRevision;
    return typeof v === 'number' ? v : undefined;
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

// A sentence for people, whatever was thrown.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export interface RequestOptions {
  method?: string;
  body?: unknown; // sent as JSON
  query?: Record<string, string | number | boolean | undefined | null>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  // Return the raw Response (for streams and non-JSON answers) once it is known to be OK.
  raw?: boolean;
}

type FetchFn = typeof fetch;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function errorFromResponse(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  const err = (parsed as Partial<ErrorBody> | null)?.error;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    const details = err.details && typeof err.details === 'object' ? { ...(err.details as object) } : {};
    const retry = res.headers.get('Retry-After');
    if (retry && !('retryAfterSeconds' in details)) {
      const n = Number(retry);
      if (Number.isFinite(n)) Object.assign(details, { retryAfterSeconds: n });
    }
    return new ApiError(res.status, err.code, err.message, details);
  }
  // Not our JSON: a proxy page, an empty body. Say what happened without echoing HTML.
  const reason = res.statusText || `HTTP ${res.status}`;
  const kind = res.status >= 500 ? 'the server failed' : 'the request was refused';
  return new ApiError(res.status, `http_${res.status}`, `${kind}: ${reason} (HTTP ${res.status})`);
}

export interface ApiClientOptions {
  fetch?: FetchFn;
  baseUrl?: string;
  // Called on 401 from any request except the login itself (the session ended).
  onUnauthenticated?: () => void;
  // Asked for a fresh CSRF token after a csrf_failed answer.
  refreshCsrf?: () => Promise<string | null>;
  defaultTimeoutMs?: number;
}

export class ApiClient {
  private csrf: string | null = null;
  private readonly fetchFn: FetchFn;
  private readonly baseUrl: string;
  onUnauthenticated?: () => void;
  refreshCsrf?: () => Promise<string | null>;
  private readonly defaultTimeoutMs: number;

  constructor(opts: ApiClientOptions = {}) {
    this.fetchFn = opts.fetch ?? ((...args: Parameters<FetchFn>) => fetch(...args));
    this.baseUrl = opts.baseUrl ?? '';
    this.onUnauthenticated = opts.onUnauthenticated;
    this.refreshCsrf = opts.refreshCsrf;
    this.defaultTimeoutMs = opts.defaultTimeoutMs ?? 30_000;
  }

  // The fetch this client uses, for streams that bypass JSON handling (server-sent events).
  get rawFetch(): FetchFn {
    return this.fetchFn;
  }

  setCsrfToken(token: string | null): void {
    this.csrf = token;
  }

  get csrfToken(): string | null {
    return this.csrf;
  }

  get<T>(path: string, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'GET' });
  }
  post<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'POST', body });
  }
  put<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'PUT', body });
  }
  patch<T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'PATCH', body });
  }
  delete<T>(path: string, opts: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return this.request<T>(path, { ...opts, method: 'DELETE' });
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    const first = await this.send(path, opts);
    if (first.status === 403 && !SAFE_METHODS.has(opts.method ?? 'GET') && this.refreshCsrf) {
      const err = await errorFromResponse(first);
      if (err.code !== 'csrf_failed') throw err;
      const token = await this.refreshCsrf().catch(() => null);
      if (!token) throw err;
      this.csrf = token;
      return this.finish<T>(path, await this.send(path, opts), opts);
    }
    return this.finish<T>(path, first, opts);
  }

  private async finish<T>(path: string, res: Response, opts: RequestOptions): Promise<T> {
    if (!res.ok) {
      const err = await errorFromResponse(res);
      if (res.status === 401 && !path.endsWith('/auth/login')) this.onUnauthenticated?.();
      throw err;
    }
    if (opts.raw) return res as unknown as T;
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    if (!text) return undefined as T;
    const type = res.headers.get('Content-Type') ?? '';
    if (!type.includes('json')) return text as unknown as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, 'bad_response', `the server sent malformed JSON for ${path}`);
    }
  }

  private async send(path: string, opts: RequestOptions): Promise<Response> {
    const method = opts.method ?? 'GET';
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    if (!SAFE_METHODS.has(method) && this.csrf) headers['X-CSRF-Token'] = this.csrf;

    const controller = new AbortController();
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    let timedOut = false;
    const timer =
      timeoutMs > 0 && !opts.raw
        ? setTimeout(() => {
            timedOut = true;
            controller.abort();
          }, timeoutMs)
        : undefined;
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort);
    try {
      return await this.fetchFn(this.baseUrl + buildUrl(path, opts.query), {
        method,
        headers,
        body,
        credentials: 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch (e) {
      if (opts.signal?.aborted) throw new ApiError(0, 'aborted', 'the request was cancelled');
      if (timedOut) {
        throw new ApiError(0, 'timeout', `the server did not answer within ${Math.round(timeoutMs / 1000)} s`);
      }
      throw new ApiError(0, 'network', 'cannot reach the Sluice server; check the connection and try again', {
        cause: e instanceof Error ? e.message : String(e),
      });
    } finally {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}
