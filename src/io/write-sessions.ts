/**
 * Sessions out as CSV (header, then exactly the fields of SESSIONS.md section 4 in order),
 * NDJSON (one object per session, same keys and order) or Parquet (typed columns, start/end
 * as TIMESTAMP_MS). `-` means stdout for the text formats.
 *
 *   await writeSessions(sessions, { path: 'sessions.csv', format: 'csv' });
 */
import { createWriteStream } from 'node:fs';
import { StintError } from '../core/errors.ts';
import { SESSION_FIELDS, type Session, toSessionRow } from '../core/session.ts';
import { createCsvWriter } from './write-csv.ts';
import { createNdjsonWriter } from './write-ndjson.ts';
import type { ParquetColumn } from './write-parquet.ts';
import { writeParquet } from './write-parquet.ts';

export type OutputFormat = 'csv' | 'ndjson' | 'parquet';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'ndjson', 'parquet'];

const PARQUET_COLUMNS: ParquetColumn[] = SESSION_FIELDS.map((name) => ({
  name,
  type:
    name === 'start' || name === 'end'
      ? 'TIMESTAMP_MS'
      : name === 'duration_s' || name === 'value'
        ? 'DOUBLE'
        : name === 'events' || name === 'pageviews' || name === 'conversions'
          ? 'BIGINT'
          : name === 'bounce' || name === 'engaged'
            ? 'BOOLEAN'
            : 'VARCHAR',
}));

/** The output format a path implies, if its extension names one. */
export function formatOfPath(path: string): OutputFormat | undefined {
  const lower = path.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

export async function writeSessions(
  sessions: readonly Session[],
  target: { path: string; format: OutputFormat },
): Promise<void> {
  if (target.format === 'parquet') {
    if (target.path === '-') {
      throw new StintError(
        'STINT_BAD_FLAG',
        'Parquet cannot be written to stdout',
        'Give a file: -o sessions.parquet',
      );
    }
    const rows = sessions.map((s) => {
      const row = toSessionRow(s);
      row[4] = s.startMs;
      row[5] = s.endMs;
      return row;
    });
    await writeParquet(target.path, PARQUET_COLUMNS, rows);
    return;
  }
  const out = target.path === '-' ? process.stdout : createWriteStream(target.path);
  if (target.format === 'csv') {
    const writer = createCsvWriter(out, [...SESSION_FIELDS]);
    for (const s of sessions) await writer.write(toSessionRow(s));
    await writer.end();
  } else {
    const writer = createNdjsonWriter(out);
    for (const s of sessions) {
      const row = toSessionRow(s);
      await writer.write(Object.fromEntries(SESSION_FIELDS.map((f, i) => [f, row[i]])));
    }
    await writer.end();
  }
}
