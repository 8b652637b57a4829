/**
 * The event log's line format: a group commit's events as one JSON line of columns, one per
 * event field (encodeLines), and back (decodeLines); the older row-per-event lines read too.
 */
import type { StintEvent } from '../../core/event.ts';

/** The fields of an event, in the order of a line's columns. */
const FIELDS = [
  'tsMs',
  'anonymousId',
  'userId',
  'name',
  'url',
  'referrer',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmTerm',
  'utmContent',
  'sessionKey',
  'timezone',
  'userAgent',
  'value',
  'eventId',
  'properties',
  // Added in schema version 3: lines written before it have one column fewer.
  'country',
] as const satisfies readonly (keyof StintEvent)[];

/**
 * A line: `n` events as columns, one per field of `FIELDS`. A column is an array of the events'
 * values, or the one value they all have (no field's value is an array); an event without
 * properties has null there. Columns of one value (empty fields, mostly) make a line shorter
 * than a line per event, and cheaper to encode and to decode: for the benchmark's batches, a
 * third as long and half the CPU.
 */
interface Line {
  readonly n: number;
  readonly columns: readonly unknown[];
}

/**
 * The events as one log line (a group commit's). A torn write loses the line whole; its events
 * were not acknowledged.
 */
export function encodeLines(events: readonly StintEvent[]): Buffer {
  const n = events.length;
  const values: unknown[][] = FIELDS.map(() => new Array(n));
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    // In the order of FIELDS, each read by its name: reading by a computed name costs more.
    values[0]![i] = e.tsMs;
    values[1]![i] = e.anonymousId;
    values[2]![i] = e.userId;
    values[3]![i] = e.name;
    values[4]![i] = e.url;
    values[5]![i] = e.referrer;
    values[6]![i] = e.utmSource;
    values[7]![i] = e.utmMedium;
    values[8]![i] = e.utmCampaign;
    values[9]![i] = e.utmTerm;
    values[10]![i] = e.utmContent;
    values[11]![i] = e.sessionKey;
    values[12]![i] = e.timezone;
    values[13]![i] = e.userAgent;
    values[14]![i] = e.value;
    values[15]![i] = e.eventId;
    values[16]![i] = e.properties ?? null;
    values[17]![i] = e.country;
  }
  const columns = values.map((column) => {
    const first = column[0] ?? null;
    for (let i = 1; i < n; i++) if (column[i] !== first) return column;
    return first;
  });
  const text = `${JSON.stringify({ n, columns } satisfies Line)}\n`;
  // Mostly all ASCII (as many bytes as characters): then Latin-1 gives the same bytes by a plain
  // copy, where encoding UTF-8 costs five times as much.
  return Buffer.byteLength(text) === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text);
}

/** The events of lines made by `encodeLines`, in order. */
export function decodeLines(lines: Uint8Array): StintEvent[] {
  const bytes = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  const events: StintEvent[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(0x0a, at);
    const next = end < 0 ? bytes.length : end + 1;
    decodeLine(bytes.subarray(at, next), events);
    at = next;
  }
  return events;
}

/**
 * Adds a line's events to `into`. A line that is an array holds one event's fields in the order
 * of `FIELDS`, as earlier versions wrote them; it is read as well.
 */
export function decodeLine(line: Buffer, into: StintEvent[]): void {
  // A corrupt record mended in place (blanks): no events.
  if (line.every((b) => b === 0x20 || b === 0x0a)) return;
  const value = JSON.parse(line.toString('utf8')) as Line | unknown[];
  if (Array.isArray(value)) {
    into.push(
      eventAt(
        FIELDS.map((_, k) => [value[k]]),
        0,
      ),
    );
    return;
  }
  const { n, columns } = value;
  if (
    !Number.isInteger(n) ||
    !Array.isArray(columns) ||
    (columns.length !== FIELDS.length && columns.length !== FIELDS.length - 1)
  )
    throw new SyntaxError('not a line of events');
  if (columns.some((c) => Array.isArray(c) && c.length !== n)) throw new SyntaxError('not a line of events');
  const values = columns.map((c) => (Array.isArray(c) ? c : new Array(n).fill(c)));
  for (let i = 0; i < n; i++) into.push(eventAt(values, i));
}

/** The `i`th event of columns of values in the order of `FIELDS`. */
const eventAt = (values: readonly (readonly unknown[])[], i: number): StintEvent =>
  ({
    tsMs: values[0]![i],
    anonymousId: values[1]![i],
    userId: values[2]![i],
    name: values[3]![i],
    url: values[4]![i],
    referrer: values[5]![i],
    utmSource: values[6]![i],
    utmMedium: values[7]![i],
    utmCampaign: values[8]![i],
    utmTerm: values[9]![i],
    utmContent: values[10]![i],
    sessionKey: values[11]![i],
    timezone: values[12]![i],
    userAgent: values[13]![i],
    value: values[14]![i],
    eventId: values[15]![i],
    properties: values[16]![i] ?? undefined,
    country: values[17]?.[i] ?? '',
  }) as StintEvent;
