/**
 * What `stint serve` is configured with (ServerConfig), and how a row of the settings table
 * (settings.ts) names, reads and defaults one of its fields.
 */

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
  /** A ClickHouse store for every site (clickhouse://HOST:PORT/DB: site NAME in database DB_NAME); undefined: a DuckDB file per site. */
  readonly store: string | undefined;
  /** DuckDB's memory limit per site store ('1GB'); undefined: DuckDB's default (80 % of RAM). */
  readonly storeMemory: string | undefined;
  /** Events per sessionizing transaction at most. */
  readonly sessionizeEvents: number;
  readonly sessionizeDelayMs: number;
  /** Events accepted but not yet in the store at most, per site; past that the collector answers 503. */
  readonly maxPendingEvents: number;
  readonly timeoutMs: number | undefined;
  readonly goals: readonly string[] | undefined;
  // ---- webhooks (docs/insights/webhooks.md) ----
  readonly webhookIntervalMs: number;
  readonly webhookAttempts: number;
  readonly webhookTimeoutMs: number;
  readonly webhookBackoffMs: number;
}

export type Parse = (text: string, name: string) => unknown;

export interface Setting {
  readonly key: keyof ServerConfig;
  readonly file: string;
  readonly env: string;
  readonly flag?: string;
  readonly parse: Parse;
  readonly fallback: unknown;
  readonly about: string;
}
