/**
 * `.json` reader: one document holding an array of objects, or an object wrapping it
 * (`{"events": [...]}`, or any object with exactly one array field). The document is parsed whole,
 * so files beyond a few hundred MB should be NDJSON instead.
 * A record's "line" is its element index + 1, not a text line:
 *
 *   [{"ts": 1}, 7, {"ts": 2}]  → {ts: 1} line 1, reject not_an_object line 2, {ts: 2} line 3
 */
import { StintError } from '../core/errors.ts';
import { openBytes } from './lines.ts';
import { clipRaw, emptyBatch, type RawRecord, type ReadBatch } from './record.ts';

const BATCH_SIZE = 8192;

function isObject(value: unknown): value is RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The array of events inside a parsed document, or a sentence saying why there is none. */
function eventsOf(doc: unknown): unknown[] | string {
  if (Array.isArray(doc)) return doc;
  if (!isObject(doc)) return 'the document is not an array or an object';
  if (Array.isArray(doc.events)) return doc.events;
  const arrays = Object.values(doc).filter((v) => Array.isArray(v));
  if (arrays.length === 1) return arrays[0] as unknown[];
  return `the object has ${arrays.length} array fields and no "events" array`;
}

export async function* readJsonArray(
  path: string,
  options: { batchSize?: number; onNote?: (note: string) => void } = {},
): AsyncGenerator<ReadBatch> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const source = await openBytes(path, options.onNote);
  const parts: Buffer[] = [];
  for await (const chunk of source.chunks) parts.push(chunk);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
  } catch {
    throw new StintError(
      'STINT_UNREADABLE',
      `${path}: not valid UTF-8`,
      'Convert the file to UTF-8, or to NDJSON so that bad lines are rejected one by one',
    );
  }
  if (text.trim() === '') return;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new StintError(
      'STINT_UNREADABLE',
      `${path}: not valid JSON (${(err as Error).message})`,
      'A .json input must be one array of objects; for one object per line use .ndjson or --input-format ndjson',
    );
  }
  const events = eventsOf(doc);
  if (typeof events === 'string') {
    throw new StintError(
      'STINT_UNREADABLE',
      `${path}: expected an array of objects: ${events}`,
      'Use [{…}, …] or {"events": [{…}, …]}',
    );
  }
  let batch = emptyBatch(0);
  for (let i = 0; i < events.length; i++) {
    const item = events[i];
    if (isObject(item)) {
      batch.records.push(item);
      batch.lines.push(i + 1);
    } else {
      const raw = clipRaw(JSON.stringify(item) ?? String(item));
      batch.rejects.push({
        line: i + 1,
        reason: 'not_an_object',
        raw,
        detail: `element ${i} is not an object`,
      });
    }
    if (batch.records.length >= batchSize) {
      batch.bytesRead = source.bytesRead();
      yield batch;
      batch = emptyBatch(0);
    }
  }
  if (batch.records.length > 0 || batch.rejects.length > 0) {
    batch.bytesRead = source.bytesRead();
    yield batch;
  }
}
