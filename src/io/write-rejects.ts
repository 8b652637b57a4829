/**
 * The `--rejects FILE` writer: every line a reader could not use, as CSV with the columns
 * `file,line,reason,detail,raw` (line is the file's own 1-based line number; raw is clipped to 4 KiB).
 * Formulas are neutralized as in every CSV stint writes, unless `text` is `raw` (--raw-csv).
 *
 *   const rejects = createRejectsWriter(openOutput('rejects.csv'));
 *   for (const r of batch.rejects) await rejects.write('events.csv', r);
 *   await rejects.end();
 */
import type { RejectReason } from '../core/reject-reasons.ts';
import type { CsvText } from './csv-safe.ts';
import type { ReadReject } from './record.ts';
import { createCsvWriter } from './write-csv.ts';

export const REJECTS_HEADER = ['file', 'line', 'reason', 'detail', 'raw'] as const;

/** A rejected row, from a reader (ReadReject) or from validation (reason such as `bad_timestamp`). */
export type RejectedLine = Omit<ReadReject, 'reason'> & { reason: RejectReason };

export interface RejectsWriter {
  write(file: string, reject: RejectedLine): Promise<void>;
  end(): Promise<void>;
}

export function createRejectsWriter(out: NodeJS.WritableStream, text: CsvText = 'safe'): RejectsWriter {
  const csv = createCsvWriter(out, REJECTS_HEADER, { text });
  return {
    write: (file, r) => csv.write([file, r.line, r.reason, r.detail ?? '', r.raw]),
    end: () => csv.end(),
  };
}
