/**
 * `stint serve` settings: defaults, then `stint.config.json` (or `--config FILE`), then the
 * environment, then flags. One table names each setting in all three places; docs/operations.md
 * lists the same table. A bad value fails at start with the setting's name and an example.
 *
 *   resolveConfig({ port: '8080' }, process.env) // { port: 8080, host: '127.0.0.1', … }
 */
import { existsSync, readFileSync } from 'node:fs';
import { decimalDigits } from '../core/bounded.ts';
import { parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** The directory of the registry, the salts and one store per site. */
  readonly data: string;
  readonly adminToken: string | undefined;
  readonly latenessMs: number;
  readonly maxFutureMs: number;
  readonly maxPastMs: number;
  /** An event earlier than this (epoch ms) is refused: a clock at 0 is no visit. */
  readonly minTimestampMs: number;
  /** Events in one request at most. */
  readonly batchSize: number;
  /** Events in one NDJSON request at most (the bulk route). */
  readonly ndjsonBatchSize: number;
  readonly bodyLimit: number;
  readonly ndjsonBodyLimit: number;
  /** Requests per minute per client address; 0 turns the limit off. */
  readonly rateLimitIp: number;
  /** Requests per minute per ingest key or token; 0 turns the limit off. */
  readonly rateLimitKey: number;
  // ---- resource guards (docs/operations.md, "Limits") ----
  /** Events per request at most with a public key (a browser). */
  readonly browserBatchSize: number;
  /** Events per minute per key (a site's public key as a whole, a write key, an admin token per site); 0: off. */
  readonly eventRateLimitKey: number;
  /** Events per minute per client address with public keys; 0: off. */
  readonly eventRateLimitIp: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; undefined: from the process's open-file limit (timeouts.ts). */
  readonly maxConnections: number | undefined;
  /** How long a read request's queries may take, its wait for a read slot included. */
  readonly queryTimeoutMs: number;
  /** Reads of one site running at once, and waiting beyond them, at most. */
  readonly maxConcurrentReads: number;
  readonly maxQueuedReads: number;
  /** false, a number of proxy hops in front, or the proxies' addresses. */
  readonly trustProxy: false | number | string[];
  readonly logLevel: string;
  /** DuckDB's memory limit per site store ('1GB'); undefined: DuckDB's default (80 % of RAM). */
  readonly storeMemory: string | undefined;
  /** Events per sessionizing transaction at most. */
  readonly sessionizeEvents: number;
  readonly sessionizeDelayMs: number;
  /** Events accepted but not yet in the store at most, per site; past that the collector answers 503. */
  readonly maxPendingEvents: number;
  readonly timeoutMs: number | undefined;
  readonly goals: readonly string[] | undefined;
}

type Parse = (text: string, name: string) => unknown;

interface Setting {
  readonly key: keyof ServerConfig;
  readonly file: string;
  readonly env: string;
  readonly flag?: string;
  readonly parse: Parse;
  readonly fallback: unknown;
  readonly about: string;
}

const whole =
  (min: number, max: number): Parse =>
  (text, name) => {
    const n = decimalDigits(text);
    if (!(n >= min && n <= max)) bad(name, text, `a whole number from ${min} to ${max}`);
    return n;
  };
const duration: Parse = (text, name) => parseDuration(text, name);
/** A duration a timer waits: Node's timers fire at once past 2^31 ms (24.8 days). */
const delay: Parse = (text, name) => parseDuration(text, name, 86_400_000);
const bytes: Parse = (text, name) => {
  const m = /^(\d+)\s*(b|kb|kib|mb|mib)?$/i.exec(text.trim());
  if (m === null) bad(name, text, 'a size such as 1mb or 512kb');
  const unit = (m![2] ?? 'b').toLowerCase();
  const n = Number(m![1]) * (unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1);
  if (!(n >= 1 && n <= 1024 ** 3)) bad(name, text, 'a size from 1b to 1024mb, such as 1mb or 512kb');
  return n;
};
const choice =
  (choices: readonly string[]): Parse =>
  (text, name) => {
    const value = text.trim().toLowerCase();
    if (!choices.includes(value)) bad(name, text, `one of: ${choices.join(', ')}`);
    return value;
  };
const plain: Parse = (text) => text;
/** A bearer secret long enough not to be guessed; the message never repeats it. */
const secret: Parse = (text, name) => {
  if (text.length < MIN_ADMIN_TOKEN_LENGTH)
    throw new StintError(
      'STINT_BAD_CONFIG',
      `${name} is ${text.length} characters long; an admin token needs at least ${MIN_ADMIN_TOKEN_LENGTH}`,
      'Make one with: openssl rand -hex 32',
    );
  return text;
};
const MIN_ADMIN_TOKEN_LENGTH = 32;
/** A date (UTC midnight) or an ISO time with its offset, as epoch milliseconds. */
const instant: Parse = (text, name) => {
  const t = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(t) ? Date.parse(`${t}T00:00:00Z`) : Date.parse(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t) || !Number.isFinite(ms) || ms < 0)
    bad(name, text, 'a date from 1970 on, such as 2000-01-01, or an ISO time such as 2000-01-01T00:00:00Z');
  return ms;
};
const memory: Parse = (text, name) => {
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(text.trim()))
    bad(name, text, 'a size such as 512MB or 2GB');
  return text.trim();
};
/** false, a number of proxy hops (true: one), or the proxies' addresses (comma-separated). */
const proxies: Parse = (text, name) => {
  if (/^(0|false|no|off)$/i.test(text)) return false;
  if (/^(true|yes|on)$/i.test(text)) return 1;
  if (/^\d+$/.test(text)) return whole(1, 100)(text, name);
  const list = text.split(',').map((s) => s.trim());
  if (list.some((a) => !/^[0-9a-fA-F.:/]+$/.test(a)))
    bad(name, text, 'false, a number of proxies, or their addresses such as 10.0.0.1,10.0.0.2');
  return list;
};
/** pino's levels; `silent` logs nothing. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const list: Parse = (text) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const SETTINGS = [
  {
    key: 'host',
    file: 'host',
    env: 'STINT_HOST',
    flag: 'host',
    parse: plain,
    fallback: '127.0.0.1',
    about: 'address to listen on (0.0.0.0 for every interface)',
  },
  {
    key: 'port',
    file: 'port',
    env: 'STINT_PORT',
    flag: 'port',
    parse: whole(0, 65535),
    fallback: 8080,
    about: 'port to listen on',
  },
  {
    key: 'data',
    file: 'data',
    env: 'STINT_DATA',
    flag: 'data',
    parse: plain,
    fallback: 'stint-data',
    about: 'directory of the registry, the salts and one store per site',
  },
  {
    key: 'adminToken',
    file: 'admin_token',
    env: 'STINT_ADMIN_TOKEN',
    parse: secret,
    fallback: undefined,
    about:
      'when set, this bearer token (at least 32 characters) is an admin token (prefer the environment to the file)',
  },
  {
    key: 'latenessMs',
    file: 'lateness',
    env: 'STINT_LATENESS',
    flag: 'lateness',
    parse: duration,
    fallback: 5 * 60_000,
    about:
      'events older than the latest event time by less than this count as out of order, older ones as very late (both are stored and sessionized)',
  },
  {
    key: 'maxFutureMs',
    file: 'max_future',
    env: 'STINT_MAX_FUTURE',
    parse: duration,
    fallback: 5 * 60_000,
    about: 'a timestamp later than receive time + this is clamped to receive time and flagged',
  },
  {
    key: 'batchSize',
    file: 'batch_size',
    env: 'STINT_BATCH_SIZE',
    parse: whole(1, 100_000),
    fallback: 1000,
    about: 'events in one request at most',
  },
  {
    key: 'ndjsonBatchSize',
    file: 'ndjson_batch_size',
    env: 'STINT_NDJSON_BATCH_SIZE',
    parse: whole(1, 1_000_000),
    fallback: 50_000,
    about: 'events in one NDJSON request at most (the bulk route)',
  },
  {
    key: 'bodyLimit',
    file: 'body_limit',
    env: 'STINT_BODY_LIMIT',
    parse: bytes,
    fallback: 1024 * 1024,
    about: 'largest JSON body',
  },
  {
    key: 'ndjsonBodyLimit',
    file: 'ndjson_body_limit',
    env: 'STINT_NDJSON_BODY_LIMIT',
    parse: bytes,
    fallback: 16 * 1024 * 1024,
    about: 'largest NDJSON body',
  },
  {
    key: 'rateLimitIp',
    file: 'rate_limit_ip',
    env: 'STINT_RATE_LIMIT_IP',
    parse: whole(0, 1e9),
    fallback: 600,
    about: 'requests per minute per client address (0: off)',
  },
  {
    key: 'rateLimitKey',
    file: 'rate_limit_key',
    env: 'STINT_RATE_LIMIT_KEY',
    parse: whole(0, 1e9),
    fallback: 60_000,
    about: 'requests per minute per ingest key or token (0: off)',
  },
  // ---- resource guards (docs/operations.md, "Limits") ----
  {
    key: 'browserBatchSize',
    file: 'browser_batch_size',
    env: 'STINT_BROWSER_BATCH_SIZE',
    parse: whole(1, 100_000),
    fallback: 50,
    about:
      'events in one request at most with a public key (a browser); the NDJSON route takes write keys only',
  },
  {
    key: 'eventRateLimitKey',
    file: 'event_rate_limit_key',
    env: 'STINT_EVENT_RATE_LIMIT_KEY',
    parse: whole(0, 1e9),
    fallback: 1_200_000,
    about:
      "events per minute per key: a site's public key (all its visitors together), a write key, an admin token per site (0: off)",
  },
  {
    key: 'eventRateLimitIp',
    file: 'event_rate_limit_ip',
    env: 'STINT_EVENT_RATE_LIMIT_IP',
    parse: whole(0, 1e9),
    fallback: 6000,
    about: 'events per minute per client address sent with public keys (0: off)',
  },
  {
    key: 'headersTimeoutMs',
    file: 'headers_timeout',
    env: 'STINT_HEADERS_TIMEOUT',
    parse: delay,
    fallback: 10_000,
    about: "how long a connection may take to send a request's headers",
  },
  {
    key: 'requestTimeoutMs',
    file: 'request_timeout',
    env: 'STINT_REQUEST_TIMEOUT',
    parse: delay,
    fallback: 30_000,
    about: 'how long a connection may take to send a whole request, body included',
  },
  {
    key: 'keepAliveTimeoutMs',
    file: 'keep_alive_timeout',
    env: 'STINT_KEEP_ALIVE_TIMEOUT',
    parse: delay,
    fallback: 72_000,
    about: 'how long an idle keep-alive connection stays open between requests',
  },
  {
    key: 'maxConnections',
    file: 'max_connections',
    env: 'STINT_MAX_CONNECTIONS',
    parse: whole(1, 1_000_000),
    fallback: undefined,
    about: "open connections at most (default: half the process's open-file limit, at most 10000)",
  },
  {
    key: 'queryTimeoutMs',
    file: 'query_timeout',
    env: 'STINT_QUERY_TIMEOUT',
    parse: delay,
    fallback: 30_000,
    about: "how long a read request's queries may take, waiting for a read slot included (503 past it)",
  },
  {
    key: 'maxConcurrentReads',
    file: 'max_concurrent_reads',
    env: 'STINT_MAX_CONCURRENT_READS',
    parse: whole(1, 64),
    fallback: 4,
    about: 'read requests of one site answered at once',
  },
  {
    key: 'maxQueuedReads',
    file: 'max_queued_reads',
    env: 'STINT_MAX_QUEUED_READS',
    parse: whole(0, 10_000),
    fallback: 16,
    about: 'read requests of one site waiting for a slot at most; past it, 503 with Retry-After',
  },
  {
    key: 'maxPastMs',
    file: 'max_past',
    env: 'STINT_MAX_PAST',
    parse: duration,
    fallback: 7 * 86_400_000,
    about:
      'from a browser (site key), a timestamp earlier than receive time - this is clamped to receive time and flagged',
  },
  {
    key: 'minTimestampMs',
    file: 'min_timestamp',
    env: 'STINT_MIN_TIMESTAMP',
    parse: instant,
    fallback: Date.UTC(2000, 0, 1),
    about: 'an event with an earlier timestamp is refused (bad_timestamp), from any sender',
  },
  {
    key: 'trustProxy',
    file: 'trust_proxy',
    env: 'STINT_TRUST_PROXY',
    parse: proxies,
    fallback: false,
    about:
      'behind your own proxies: how many (true is one), or their addresses; the client address is then the one they saw',
  },
  {
    key: 'logLevel',
    file: 'log_level',
    env: 'STINT_LOG_LEVEL',
    parse: choice(LOG_LEVELS),
    fallback: 'info',
    about: `pino log level: ${LOG_LEVELS.join(', ')}`,
  },
  {
    key: 'sessionizeEvents',
    file: 'sessionize_events',
    env: 'STINT_SESSIONIZE_EVENTS',
    parse: whole(1, 10_000_000),
    fallback: 200_000,
    about: 'events per sessionizing transaction at most',
  },
  {
    key: 'sessionizeDelayMs',
    file: 'sessionize_delay',
    env: 'STINT_SESSIONIZE_DELAY',
    parse: delay,
    fallback: 5000,
    about:
      'how long accepted events may wait in the log before they are sessionized into the store (larger batches are cheaper)',
  },
  {
    key: 'maxPendingEvents',
    file: 'max_pending_events',
    env: 'STINT_MAX_PENDING_EVENTS',
    parse: whole(1000, 1e9),
    fallback: 2_000_000,
    about:
      'events accepted but not yet in the store at most, per site; past that the collector answers 503 with Retry-After',
  },
  {
    key: 'storeMemory',
    file: 'store_memory',
    env: 'STINT_STORE_MEMORY',
    parse: memory,
    fallback: undefined,
    about:
      "DuckDB's memory limit for each site's store, such as 1GB (default: DuckDB's, 80 % of RAM, per store)",
  },
  {
    key: 'timeoutMs',
    file: 'timeout',
    env: 'STINT_TIMEOUT',
    parse: duration,
    fallback: undefined,
    about: "inactivity that ends a session, for a new site's store (default 30m)",
  },
  {
    key: 'goals',
    file: 'goals',
    env: 'STINT_GOALS',
    parse: list,
    fallback: undefined,
    about: "event names counted as conversions, for a new site's store",
  },
] as const satisfies readonly Setting[];

/** Every field of ServerConfig has a row above: a missing one makes this line a type error. */
type Unset = Exclude<keyof ServerConfig, (typeof SETTINGS)[number]['key']>;
const everySettingListed: [Unset] extends [never] ? true : Unset = true;
void everySettingListed;

/** `flags`: commander's values by flag name; `env`: the environment; the file comes from `--config`, STINT_CONFIG or ./stint.config.json. */
export function resolveConfig(
  flags: Record<string, string | undefined>,
  env: NodeJS.ProcessEnv,
): ServerConfig {
  const configPath =
    flags.config ?? env.STINT_CONFIG ?? (existsSync('stint.config.json') ? 'stint.config.json' : undefined);
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const settings: readonly Setting[] = SETTINGS;
  const known = new Set(settings.map((s) => s.file));
  for (const key of Object.keys(file)) {
    if (!known.has(key)) {
      throw new StintError(
        'STINT_BAD_CONFIG',
        `Unknown setting "${key}" in ${configPath}`,
        `Use one of: ${[...known].join(', ')} (docs/operations.md)`,
      );
    }
  }
  const config: Record<string, unknown> = {};
  for (const s of settings) {
    const fromFlag = s.flag === undefined ? undefined : flags[s.flag];
    const fromEnv = env[s.env];
    const fromFile = file[s.file];
    if (fromFlag !== undefined) config[s.key] = s.parse(fromFlag, `--${s.flag}`);
    else if (fromEnv !== undefined && fromEnv !== '') config[s.key] = s.parse(fromEnv, s.env);
    else if (fromFile !== undefined)
      config[s.key] = s.parse(
        Array.isArray(fromFile) ? fromFile.join(',') : String(fromFile),
        `"${s.file}" in ${configPath}`,
      );
    else config[s.key] = s.fallback;
  }
  return config as unknown as ServerConfig;
}

function readConfigFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new StintError(
      'STINT_BAD_CONFIG',
      `Cannot read ${path}: ${(err as Error).message}`,
      'Give a JSON object such as {"port": 8080, "lateness": "5m"}',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new StintError(
      'STINT_BAD_CONFIG',
      `${path} is not a JSON object`,
      'Give a JSON object such as {"port": 8080, "lateness": "5m"}',
    );
  }
  return parsed as Record<string, unknown>;
}

function bad(name: string, text: string, want: string): never {
  throw new StintError('STINT_BAD_CONFIG', `Cannot read ${name} "${text}"`, `Give ${want}`);
}
