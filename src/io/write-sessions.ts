/**
 * Sessions out as CSV (header, then exactly the fields of SESSIONS.md section 4 in order),
 * NDJSON (one object per session, same keys and order) or Parquet (typed columns, start/end
 * as TIMESTAMP_MS). `-` means stdout for the text formats.
 *
 *   await writeSessions(sessions, { path: 'sessions.csv', format: 'csv' });
 */
import { createWriteStream } from 'node:fs';
import { StintError } from '../core/errors.ts';
import type { Session } from '../core/session.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import { SESSION_FIELDS, SESSION_SPECS, toSessionRecord, toSessionRow } from '../schema/sessions.ts';
import type { CsvText } from './csv-safe.ts';
import { createCsvWriter } from './write-csv.ts';
import { createNdjsonWriter } from './write-ndjson.ts';
import { type ParquetColumn, writeParquet } from './write-parquet.ts';
import { writeSessionParquet } from './write-session-parquet.ts';

export type OutputFormat = 'csv' | 'ndjson' | 'parquet';

/** Where sessions go; `csvText: 'raw'` (--raw-csv) leaves formula-like text as it is. */
export interface SessionsTarget {
  path: string;
  format: OutputFormat;
  csvText?: CsvText;
}
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'ndjson', 'parquet'];

/** Each session field type's Parquet column type (start/end as TIMESTAMP_MS). */
const PARQUET_TYPE: Readonly<Record<(typeof SESSION_SPECS)[number]['type'], ParquetColumn['type']>> = {
  text: 'VARCHAR',
  time: 'TIMESTAMP_MS',
  double: 'DOUBLE',
  count: 'BIGINT',
  bool: 'BOOLEAN',
};
const PARQUET_COLUMNS: ParquetColumn[] = SESSION_SPECS.map((f) => ({
  name: f.name,
  type: PARQUET_TYPE[f.type],
}));

/** The output format a path implies, if its extension names one. */
export function formatOfPath(path: string): OutputFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** Fails fast on a target that cannot work, before any input is read. */
export function checkOutput(target: { path: string; format: OutputFormat }): void {
  if (target.format === 'parquet' && target.path === '-') {
    throw new StintError(
      'STINT_BAD_FLAG',
      'Parquet cannot be written to stdout',
      'Give a file: -o sessions.parquet',
    );
  }
}

const PARQUET_BATCH_ROWS = 4096;

/** Parquet rows in batches, start/end as epoch ms for the TIMESTAMP_MS columns. */
async function* parquetRows(sessions: Iterable<Session>): AsyncGenerator<unknown[][]> {
  let batch: unknown[][] = [];
  for (const s of sessions) {
    const row: unknown[] = toSessionRow(s);
    row[4] = s.startMs;
    row[5] = s.endMs;
    batch.push(row);
    if (batch.length === PARQUET_BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Writes sessions as they come from the iterable, so they need not all be in memory at once. */
export async function writeSessions(sessions: Iterable<Session>, target: SessionsTarget): Promise<void> {
  checkOutput(target);
  if (target.format === 'parquet') {
    await writeParquet(target.path, PARQUET_COLUMNS, parquetRows(sessions));
    return;
  }
  const out = target.path === '-' ? process.stdout : createWriteStream(target.path);
  if (target.format === 'csv') {
    const writer = createCsvWriter(out, [...SESSION_FIELDS], { text: target.csvText ?? 'safe' });
    for (const s of sessions) await writer.write(toSessionRow(s));
    await writer.end();
  } else {
    const writer = createNdjsonWriter(out);
    for (const s of sessions) await writer.write(toSessionRecord(s));
    await writer.end();
  }
}

/** The batch driver's sessions: Parquet column-wise (no object per session), text formats streamed. */
export async function writeSessionColumns(sessions: SessionColumns, target: SessionsTarget): Promise<void> {
  checkOutput(target);
  if (target.format === 'parquet') await writeSessionParquet(sessions, target.path);
  else await writeSessions(sessions.sessions(), target);
}
