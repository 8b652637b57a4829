/**
 * The client's options, checked once when it is made and resolved into a frozen settings object
 * with every default filled in: where to send, with which credential, how to batch and retry, and
 * the clock, randomness and fetch it uses (injectable, for tests).
 *
 *   resolveOptions({ url: 'http://127.0.0.1:8080', writeKey: 'sk_…' }).batchSize // 100
 */
import type { ClientError } from './errors.ts';

/** Time as the client sees it: `now` stamps tracked events, `sleep` waits before a retry. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface ClientOptions {
  /** The server's address, such as `https://stint.example` (a path prefix is kept). */
  readonly url: string;
  /** The site's write key (`sk_…`, printed by `stint sites add`): the usual credential of a server. */
  readonly writeKey?: string;
  /** The same as `writeKey`; an admin token (`st_…`) here is taken as `token`. */
  readonly key?: string;
  /** An admin token (`st_…`): it may send for any site, so `site` is required with it. */
  readonly token?: string;
  /** The site's name: required with `token`; with a write key, the server checks it is the key's. */
  readonly site?: string;
  /** Events in one request, 1–1000 (the server's `batch_size` is 1000 by default). Default 100. */
  readonly batchSize?: number;
  /** A queued event is sent at most this long after `track`, batch full or not. Default 5000. */
  readonly flushIntervalMs?: number;
  /** Retries of a batch after a network error, 408, 429 or 5xx, before it is given up. Default 5. */
  readonly maxRetries?: number;
  /** The first retry waits up to this (full jitter), doubling with each retry. Default 500. */
  readonly backoffMs?: number;
  /** No wait between retries is longer, a server's Retry-After included. Default 30000. */
  readonly maxBackoffMs?: number;
  /** Events waiting to be sent at most; past it `track` drops the event and reports it. Default 10000. */
  readonly maxQueue?: number;
  /** A request without an answer after this is abandoned and retried. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** Send what is queued when the process is about to exit (`beforeExit`). Default true. */
  readonly flushOnExit?: boolean;
  /** Called once per dropped event, refused or given-up batch. Default: a console warning. */
  readonly onError?: (error: ClientError) => void;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Default: Date.now and setTimeout. */
  readonly clock?: Clock;
  /** A number in [0, 1), for the retry jitter. Default: Math.random. */
  readonly random?: () => number;
}

export interface ClientSettings {
  /** `POST` here: the server's `/api/v1/events`. */
  readonly endpoint: string;
  /** The `Authorization` header's value. */
  readonly authorization: string;
  readonly site: string | undefined;
  readonly batchSize: number;
  readonly flushIntervalMs: number;
  readonly maxRetries: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxQueue: number;
  readonly requestTimeoutMs: number;
  readonly flushOnExit: boolean;
  readonly onError: (error: ClientError) => void;
  readonly fetch: typeof fetch;
  readonly clock: Clock;
  readonly random: () => number;
}

const REAL_CLOCK: Clock = {
  now: () => Date.now(),
  // A wait between retries holds the process (unlike the idle flush timer): an exiting app's
  // last batch is still delivered, within maxRetries waits of at most maxBackoffMs.
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const warn = (error: ClientError): void => {
  console.warn(`[stint] ${error.code}: ${error.message}`);
};

export function resolveOptions(options: ClientOptions): ClientSettings {
  if (options === null || typeof options !== 'object') throw new TypeError(`stint: ${USAGE}`);
  const base = parseUrl(options.url);
  const { authorization, admin } = credentialOf(options);
  const site = options.site === undefined || options.site === '' ? undefined : options.site;
  if (admin && site === undefined)
    throw new TypeError('stint: an admin token may send for any site: name it with `site`');
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') throw new TypeError('stint: no fetch here (Node 18 or newer has one)');
  return Object.freeze({
    endpoint: new URL('api/v1/events', base).href,
    authorization,
    site,
    batchSize: whole('batchSize', options.batchSize, 100, 1, 1000),
    flushIntervalMs: whole('flushIntervalMs', options.flushIntervalMs, 5000, 1, 2 ** 31 - 1),
    maxRetries: whole('maxRetries', options.maxRetries, 5, 0, 100),
    backoffMs: whole('backoffMs', options.backoffMs, 500, 0, 2 ** 31 - 1),
    maxBackoffMs: whole('maxBackoffMs', options.maxBackoffMs, 30_000, 0, 2 ** 31 - 1),
    maxQueue: whole('maxQueue', options.maxQueue, 10_000, 1, 10_000_000),
    requestTimeoutMs: whole('requestTimeoutMs', options.requestTimeoutMs, 10_000, 1, 2 ** 31 - 1),
    flushOnExit: options.flushOnExit ?? true,
    onError: options.onError ?? warn,
    fetch: fetchFn,
    clock: options.clock ?? REAL_CLOCK,
    random: options.random ?? Math.random,
  });
}

const USAGE = "createClient({ url: 'https://stint.example', writeKey: 'sk_…' })";

/** The server's base URL, ending in `/` so that the API path is resolved under any prefix. */
function parseUrl(url: unknown): URL {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
    throw new TypeError(
      `stint: url must be the server's http(s) address, as in ${USAGE}; got ${String(url)}`,
    );
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  parsed.search = '';
  parsed.hash = '';
  return parsed;
}

function credentialOf(options: ClientOptions): { authorization: string; admin: boolean } {
  const given = (['writeKey', 'key', 'token'] as const).filter(
    (name) => options[name] !== undefined && options[name] !== '',
  );
  if (given.length !== 1)
    throw new TypeError(
      given.length === 0
        ? `stint: give the site's write key, as in ${USAGE} (stint sites add prints it)`
        : `stint: give one credential, not ${given.join(' and ')}`,
    );
  const name = given[0]!;
  const secret = options[name];
  if (typeof secret !== 'string') throw new TypeError(`stint: ${name} must be a string`);
  if (secret.startsWith('pk_'))
    throw new TypeError(
      "stint: pk_… is the site's public key, taken only from a browser on one of the site's origins; a server sends with the site's write key (sk_…)",
    );
  return { authorization: `Bearer ${secret}`, admin: name === 'token' || secret.startsWith('st_') };
}

function whole(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw new TypeError(`stint: ${name} must be a whole number from ${min} to ${max}; got ${value}`);
  return value;
}
