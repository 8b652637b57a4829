/**
 * The dashboard's only way to its data: the HTTP API, typed by src/api. Every request carries
 * the token (`Authorization: Bearer`); a refusal becomes an `ApiError` with the server's code and
 * message, which the views show in their error state.
 *
 *   const o = await getJson<AnalysisResponse<'overview'>>('/api/v1/overview', { site: 'shop', from: '2026-10-01' });
 *   const state = useApi<SitesResponse>('/api/v1/sites', {});   // { status: 'loading' | 'ok' | 'error', … }
 */
import { useEffect, useState } from 'preact/hooks';
import type { ErrorBody, QueryString } from '../../src/api/types.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

let token: string | undefined;
/** Called when an answer says the credential is no good (401): the app shows the login page. */
let onUnauthorized: (err: ApiError) => void = () => {};

export function setApiToken(secret: string | undefined, unauthorized: (err: ApiError) => void): void {
  token = secret;
  onUnauthorized = unauthorized;
}

export const currentToken = (): string | undefined => token;

export function urlOf(path: string, params: QueryString): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string') q.append(k, v);
    else for (const each of v) q.append(k, each);
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

/** Answers of the last half minute, and those in flight, by URL and token: panels that ask alike share one request. */
const CACHE_MS = 30_000;
const cache = new Map<string, { atMs: number; answer: Promise<unknown> }>();

/**
 * GETs `path` (an answer of the last half minute, or one in flight, is shared). `signal` stops
 * waiting for it, not the request other panels may wait for too.
 */
export function getJson<T>(path: string, params: QueryString, signal?: AbortSignal): Promise<T> {
  const url = urlOf(path, params);
  const key = `${token ?? ''} ${url}`;
  const nowMs = Date.now();
  let hit = cache.get(key);
  if (hit === undefined || nowMs - hit.atMs > CACHE_MS) {
    if (cache.size > 200) cache.clear();
    const answer = fetchJson<T>(url);
    // A refusal is not kept: the next panel asks again.
    const entry = { atMs: nowMs, answer: answer as Promise<unknown> };
    answer.catch(() => cache.get(key) === entry && cache.delete(key));
    hit = entry;
    cache.set(key, hit);
  }
  const answer = hit.answer as Promise<T>;
  if (signal === undefined) return answer;
  return new Promise<T>((resolve, reject) => {
    signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')), { once: true });
    answer.then(resolve, reject);
  });
}

async function fetchJson<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, 'network', 'The server did not answer. Is stint serve still running?');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const e = (body as Partial<ErrorBody> | undefined)?.error;
    const err = new ApiError(
      res.status,
      e?.code ?? `http_${res.status}`,
      e?.message ?? `The server answered ${res.status} ${res.statusText}`,
      e?.hint,
    );
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  return body as T;
}

export type ApiState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ok'; readonly data: T }
  | { readonly status: 'error'; readonly error: ApiError };

/** GETs `path` with `params` (again whenever they change); undefined `path` waits. */
export function useApi<T>(path: string | undefined, params: QueryString): ApiState<T> {
  const key = path === undefined ? '' : urlOf(path, params);
  const [state, setState] = useState<{ key: string; state: ApiState<T> }>({
    key,
    state: { status: 'loading' },
  });
  useEffect(() => {
    if (path === undefined) return;
    const abort = new AbortController();
    setState((s) =>
      s.key === key && s.state.status === 'loading' ? s : { key, state: { status: 'loading' } },
    );
    getJson<T>(path, params, abort.signal).then(
      (data) => setState({ key, state: { status: 'ok', data } }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        const error = err instanceof ApiError ? err : new ApiError(0, 'client', (err as Error).message);
        setState({ key, state: { status: 'error', error } });
      },
    );
    return () => abort.abort();
  }, [key]); // `key` stands for path and params.
  return state.key === key ? state.state : { status: 'loading' };
}
