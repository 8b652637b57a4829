/**
 * Files → validated event columns, with every row accounted for: accepted, duplicate,
 * rejected (by reason, with line numbers to --rejects) or, for access logs, left out by reason.
 * Shared by `stint sessionize` and `stint import`.
 *
 *   const { columns, stats } = await loadEvents(['access.log*'], { normalize, onProgress });
 */

import { type EventColumns, EventColumnsBuilder } from '../core/columns.ts';
import { StintError } from '../core/errors.ts';
import type { StintEvent } from '../core/event.ts';
import { createNormalizer, type NormalizeOptions, type NormalizeResult } from '../core/normalize.ts';
import { clipped } from '../core/printable.ts';
import { allRejected, type RejectExample } from './all-rejected.ts';
import { FILE_ALIASES } from './column-aliases.ts';
import { type ColumnReport, checkColumns, checkMapSources, SAMPLE_ROWS } from './column-guess.ts';
import { type InputOptions, openInput } from './open-input.ts';
import { type FastLoad, type ParquetRows, planParquetFastPath } from './parquet/index.ts';
import { parquetRecordsAt } from './parquet.ts';
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
  normalize: NormalizeOptions;
  /** Read plain Parquet inputs column-wise (default true); false forces the record path. */
  fastPath?: boolean;
  /** Fail (exit 2) once more rows than this are rejected. */
  maxRejects?: number | undefined;
  onReject?: ((row: RejectedRow) => void) | undefined;
  /** Each accepted event, in input order (retries left out); reads every input record by record. */
  onEvent?: ((event: StintEvent) => void) | undefined;
  /**
   * Read one plain Parquet input column-wise even with `onEvent` (which is then not called), and
   * give back its `ParquetRows`, from which a store keeps the events: the import's fast path.
   */
  parquetRows?: boolean | undefined;
  onProgress?: (p: { rows: number; bytesRead: number; file: string }) => void | Promise<void>;
}

export async function loadEvents(
  paths: readonly string[],
  options: LoadOptions,
): Promise<{ columns: EventColumns; stats: LoadStats; rows?: ParquetRows | undefined }> {
  // Files may name fields in the ways of other tools (column-aliases.ts); --map comes first.
  const normalizeOptions: NormalizeOptions = { aliases: FILE_ALIASES, ...options.normalize };
  const normalize = createNormalizer(normalizeOptions);
  let firstReject: RejectExample | undefined;
  let columnReport: ColumnReport | undefined;
  const seenColumns = new Set<string>();
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
    firstReject ??= row;
    options.onReject?.(row);
    if (options.maxRejects !== undefined && stats.rejectedTotal > options.maxRejects) {
      throw new StintError(
        'STINT_TOO_MANY_REJECTS',
        `More than ${options.maxRejects} rows rejected (latest: ${clipped(row.file, 200)}:${row.line}, ${row.reason}: ${clipped(row.detail, 200)})`,
        'Fix the input or its mapping (--map, --input-format), or raise --max-rejects; --rejects FILE lists every rejected row',
      );
    }
  };
  const newFile = (path: string, format: string, notes: string[]): FileStats => {
    const file: FileStats = {
      path,
      format,
      rows: 0,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      leftOut: 0,
      notes,
    };
    stats.files.push(file);
    return file;
  };
  const addUp = (file: FileStats): void => {
    stats.rows += file.rows;
    stats.accepted += file.accepted;
    stats.duplicates += file.duplicates;
  };

  if (options.fastPath !== false && (options.onEvent === undefined || options.parquetRows === true)) {
    const fast = await planParquetFastPath(paths, {
      ...options,
      normalize: normalizeOptions,
      rows: options.parquetRows,
    });
    if (fast !== undefined) {
      try {
        const loaded = await fast.load(options);
        if (loaded !== 'hash_collision') {
          for (const result of loaded.files) {
            const file = newFile(result.path, 'parquet', []);
            Object.assign(file, {
              rows: result.rows,
              accepted: result.accepted,
              duplicates: result.duplicates,
            });
            for (const row of await fastRejects(loaded, result, normalize)) reject(row, file);
            addUp(file);
            stats.bytesRead += result.bytes;
          }
          assertSomeAccepted(paths, stats, firstReject, undefined);
          return { columns: loaded.columns, stats, rows: loaded.rows };
        }
      } finally {
        fast.close();
      }
    }
  }

  const builder = new EventColumnsBuilder(1 << 16);
  let bytesBefore = 0;
  for (const path of paths) {
    const input = await openInput(path, options);
    const file = newFile(path, input.format, input.notes);
    let fileBytes = 0;
    let checked = false;
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
      if (!checked && records.length > 0) {
        // Each file's columns, from its first rows, before any row is validated.
        checked = true;
        const report = checkColumns(
          path,
          records.slice(0, SAMPLE_ROWS),
          normalizeOptions,
          paths.length === 1,
        );
        for (const column of report.columns) seenColumns.add(column);
        columnReport ??= report;
      }
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        file.rows++;
        const result = normalize(record);
        if (!result.ok) {
          const raw = JSON.stringify(record);
          rejected.push({ file: path, line: lines[i]!, reason: result.reason, detail: result.detail, raw });
        } else if (builder.append(result.event)) {
          file.accepted++;
          options.onEvent?.(result.event);
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
    if (file.rows === 0 && file.leftOut > 0) file.notes.push(ALL_LEFT_OUT);
    addUp(file);
  }
  if (paths.length > 1 && seenColumns.size > 0) {
    checkMapSources(paths.join(', '), [...seenColumns], normalizeOptions.map ?? {});
  }
  assertSomeAccepted(paths, stats, firstReject, columnReport);
  return { columns: builder.finish(), stats };
}

/** Said of a log whose every line was left out: not an error, but not what was hoped for either. */
export const ALL_LEFT_OUT =
  'every line was left out as not a page view (assets, non-GET, errors, bots): --keep-all keeps them as "request" events, --keep-bots keeps bots';

/** Rows were read and every one was rejected: an input error, not a run with no sessions. */
function assertSomeAccepted(
  paths: readonly string[],
  stats: LoadStats,
  example: RejectExample | undefined,
  columns: ColumnReport | undefined,
): void {
  if (stats.rejectedTotal > 0 && stats.accepted === 0 && stats.duplicates === 0) {
    throw allRejected(paths, stats.rejected, example, columns);
  }
}

/** The fast path's rejected rows as --rejects shows them: the record, and the normalizer's reason. */
async function fastRejects(
  loaded: FastLoad,
  result: FastLoad['files'][number],
  normalize: (record: Record<string, unknown>) => NormalizeResult,
): Promise<RejectedRow[]> {
  if (result.rejected.length === 0) return [];
  const records = await parquetRecordsAt(
    loaded.connection,
    result.path,
    result.rejected.map((r) => r.line),
  );
  return result.rejected.map(({ line, reason }) => {
    const record = records.get(line) ?? {};
    const checked = normalize(record);
    const why = checked.ok ? { reason, detail: 'rejected' } : checked;
    return { file: result.path, line, reason: why.reason, detail: why.detail, raw: JSON.stringify(record) };
  });
}
