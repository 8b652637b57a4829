/**
 * Generated traffic (anomaly-traffic.ts: people, bots, fraud-like visits over four weeks) as
 * events that collectors write to a ClickHouse store, in arrival batches where some events come
 * late: every ninth event of a batch arrives with the next one.
 */

import type { EventInput, StintEvent } from '../../src/core/event.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { anomalyTraffic } from './anomaly-traffic.ts';

/** The traffic `copies` times, copy k with its own visitors and ids, k weeks later. */
export function trafficEvents(copies = 1): StintEvent[] {
  const normalize = createNormalizer();
  const once = anomalyTraffic().flatMap((r) => {
    const n = normalize(r as unknown as EventInput);
    return n.ok ? [n.event] : [];
  });
  const tag = (id: string, k: number) => (id === '' || k === 0 ? id : `${id}~${k}`);
  return Array.from({ length: copies }, (_, k) =>
    once.map((e) => ({
      ...e,
      anonymousId: tag(e.anonymousId, k),
      userId: tag(e.userId, k),
      eventId: tag(e.eventId, k),
      tsMs: e.tsMs + k * 7 * 86_400_000,
    })),
  ).flat();
}

/** The events in `count` arrival batches by time, every ninth held back to the next batch. */
export function lateBatches(events: readonly StintEvent[], count: number): StintEvent[][] {
  const sorted = [...events].sort((a, b) => a.tsMs - b.tsMs);
  const size = Math.ceil(sorted.length / count);
  const batches: StintEvent[][] = [];
  let held: StintEvent[] = [];
  for (let b = 0; b < count; b++) {
    const part = sorted.slice(b * size, (b + 1) * size);
    const last = b === count - 1;
    batches.push([...held, ...part.filter((_, i) => last || i % 9 !== 8)]);
    held = last ? [] : part.filter((_, i) => i % 9 === 8);
  }
  return batches;
}
