/**
 * The server's sites, each its store file and writer: opened at start (and when `stint sites
 * add` adds one while the server runs), tried again while failing, closed when removed from the
 * registry (`stint sites remove`) and when the server stops.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { siteHostOf } from '../core/attribution/url-facts.ts';
import { StintError } from '../core/errors.ts';
import { createRules, type SessionRules } from '../core/rules.ts';
import { siteAddress } from '../store/clickhouse/target.ts';
import { openClickHouseSite } from './clickhouse-site.ts';
import type { CollectContext } from './collect.ts';
import type { ServerConfig } from './config.ts';
import { DiskFullError } from './disk-full.ts';
import type { ServerMetrics, SiteGauges } from './metrics.ts';
import type { Registry, Site } from './registry.ts';
import type { Salts } from './salts.ts';
import { openSiteStore, type SiteStore } from './site-store.ts';
import { openSiteWriter, type SiteWriter } from './writer/index.ts';

/** A site ready to take events and reads. */
export interface OpenSite {
  readonly store: SiteStore;
  readonly writer: SiteWriter;
  /** The salted visitor id of an address and agent at a time (made once: requests make no closure). */
  readonly visitorId: CollectContext['visitorId'];
}

export interface Sites {
  /** The site's store and writer, opened at the first call (a failed opening is tried again at the next). */
  open(site: Site): Promise<OpenSite>;
  /** Opens a site without a request waiting for it; a failure is logged (as `why`). */
  openInBackground(site: Site, why?: string): void;
  /** The sites open now, by name. */
  readonly ready: ReadonlyMap<string, OpenSite>;
  /** Sites whose last opening failed, with when it began: /healthz answers 503 while there are any. */
  readonly failing: ReadonlyMap<string, number>;
  /** Tries each failing site again (each at most every HEALTH_RETRY_MS); forgets removed ones. */
  retryFailing(): void;
  /** Each open site's gauges for /metrics. */
  gauges(): Iterable<[string, SiteGauges]>;
  /**
   * Opens every site of the registry now; the error of a store in use (another server has this
   * data directory), if any. Then watches the registry for sites added and removed.
   */
  openAll(): Promise<StintError | undefined>;
  /** Waits until every site has sessionized everything it accepted. */
  settle(): Promise<void>;
  /** Stops watching the registry for sites added and removed. */
  stopWatching(): void;
  /** Waits for the removed sites being closed. */
  removed(): Promise<void>;
  /** Closes every site's writer (storing what is queued) and store. */
  close(): Promise<void>;
}

export interface SitesDeps {
  readonly config: ServerConfig;
  readonly now: () => number;
  readonly registry: Registry;
  readonly salts: Salts;
  readonly metrics: ServerMetrics;
  readonly rules: SessionRules;
  readonly log: FastifyBaseLogger;
}

/** How often /healthz tries a site that could not be opened again, at most. */
const HEALTH_RETRY_MS = 10_000;

export function createSites(deps: SitesDeps): Sites {
  const { config, now, registry, salts, metrics, rules, log } = deps;
  mkdirSync(join(config.data, 'sites'), { recursive: true, mode: 0o700 });
  const opens = new Map<string, Promise<OpenSite>>();
  const ready = new Map<string, OpenSite>();
  /** Each opening's first step, the store's file (a second server on the same data fails there). */
  const storesOpening = new Map<string, Promise<unknown>>();
  const failing = new Map<string, number>();
  /** Opens a site added while the server runs (stint sites add) within about a second. */
  let watcher: NodeJS.Timeout | undefined;
  /** Removed sites being closed: close() waits for them. */
  const removing = new Set<Promise<void>>();

  const open = (site: Site): Promise<OpenSite> => {
    let opening = opens.get(site.name);
    if (opening === undefined) {
      opening = (async () => {
        if (config.store !== undefined) return openOnClickHouse(site, config.store);
        const storeOpening = openSiteStore(join(config.data, 'sites', `${site.name}.duckdb`), {
          ...(config.storeMemory === undefined ? {} : { memoryLimit: config.storeMemory }),
          readConnections: config.maxConcurrentReads,
        });
        storesOpening.set(site.name, storeOpening);
        const store = await storeOpening;
        const writer = await openSiteWriter(
          store,
          siteRules(rules, site),
          join(config.data, 'sites', `${site.name}.log`),
          {
            latenessMs: config.latenessMs,
            maxBatchEvents: config.sessionizeEvents,
            maxPendingEvents: config.maxPendingEvents,
            sessionizeDelayMs: config.sessionizeDelayMs,
            onCommit: (c) => metrics.commit(site.name, c),
            onDisk: (part, full) =>
              full === undefined
                ? log.info({ site: site.name, part }, 'the disk has room again: writes work')
                : log.error({ site: site.name, part, path: full.path }, full.message),
            onQuarantine: (q) => {
              metrics.quarantined(site.name);
              log.error(
                { site: site.name, file: q.file, segment: q.segment, offset: q.offset, bytes: q.bytes },
                'a corrupt record of the event log was set aside (its events are not stored); the rest of the log is read on',
              );
            },
            onSessionize: (r) => {
              if ('error' in r) {
                // A full disk is logged once, by onDisk, not at each retry.
                if (r.error instanceof DiskFullError) return;
                log.error(
                  { err: r.error, site: site.name },
                  'sessionizing failed; retrying in 1 s, a logged commit at a time, setting aside any event the store refuses',
                );
                return;
              }
              metrics.sessionized(site.name, r.events, r.ms, r.setAside.length);
              for (const { eventId, reason } of r.setAside)
                log.error(
                  { site: site.name, event_id: eventId, reason },
                  "the store refused an accepted event: it is kept in the store's rejects table, reason 'unstorable'",
                );
            },
          },
        ).catch(async (err: unknown) => {
          // The next try opens the store again: this one must not stay open beside it.
          await store.close().catch(() => {});
          throw err;
        });
        if (writer.unsessionized > 0) {
          log.info(
            { site: site.name, events: writer.unsessionized },
            'recovered logged events not yet stored; sessionizing them',
          );
        }
        const isActive = (identity: string): boolean => writer.isActive(identity);
        const s: OpenSite = {
          store,
          writer,
          visitorId: (ip, ua, atMs) => salts.visitorId(site.name, ip, ua, atMs, isActive),
        };
        ready.set(site.name, s);
        failing.delete(site.name);
        return s;
      })();
      const began = now();
      opening.catch(() => {
        opens.delete(site.name);
        failing.set(site.name, began);
      });
      opens.set(site.name, opening);
    }
    return opening;
  };
  /** A site whose events go to a ClickHouse store: a stateless collector (clickhouse-site.ts). */
  const openOnClickHouse = async (site: Site, address: string): Promise<OpenSite> => {
    const opening = openClickHouseSite(siteAddress(address, site.name), siteRules(rules, site), now);
    storesOpening.set(site.name, opening);
    const { store, writer } = await opening;
    const s: OpenSite = {
      store,
      writer,
      visitorId: (ip, ua, atMs) =>
        salts.visitorId(site.name, ip, ua, atMs, (identity) => writer.isActive(identity)),
    };
    ready.set(site.name, s);
    failing.delete(site.name);
    return s;
  };
  const openInBackground = (site: Site, why = 'cannot open the site'): void => {
    open(site).catch((err: unknown) => log.error({ err, site: site.name }, why));
  };

  /** Closes a removed site's writer (storing its log) and store. */
  const closeRemoved = (name: string): void => {
    const opening = opens.get(name);
    opens.delete(name);
    ready.delete(name);
    failing.delete(name);
    const closed = opening
      ?.then(async (s) => {
        await s.writer.close();
        await s.store.close();
        log.info({ site: name }, 'the site was removed from the registry: its store is closed');
      })
      .catch((err: unknown) => log.error({ err, site: name }, 'closing a removed site failed'));
    if (closed !== undefined) {
      removing.add(closed);
      void closed.finally(() => removing.delete(closed));
    }
  };

  return {
    open,
    openInBackground,
    ready,
    failing,
    retryFailing() {
      const nowMs = now();
      for (const [name, began] of failing) {
        const site = registry.site(name);
        if (site === undefined) failing.delete(name);
        else if (nowMs - began >= HEALTH_RETRY_MS && !opens.has(name))
          openInBackground(site, 'the site still cannot be opened');
      }
    },
    gauges: () =>
      [...ready].map(([name, s]) => [
        name,
        {
          openSessions: () => s.writer.openSessions(),
          queued: () => s.writer.queued,
          unsessionized: () => s.writer.unsessionized,
        },
      ]),
    async openAll() {
      // Every site opens now, not at its first request: what its log holds beyond its store (a
      // crash before it was stored) is stored at once, and no request waits for a store to open.
      // A store in use means another server has this data directory: this one must not start.
      const stores = registry.sites().map((site) => {
        open(site).catch((err: unknown) => {
          // A store in use stops the start, with its own message.
          if (!(err instanceof StintError && err.code === 'STINT_STORE_LOCKED'))
            log.error({ err, site: site.name }, 'cannot open the site');
        });
        return storesOpening.get(site.name)!.then(
          () => undefined,
          (err: unknown) => err,
        );
      });
      const locked = (await Promise.all(stores)).find(
        (err) => err instanceof StintError && err.code === 'STINT_STORE_LOCKED',
      );
      if (locked !== undefined) return locked as StintError;
      // So that it is this server's from then on (a second server on the directory finds its store
      // taken), and its first request does not wait for it. A site that failed waits for its retry.
      watcher = setInterval(() => {
        for (const site of registry.sites())
          if (!opens.has(site.name) && !failing.has(site.name)) openInBackground(site);
        // A site taken out of the registry (stint sites remove) is closed, so its files can move.
        for (const name of [...opens.keys()]) if (registry.site(name) === undefined) closeRemoved(name);
      }, 1000);
      watcher.unref();
      return undefined;
    },
    async settle() {
      for (const s of await Promise.all(opens.values())) await s.writer.settle();
    },
    stopWatching() {
      clearInterval(watcher);
    },
    async removed() {
      await Promise.all(removing);
    },
    async close() {
      for (const [name, opening] of opens) {
        const s = await opening.catch(() => undefined);
        if (s === undefined) continue;
        try {
          await s.writer.close();
        } catch (err) {
          // What is not stored yet stays in the site's log for the next start.
          log.error({ err, site: name }, 'could not store all logged events before stopping');
        }
        await s.store
          .close()
          .catch((err: unknown) => log.error({ err, site: name }, 'closing the store failed'));
      }
    },
  };
}

/**
 * The rules a site's store starts with: the server's, and the hosts of the site's origins, so a
 * referrer from any of them is internal (a store keeps the rules it was first given).
 */
function siteRules(rules: SessionRules, site: Site): SessionRules {
  return createRules({ ...rules, siteHosts: site.origins.map(siteHostOf) });
}
