/**
 * What every reader yields: raw records (field name → value, before validation) in batches,
 * with the lines it could not read and the lines it left out, each counted, never lost.
 *
 *   for await (const batch of readCsv(path)) for (const [i, rec] of batch.records.entries()) …
 */

import type { ReadRejectReason } from '../core/reject-reasons.ts';

/** One input row as read: keys are the file's own column names (or canonical names for logs). */
export type RawRecord = Record<string, unknown>;

export type { ReadRejectReason };

/** A line the reader could not read; `line` is the file's own 1-based line number (a CSV header is line 1). */
export interface ReadReject {
  line: number;
  reason: ReadRejectReason;
  /** The raw text of the row (truncated to 4 KiB), for --rejects. */
  raw: string;
  detail?: string;
}

/** Why an access-log line was left out of the sessions (valid line, but not a pageview). */
export type LeftOutReason = 'asset' | 'method' | 'status' | 'bot';

export interface ReadBatch {
  records: RawRecord[];
  /** `lines[i]` is the 1-based line number of `records[i]` in its file (element index + 1 for JSON arrays). */
  lines: number[];
  rejects: ReadReject[];
  /** Access logs only: lines left out, by reason. */
  leftOut: Partial<Record<LeftOutReason, number>>;
  /** Bytes of the (compressed) file consumed so far, for progress. */
  bytesRead: number;
}

export function emptyBatch(bytesRead: number): ReadBatch {
  return { records: [], lines: [], rejects: [], leftOut: {}, bytesRead };
}

/** Cut a raw row for storing in a rejects file. */
export function clipRaw(raw: string): string {
  return raw.length > 4096 ? `${raw.slice(0, 4096)}…` : raw;
}
