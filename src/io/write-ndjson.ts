/**
 * NDJSON output: one JSON object a line. BigInts are written as numbers when exact, else as
 * strings; everything else is plain `JSON.stringify` (undefined keys dropped, Dates as ISO).
 *
 *   const out = createNdjsonWriter(process.stdout);
 *   await out.write({ session_id: 's1', events: 3 });   // {"session_id":"s1","events":3}
 *   await out.end();
 */
import { createTextSink } from './output.ts';
import type { RowWriter } from './write-csv.ts';

function bigintSafe(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

export function ndjsonLine(value: Readonly<Record<string, unknown>>): string {
  try {
    return `${JSON.stringify(value)}\n`;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return `${JSON.stringify(value, bigintSafe)}\n`;
  }
}

export function createNdjsonWriter(out: NodeJS.WritableStream): RowWriter<Readonly<Record<string, unknown>>> {
  const sink = createTextSink(out);
  return {
    write: (value) => sink.push(ndjsonLine(value)),
    end: () => sink.end(),
  };
}
