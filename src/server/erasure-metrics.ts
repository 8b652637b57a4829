/**
 * What erasing removed, on `/metrics`: per site, events and sessions dropped by retention, and
 * events and sessions erased by request (`stint forget`'s API route).
 */
import { Counter, type Registry } from 'prom-client';

export type ErasureMetrics = ReturnType<typeof createErasureMetrics>;

export function createErasureMetrics(registry: Registry) {
  const counter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['site'], registers: [registry] });
  const retainedEvents = counter(
    'stint_retention_dropped_events_total',
    "Events dropped because they were older than the site's retention.",
  );
  const retainedSessions = counter(
    'stint_retention_dropped_sessions_total',
    "Sessions dropped because they ended before the site's retention.",
  );
  const erasedEvents = counter(
    'stint_erased_events_total',
    'Events erased by request (DELETE /api/v1/visitors/ID).',
  );
  const erasedSessions = counter('stint_erased_sessions_total', 'Sessions gone by an erasure request.');
  return {
    retention(site: string, events: number, sessions: number) {
      retainedEvents.inc({ site }, events);
      retainedSessions.inc({ site }, sessions);
    },
    erased(site: string, events: number, sessions: number) {
      erasedEvents.inc({ site }, events);
      erasedSessions.inc({ site }, sessions);
    },
  };
}
