/**
 * Files → validated event columns, with every row accounted for: accepted, duplicate,
 * rejected (by reason, with line numbers to --rejects) or, for access logs, left out by reason.
 * Shared by `stint sessionize` and `stint import`.
 *
 *   const { columns, stats } = await loadEvents(['access.log*'], { normalize, onProgress });
 */
import { type EventColumns, EventColumnsBuilder } from '../core/columns.ts';
import { StintError } from '../core/errors.ts';
import type { EventInput } from '../core/event.ts';
import type { NormalizeResult } from '../core/normalize.ts';
import { type InputOptions, openInput } from './open-input.ts';
import type { LeftOutReason } from './record.ts';
import type { RejectedLine } from './write-rejects.ts';

/** A rejected row with the file it came from, as --rejects writes it. */
export type RejectedRow = RejectedLine & { file: string; detail: string };

export interface FileStats {
  path: string;
  format: string;
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  leftOut: number;
  notes: string[];
}

export interface LoadStats {
  files: FileStats[];
  /** Rows that reached validation or failed reading: accepted + duplicates + rejected. */
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: Record<string, number>;
  rejectedTotal: number;
  leftOut: Partial<Record<LeftOutReason, number>>;
  leftOutTotal: number;
  bytesRead: number;
}

export interface LoadOptions extends InputOptions {
  normalize: (record: EventInput) => NormalizeResult;
  /** Fail (exit 2) once more rows than this are rejected. */
  maxRejects?: number | undefined;
  onReject?: ((row: RejectedRow) => void) | undefined;
  onProgress?: (p: { rows: number; bytesRead: number; file: string }) => void | Promise<void>;
  builder?: EventColumnsBuilder;
}

export async function loadEvents(
  paths: readonly string[],
  options: LoadOptions,
): Promise<{ columns: EventColumns; stats: LoadStats }> {
  const builder = options.builder ?? new EventColumnsBuilder(1 << 16);
  const stats: LoadStats = {
    files: [],
    rows: 0,
    accepted: 0,
    duplicates: 0,
    rejected: {},
    rejectedTotal: 0,
    leftOut: {},
    leftOutTotal: 0,
    bytesRead: 0,
  };
  const reject = (row: RejectedRow, file: FileStats): void => {
    stats.rejected[row.reason] = (stats.rejected[row.reason] ?? 0) + 1;
    stats.rejectedTotal++;
    file.rejected++;
    options.onReject?.(row);
    if (options.maxRejects !== undefined && stats.rejectedTotal > options.maxRejects) {
      throw new StintError(
        'STINT_TOO_MANY_REJECTS',
        `More than ${options.maxRejects} rows rejected (latest: ${row.file}:${row.line}, ${row.reason}: ${row.detail})`,
        'Fix the input or its mapping (--map, --input-format), or raise --max-rejects; --rejects FILE lists every rejected row',
      );
    }
  };
  let bytesBefore = 0;
  for (const path of paths) {
    const input = await openInput(path, options);
    const file: FileStats = {
      path,
      format: input.format,
      rows: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      leftOut: 0,
      notes: input.notes,
    };
    stats.files.push(file);
    let fileBytes = 0;
    for await (const batch of input.batches) {
      // Rejects of one batch are reported in line order, whichever stage rejected them.
      const rejected: RejectedRow[] = batch.rejects.map((r) => ({
        file: path,
        line: r.line,
        reason: r.reason,
        detail: r.detail ?? '',
        raw: r.raw,
      }));
      file.rows += batch.rejects.length;
      for (const [reason, n] of Object.entries(batch.leftOut) as [LeftOutReason, number][]) {
        stats.leftOut[reason] = (stats.leftOut[reason] ?? 0) + n;
        stats.leftOutTotal += n;
        file.leftOut += n;
      }
      const { records, lines } = batch;
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        file.rows++;
        const result = options.normalize(record);
        if (!result.ok) {
          const raw = JSON.stringify(record);
          rejected.push({ file: path, line: lines[i]!, reason: result.reason, detail: result.detail, raw });
        } else if (builder.append(result.event)) {
          file.accepted++;
        } else {
          file.duplicates++;
        }
      }
      if (rejected.length > 0) {
        rejected.sort((a, b) => a.line - b.line);
        for (const row of rejected) reject(row, file);
      }
      fileBytes = batch.bytesRead;
      stats.bytesRead = bytesBefore + fileBytes;
      await options.onProgress?.({ rows: stats.rows + file.rows, bytesRead: stats.bytesRead, file: path });
    }
    bytesBefore += fileBytes;
    stats.rows += file.rows;
    stats.accepted += file.accepted;
    stats.duplicates += file.duplicates;
  }
  return { columns: builder.finish(), stats };
}
