/**
 * What `/metrics` shows, in Prometheus format (prom-client): events accepted, rejected (by
 * code), duplicates, set aside by the store, bots, clamped, late and very late; collector
 * requests refused whole (by code); open sessions
 * and queue depth per site; commit latency and size; and the process's own metrics. One
 * registry per server, so two servers in one process (tests) do not share counters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CommitStats } from './writer/index.ts';

export interface SiteGauges {
  openSessions(): number;
  queued(): number;
  unsessionized(): number;
}

export type ServerMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(sites: () => Iterable<[string, SiteGauges]>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stint_' });
  const counter = (name: string, help: string, labelNames: string[] = ['site']) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const accepted = counter('stint_events_accepted_total', 'Events stored (acknowledged after commit).');
  const rejected = counter('stint_events_rejected_total', 'Events refused, by reason.', ['site', 'code']);
  const duplicates = counter(
    'stint_events_duplicates_total',
    'Retried events already stored (counted once).',
  );
  const setAsideEvents = counter(
    'stint_events_set_aside_total',
    "Accepted events the store refused, kept in its rejects table (reason 'unstorable').",
  );
  const bots = counter('stint_events_bots_total', 'Events from known bots, left out.');
  const quarantined = counter(
    'stint_log_records_quarantined_total',
    "Corrupt records of the site's event log set aside in its quarantine directory (their events are not stored).",
  );
  // Before the site is known (the key is read after the body), so by code only.
  const refusedRequests = counter(
    'stint_requests_refused_total',
    'Requests to the collector refused whole, before their events were read (body too large, wrong content type, invalid JSON, no key, rate limited), by code.',
    ['code'],
  );
  const clamped = counter(
    'stint_events_clamped_total',
    'Events whose timestamp was clamped to receive time: too far in the future, or (from a browser) in the past.',
  );
  const late = counter(
    'stint_events_late_total',
    'Events older than the latest event time, within the lateness.',
  );
  const veryLate = counter(
    'stint_events_very_late_total',
    'Events older than the watermark (latest event time minus lateness).',
  );
  const commitSeconds = new Histogram({
    name: 'stint_commit_seconds',
    help: 'Time of one group commit, from taking the batch to its commit.',
    labelNames: ['site'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const commitEvents = new Histogram({
    name: 'stint_commit_events',
    help: 'Events in one group commit.',
    labelNames: ['site'],
    buckets: [1, 10, 100, 1000, 10_000, 100_000],
    registers: [registry],
  });
  const sessionizeSeconds = new Histogram({
    name: 'stint_sessionize_seconds',
    help: 'Time of one sessionizing transaction (inbox → events and sessions).',
    labelNames: ['site'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const sessionized = counter(
    'stint_events_sessionized_total',
    'Events moved from the inbox into their sessions.',
  );
  new Gauge({
    name: 'stint_open_sessions',
    help: 'Visitors whose last event is within the timeout of the latest event time.',
    labelNames: ['site'],
    registers: [registry],
    collect() {
      for (const [site, g] of sites()) this.set({ site }, g.openSessions());
    },
  });
  new Gauge({
    name: 'stint_queue_depth',
    help: 'Events waiting for a commit.',
    labelNames: ['site'],
    registers: [registry],
    collect() {
      for (const [site, g] of sites()) this.set({ site }, g.queued());
    },
  });
  new Gauge({
    name: 'stint_unsessionized_events',
    help: 'Events committed to the inbox, not yet sessionized.',
    labelNames: ['site'],
    registers: [registry],
    collect() {
      for (const [site, g] of sites()) this.set({ site }, g.unsessionized());
    },
  });
  return {
    registry,
    sessionized(site: string, events: number, ms: number, setAside: number) {
      sessionized.inc({ site }, events);
      setAsideEvents.inc({ site }, setAside);
      sessionizeSeconds.observe({ site }, ms / 1000);
    },
    rejected: (site: string, code: string, n = 1) => rejected.inc({ site, code }, n),
    bots: (site: string, n: number) => n > 0 && bots.inc({ site }, n),
    quarantined: (site: string) => quarantined.inc({ site }),
    refusedRequest: (code: string) => refusedRequests.inc({ code }),
    clamped: (site: string, n: number) => n > 0 && clamped.inc({ site }, n),
    commit(site: string, c: CommitStats) {
      accepted.inc({ site }, c.events);
      duplicates.inc({ site }, c.duplicates);
      late.inc({ site }, c.late);
      veryLate.inc({ site }, c.veryLate);
      commitSeconds.observe({ site }, c.ms / 1000);
      commitEvents.observe({ site }, c.events + c.duplicates);
    },
  };
}
