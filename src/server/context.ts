/**
 * What the server's plugins share, made once per server and passed to each: its settings and
 * clock, the registry, salts, sites, metrics, read slots, credentials and the log. Nothing of
 * it lives at module level, so two servers in one process share nothing.
 */
import type { FastifyBaseLogger } from 'fastify';
import { createRules } from '../core/rules.ts';
import { type Auth, createAuth } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { createErasureMetrics, type ErasureMetrics } from './erasure-metrics.ts';
import { HttpError } from './http-error.ts';
import { createMetrics, type ServerMetrics } from './metrics.ts';
import { createSiteReads, type SiteReads } from './read-limits.ts';
import { openRegistry, type Registry } from './registry.ts';
import { openSalts, type Salts } from './salts.ts';
import { clickhouseSalts } from './shared-salts.ts';
import { createSites, type Sites } from './sites.ts';

export interface ServerContext {
  readonly config: ServerConfig;
  /** The server's clock (tests pass their own: nothing may depend on today's date). */
  readonly now: () => number;
  readonly registry: Registry;
  readonly salts: Salts;
  readonly sites: Sites;
  readonly metrics: ServerMetrics;
  readonly erasureMetrics: ErasureMetrics;
  /**
   * Reads take a slot of their site at their first query and stop at query_timeout; every
   * route under /api/v1/ gives its slot back when its handler is done (read-limits.ts).
   */
  readonly reads: SiteReads;
  readonly auth: Auth;
  readonly log: FastifyBaseLogger;
  readonly state: ServerState;
}

/** What changes while the server runs. */
export interface ServerState {
  /** Set when close() begins: new writes and streams are refused, answers end their connection. */
  closing: boolean;
  /** Each open live stream's stop: close() ends them. */
  readonly live: Set<() => void>;
}

/** Opens the registry and salts of `config.data` and makes the rest (no site is opened yet). */
export function createContext(
  config: ServerConfig,
  now: () => number,
  log: FastifyBaseLogger,
): ServerContext {
  const registry = openRegistry(config.data);
  // Collectors of one ClickHouse store share their salts there, so a visitor has one id at each.
  const salts = openSalts(
    config.data,
    now,
    config.store === undefined ? undefined : clickhouseSalts(config.store),
  );
  const metrics = createMetrics(() => sites.gauges());
  const erasureMetrics = createErasureMetrics(metrics.registry);
  const rules = createRules({ timeoutMs: config.timeoutMs, goals: config.goals });
  const sites = createSites({ config, now, registry, salts, metrics, rules, log });
  const reads = createSiteReads(config, (code, message) => new HttpError(code, message));
  const auth = createAuth({ config, now, registry, sites, reads });
  const state: ServerState = { closing: false, live: new Set() };
  return { config, now, registry, salts, sites, metrics, erasureMetrics, reads, auth, log, state };
}
