/**
 * Events as a collector writes them to a ClickHouse store: whole, without a session (the shard's
 * worker gives them theirs), each with a `seq` from the collector's clock (input order across
 * collectors is arrival order, as near as clocks agree) and its retry key.
 *
 *   await store.insertRows('events', pendingRows(events, Date.now()));
 */
import type { StintEvent } from '../../core/event.ts';
import type { Row } from './node.ts';
import { eventFields, eventKey } from './rows.ts';
import { nextVersion } from './transaction.ts';

let lastSeq = 0;

/** A seq after every one this process gave: microseconds of the clock (2^53 lasts until 2255). */
function nextSeq(nowMs: number): number {
  lastSeq = Math.max(lastSeq + 1, Math.trunc(nowMs) * 1000);
  return lastSeq;
}

export function pendingRows(events: readonly StintEvent[], nowMs: number): Row[] {
  const seen = new Map<string, number>();
  const version = nextVersion();
  return events.map((e) => {
    const fields = eventFields(e);
    return {
      seq: nextSeq(nowMs),
      import_id: 0,
      received_at: Math.trunc(nowMs),
      session_id: '',
      ...fields,
      ekey: eventKey(fields, seen),
      version,
      deleted: 0,
    };
  });
}
