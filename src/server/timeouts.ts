/**
 * The HTTP server's guards against slow and idle connections: how long a client may take to
 * send headers and a whole request, how long an idle keep-alive connection stays, and how many
 * connections are open at most (each holds a file descriptor that the stores and logs need too).
 *
 *   Fastify({ ...connectionOptions(config) });
 *   capConnections(app.server, config);
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { ServerConfig } from './config.ts';

type Limits = Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>;

/**
 * Fastify's options for them. Node checks the header and request timeouts on a timer
 * (`connectionsCheckingInterval`, 30 s by default): it is made short enough that a slow
 * connection is closed within about a second of its limit, not up to 30 s later.
 */
export function connectionOptions(config: Limits): {
  readonly http: { headersTimeout: number; connectionsCheckingInterval: number };
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
} {
  // Node refuses a header timeout longer than the request's (the headers are part of it).
  const headersTimeout = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    http: { headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 2)) },
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
  };
}

/** Caps open connections: past the cap, Node closes a new connection at once. */
export function capConnections(server: Server, config: Pick<ServerConfig, 'maxConnections'>): number {
  const max = config.maxConnections ?? defaultMaxConnections();
  server.maxConnections = max;
  return max;
}

/** Half the process's soft open-file limit (the rest is for stores, logs and workers), at most 10,000. */
export function defaultMaxConnections(limits = readLimits()): number {
  const m = /^Max open files\s+(\d+)/m.exec(limits ?? '');
  const files = m === null ? Number.POSITIVE_INFINITY : Number(m[1]);
  return Math.max(16, Math.min(10_000, Math.floor(files / 2)));
}

/** Linux's /proc/self/limits; undefined elsewhere (the cap is then 10,000). */
function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}
