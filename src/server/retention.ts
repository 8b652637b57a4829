/**
 * Retention: each site with a `retention` (`stint sites set-retention NAME 400d`) keeps the
 * sessions that ended within it; older sessions and their events are dropped when the server
 * starts and every 24 hours after, by the server's clock. What is dropped shows on /metrics and
 * in the log, and is recorded in the store's `erasures` table.
 *
 *   const stop = startRetention({ sites: () => registry.sites(), siteStore, now, log, metrics });
 */
import type { FastifyBaseLogger } from 'fastify';
import { parseDuration } from '../core/duration.ts';
import type { ErasureMetrics } from './erasure-metrics.ts';
import type { Site } from './registry.ts';
import type { SiteStore } from './site-store.ts';

export const RETENTION_EVERY_MS = 24 * 60 * 60 * 1000;

export interface RetentionDeps {
  sites(): readonly Site[];
  siteStore(site: Site): Promise<{ store: SiteStore }>;
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
  readonly metrics: ErasureMetrics;
}

/** Runs retention once for every site that has one; a site that fails is logged and skipped. */
export async function applyRetention(deps: RetentionDeps): Promise<void> {
  for (const site of deps.sites()) {
    if (site.retention === undefined) continue;
    try {
      const nowMs = deps.now();
      const beforeMs = nowMs - parseDuration(site.retention, 'retention');
      const { store } = await deps.siteStore(site);
      const dropped = await store.dropBefore(beforeMs, { atMs: nowMs, kind: 'retention', by: 'server' });
      deps.metrics.retention(site.name, dropped.events, dropped.sessions);
      if (dropped.sessions > 0)
        deps.log.info(
          {
            site: site.name,
            retention: site.retention,
            before: new Date(beforeMs).toISOString(),
            ...dropped,
          },
          'retention: dropped sessions that ended before the retention, with their events',
        );
    } catch (err) {
      deps.log.error({ err, site: site.name }, 'retention failed; it runs again in 24 hours');
    }
  }
}

/** Applies retention now and every 24 hours; gives a stop function (the timer never keeps the process up). */
export function startRetention(deps: RetentionDeps): { stop(): void; running(): Promise<void> } {
  let current = applyRetention(deps);
  const timer = setInterval(() => {
    current = current.then(() => applyRetention(deps));
  }, RETENTION_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), running: () => current };
}
