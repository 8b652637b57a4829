/**
 * A run in which every row was rejected is an input error (exit 2), never a quiet success with
 * no sessions: the error names the top reason, an example row, and what to do about it.
 *
 *   allRejected(['odd.csv'], { bad_timestamp: 40 }, firstRow, report)
 *   // STINT_ALL_REJECTED: every one of the 40 rows of odd.csv was rejected: bad_timestamp (40) …
 */

import { StintError } from '../core/errors.ts';
import { clipped } from '../core/printable.ts';
import { type ColumnReport, describe, suggestion } from './column-guess.ts';

export interface RejectExample {
  readonly file: string;
  readonly line: number;
  readonly detail: string;
}

export function allRejected(
  paths: readonly string[],
  rejected: Readonly<Record<string, number>>,
  example: RejectExample | undefined,
  columns: ColumnReport | undefined,
): StintError {
  const byCount = Object.entries(rejected).sort((a, b) => b[1] - a[1]);
  const total = byCount.reduce((n, [, c]) => n + c, 0);
  const top = byCount[0]?.[0] ?? 'unknown';
  const reasons = byCount.map(([r, c]) => `${r} (${c.toLocaleString('en-US')})`).join(', ');
  const first =
    example === undefined
      ? ''
      : `; first: ${clipped(example.file, 200)}:${example.line}: ${clipped(example.detail, 160)}`;
  const lines = [
    `every one of the ${total.toLocaleString('en-US')} rows of ${paths.join(', ')} was rejected: ${reasons}${first}`,
  ];
  if ((top === 'bad_timestamp' || top === 'no_identity') && columns !== undefined)
    lines.push(describe(columns));
  return new StintError('STINT_ALL_REJECTED', lines.join('\n'), hintFor(top, columns));
}

function hintFor(reason: string, columns: ColumnReport | undefined): string {
  const rejects = '--rejects FILE lists every rejected row with its reason';
  switch (reason) {
    case 'bad_timestamp':
      return columns === undefined
        ? `Name the timestamp column with --map timestamp=COLUMN; ${rejects}`
        : `${suggestion(columns, true, false).replace(/\.$/, '')}, or name the timestamp column yourself; ${rejects}`;
    case 'no_identity':
      return columns === undefined
        ? `Name the id column with --map anonymous_id=COLUMN; ${rejects}`
        : `${suggestion(columns, false, true)}; ${rejects}`;
    case 'invalid_utf8':
      return `stint reads UTF-8: convert the file first (iconv -f LATIN1 -t UTF-8, or the file's own encoding); ${rejects}`;
    case 'broken_quoting':
    case 'invalid_json':
    case 'not_an_object':
    case 'unparseable':
      return `Check that the file is in the format detected (--input-format overrides it); ${rejects}`;
    default:
      return `Fix the input or its mapping (--map); ${rejects}`;
  }
}
