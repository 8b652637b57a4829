/**
 * NDJSON / JSONL reader: one JSON object per line, blank lines skipped. A line that is not JSON is
 * `invalid_json` (`cut_line` when it is a last line without newline), a non-object is `not_an_object`.
 * Files that nest events in one array per line can be exploded into one record per element:
 *
 *   {"session":0,"events":[{"aid":1,"ts":5},{"aid":2,"ts":9}]}     line 1
 *   → {session: 0, aid: 1, ts: 5} and {session: 0, aid: 2, ts: 9}, both line 1
 *
 * The field is auto-detected (see `detectExplodeField`) unless `explode` names it or is `false`.
 */
import { type LineBatch, lineAt, openLines, type TextLine } from './lines.ts';
import { clipRaw, emptyBatch, type RawRecord, type ReadBatch, type ReadReject } from './record.ts';

export interface NdjsonOptions {
  /** The array field whose elements are the records; `false` turns auto-detection off. */
  explode?: string | false;
  batchSize?: number;
  /** Told what the reader decided on its own (the auto-detected explode field). */
  onNote?: (note: string) => void;
}

const BATCH_SIZE = 8192;
/** Objects looked at before deciding whether to explode. */
const SNIFF_OBJECTS = 100;
const TIMESTAMP_LIKE = /^@?(ts|timestamp)$|time|date|_at$/i;

function isObject(value: unknown): value is RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOfObjectsKeys(obj: RawRecord): string[] {
  return Object.keys(obj).filter((k) => {
    const v = obj[k];
    return Array.isArray(v) && v.every(isObject);
  });
}

/**
 * The field to explode, when every sampled object has exactly one array-of-objects field, the
 * same one (non-empty at least once), and no timestamp-like key at the top level. Else undefined.
 *
 *   detectExplodeField([{ session: 0, events: [{ ts: 1 }] }])  → 'events'
 *   detectExplodeField([{ ts: 1, items: [{ sku: 'a' }] }])      → undefined (the line is the event)
 */
export function detectExplodeField(sample: readonly RawRecord[]): string | undefined {
  let field: string | undefined;
  let nonEmpty = false;
  for (const obj of sample) {
    const keys = arrayOfObjectsKeys(obj);
    if (keys.length !== 1 || (field !== undefined && keys[0] !== field)) return undefined;
    if (Object.keys(obj).some((k) => TIMESTAMP_LIKE.test(k))) return undefined;
    field = keys[0]!;
    if ((obj[field] as unknown[]).length > 0) nonEmpty = true;
  }
  return nonEmpty ? field : undefined;
}

type Parsed = { line: TextLine; value: RawRecord } | { line: TextLine; reject: ReadReject };

function parseLine(line: TextLine): Parsed | undefined {
  const text = line.line;
  const raw = (): string => clipRaw(text);
  if (line.invalidUtf8) return { line, reject: { line: line.lineNo, reason: 'invalid_utf8', raw: raw() } };
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message;
    const reason = line.unterminated ? 'cut_line' : 'invalid_json';
    return { line, reject: { line: line.lineNo, reason, raw: raw(), detail } };
  }
  if (isObject(value)) return { line, value };
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return {
    line,
    reject: { line: line.lineNo, reason: 'not_an_object', raw: raw(), detail: `line is ${kind}` },
  };
}

/** Add a parsed line to the batch, as one record or, exploded, one per element of `field`. */
function addTo(batch: ReadBatch, parsed: Parsed, field: string | undefined): void {
  if ('reject' in parsed) {
    batch.rejects.push(parsed.reject);
    return;
  }
  const { value, line } = parsed;
  if (field === undefined) {
    batch.records.push(value);
    batch.lines.push(line.lineNo);
    return;
  }
  const items = value[field];
  const raw = clipRaw(line.line);
  if (!Array.isArray(items)) {
    batch.rejects.push({
      line: line.lineNo,
      reason: 'unparseable',
      raw,
      detail: `no array field "${field}"`,
    });
    return;
  }
  const parent: RawRecord = {};
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'object' || v === null) parent[k] = v;
  items.forEach((item: unknown, i) => {
    if (isObject(item)) {
      batch.records.push({ ...parent, ...item });
      batch.lines.push(line.lineNo);
    } else {
      const detail = `${field}[${i}] is not an object`;
      batch.rejects.push({ line: line.lineNo, reason: 'not_an_object', raw, detail });
    }
  });
}

export async function* readNdjson(path: string, options: NdjsonOptions = {}): AsyncGenerator<ReadBatch> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const source = openLines(path, options.onNote);
  let field = options.explode === false ? undefined : options.explode;
  let decided = options.explode !== undefined;
  let sniffed: Parsed[] = [];
  let sniffedObjects = 0;
  let batch = emptyBatch(0);
  const full: ReadBatch[] = [];

  const add = (parsed: Parsed): void => {
    addTo(batch, parsed, field);
    if (batch.records.length >= batchSize) {
      full.push(batch);
      batch = emptyBatch(0);
    }
  };

  const decide = (): void => {
    field = detectExplodeField(sniffed.flatMap((p) => ('value' in p ? [p.value] : [])));
    if (field !== undefined) {
      options.onNote?.(
        `${path}: each line holds its events in the array "${field}"; reading one record per element, ` +
          "with the line's other scalar fields added (set explode to false to read lines as they are)",
      );
    }
    decided = true;
    for (const p of sniffed) add(p);
    sniffed = [];
  };

  const flush = function* (): Generator<ReadBatch> {
    for (const b of full.splice(0)) {
      b.bytesRead = source.bytesRead();
      yield b;
    }
  };

  /** The common case, a valid object line read as one record, without the bookkeeping of `parseLine`. */
  const tryPlain = (chunk: LineBatch, i: number): boolean => {
    if (!decided || field !== undefined || chunk.invalidUtf8.includes(i)) return false;
    let value: unknown;
    try {
      value = JSON.parse(chunk.lines[i]!);
    } catch {
      return false;
    }
    if (!isObject(value)) return false;
    batch.records.push(value);
    batch.lines.push(chunk.firstLineNo + i);
    if (batch.records.length >= batchSize) {
      full.push(batch);
      batch = emptyBatch(0);
    }
    return true;
  };

  for await (const chunk of source.batches()) {
    for (let i = 0; i < chunk.lines.length; i++) {
      if (tryPlain(chunk, i)) continue;
      const parsed = parseLine(lineAt(chunk, i));
      if (parsed === undefined) continue;
      if (decided) {
        add(parsed);
        continue;
      }
      sniffed.push(parsed);
      if ('value' in parsed && ++sniffedObjects >= SNIFF_OBJECTS) decide();
    }
    yield* flush();
  }
  if (!decided) decide();
  yield* flush();
  if (batch.records.length > 0 || batch.rejects.length > 0) {
    batch.bytesRead = source.bytesRead();
    yield batch;
  }
}
