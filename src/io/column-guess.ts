/**
 * Checks a file's columns against the fields stint needs, from its first rows, before any row is
 * validated: a `--map` naming a column the file lacks is a usage error (exit 1), and a file with
 * no timestamp or no identity column is an input error (exit 2) that lists the columns, says
 * which look like times and which like ids (from their values), and gives the `--map` that fits.
 *
 *   checkColumns('odd.csv', firstRecords, { aliases: FILE_ALIASES })
 *   // STINT_UNMAPPED_COLUMNS: odd.csv has no timestamp or identity column …
 *   //   hint: add --map timestamp=seen,anonymous_id=who
 */

import { StintError } from '../core/errors.ts';
import { type NormalizeOptions, planKeys } from '../core/normalize.ts';
import { clipped } from '../core/printable.ts';
import { parseTimestamp } from '../core/timestamp.ts';
import type { RawRecord } from './record.ts';

/** How many of a file's first rows are looked at. */
export const SAMPLE_ROWS = 100;

/** What the first rows say about a file's columns. */
export interface ColumnReport {
  readonly columns: readonly string[];
  /** Columns (or "date time" pairs) whose values read as times, best first, each with an example. */
  readonly times: readonly Candidate[];
  /** Columns whose values look like visitor or user ids, best first. */
  readonly ids: readonly Candidate[];
}

export interface Candidate {
  readonly source: string;
  readonly example: string;
}

/** 1990-01-01 to 2100-01-01: a number outside is a count or an id, not an epoch time. */
const PLAUSIBLE_MS: readonly [number, number] = [631_152_000_000, 4_102_444_800_000];
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const TIME_OF_DAY = /^\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?$/;
/** Names that say "who": preferred among id-like columns. */
const WHO = /session|user|visitor|client|device|cookie|customer|member|account|uid|ip|host|who|person/i;

/**
 * Throws when `map` names a missing column, or when no column gives a timestamp or an identity;
 * else returns what the sample says, for a later "every row rejected" error.
 */
export function checkColumns(
  path: string,
  sample: readonly RawRecord[],
  options: NormalizeOptions,
  /** False when other files of the run may hold the `--map` sources (see `checkMapSources`). */
  checkMap = true,
): ColumnReport {
  const columns = unionOfKeys(sample);
  if (checkMap) checkMapSources(path, columns, options.map ?? {});
  const plan = planKeys(columns, options);
  const needTime = plan.fields.timestamp === undefined;
  const needId = plan.fields.anonymous_id === undefined && plan.fields.user_id === undefined;
  const report = describeColumns(
    columns,
    sample,
    new Set(columns.filter((c) => !plan.propertyKeys.includes(c))),
  );
  if (!needTime && !needId) return report;
  const missing =
    needTime && needId ? 'a timestamp or an identity' : needTime ? 'a timestamp' : 'an identity';
  throw new StintError(
    'STINT_UNMAPPED_COLUMNS',
    `${path}: no column gives ${missing} (stint looks for ${needTime ? 'timestamp' : ''}${needTime && needId ? ', ' : ''}${needId ? 'anonymous_id or user_id' : ''} and the names in docs/store.md#columns)\n${describe(report)}`,
    suggestion(report, needTime, needId),
  );
}

/** The lines that list a file's columns and what they look like. */
export function describe(report: ColumnReport): string {
  const list = (cs: readonly Candidate[]): string =>
    cs.length === 0
      ? '(none)'
      : cs.map((c) => `${shown(c.source)} (e.g. ${JSON.stringify(shown(c.example))})`).join(', ');
  return [
    `  columns found: ${report.columns.map(shown).join(', ')}`,
    `  look like times: ${list(report.times)}`,
    `  look like ids: ${list(report.ids)}`,
  ].join('\n');
}

/** The `--map` that gives the missing fields from the best candidates, or what to do without one. */
export function suggestion(report: ColumnReport, needTime: boolean, needId: boolean): string {
  const time = report.times[0];
  const id = report.ids.find((c) => c.source !== time?.source);
  if ((needTime && time === undefined) || (needId && id === undefined)) {
    const lacking = needTime && time === undefined ? 'a time (ISO-8601, or epoch seconds or ms)' : 'an id';
    return `No column looks like ${lacking}; name the columns with --map timestamp=COLUMN,anonymous_id=COLUMN`;
  }
  const pairs = [
    ...(needTime && time !== undefined ? [`timestamp=${time.source}`] : []),
    ...(needId && id !== undefined ? [`anonymous_id=${id.source}`] : []),
  ];
  return `Add ${mapFlag(pairs.join(','))} (the columns' names are kept as given; check them)`;
}

/** `--map a=b`, quoted for a POSIX shell when it needs to be. */
export function mapFlag(value: string): string {
  if (/^[\w=,.@:/+-]+$/.test(value)) return `--map ${value}`;
  return `--map '${shown(value).replaceAll("'", `'\\''`)}'`;
}

/**
 * A `--map` source that is not a column is a usage error. `where` names the file, or the files
 * of a run whose files differ (each source must then be a column of one of them).
 */
export function checkMapSources(
  path: string,
  columns: readonly string[],
  map: Readonly<Partial<Record<string, string>>>,
): void {
  const have = new Set(columns.map((c) => c.toLowerCase()));
  for (const [target, source] of Object.entries(map)) {
    if (source === undefined || have.has(source.toLowerCase())) continue;
    const parts = source.trim().split(/\s+/);
    if (target === 'timestamp' && parts.length === 2 && parts.every((p) => have.has(p.toLowerCase())))
      continue;
    throw new StintError(
      'STINT_BAD_MAP',
      `--map ${shown(target)}=${shown(source)}: ${path} has no column "${shown(source)}"`,
      `Its columns are: ${columns.map(shown).join(', ')}${target === 'timestamp' ? ' (a date and a time in two columns: --map "timestamp=DATE TIME")' : ''}`,
    );
  }
}

function unionOfKeys(sample: readonly RawRecord[]): string[] {
  const keys = new Set<string>();
  for (const record of sample) for (const key of Object.keys(record)) keys.add(key);
  return [...keys];
}

/** Each column's values, classified; `taken` columns (url, event…) are not offered as ids. */
function describeColumns(
  columns: readonly string[],
  sample: readonly RawRecord[],
  taken: ReadonlySet<string>,
): ColumnReport {
  const times: (Candidate & { rank: number })[] = [];
  const ids: (Candidate & { rank: number })[] = [];
  const dates: Candidate[] = [];
  const clocks: Candidate[] = [];
  for (const column of columns) {
    const values = sample.map((r) => r[column]).filter((v) => v !== undefined && v !== null && v !== '');
    if (values.length === 0) continue;
    const texts = values.map((v) =>
      v instanceof Date ? v.toISOString() : typeof v === 'object' ? '' : String(v).trim(),
    );
    const example = texts[0]!;
    const share = (test: (text: string, value: unknown) => boolean): number =>
      values.filter((v, i) => test(texts[i]!, v)).length / values.length;
    if (share((t) => DATE_ONLY.test(t)) >= 0.9) dates.push({ source: column, example });
    if (share((t) => TIME_OF_DAY.test(t)) >= 0.9) {
      clocks.push({ source: column, example });
      continue;
    }
    if (share((_, v) => looksLikeTime(v)) >= 0.9) {
      times.push({ source: column, example, rank: DATE_ONLY.test(example) ? 1 : 0 });
      continue;
    }
    const distinct = new Set(texts).size;
    const idLike = texts.every(
      (t) => t !== '' && t.length <= 128 && !/\s|:\/\/|^\//.test(t) && !/^-?\d*\.\d+$/.test(t),
    );
    const placeholder = distinct === 1 && /^(-|0|null|na|n\/a|none|unknown)$/i.test(example);
    if (idLike && !placeholder && !taken.has(column)) {
      // Ids repeat (a visitor has several events) but are not all one value.
      const repeats = distinct < values.length;
      const rank = (WHO.test(column) ? 0 : 2) + (repeats && distinct > 1 ? 0 : 1);
      ids.push({ source: column, example, rank });
    }
  }
  // A date column and a time-of-day column read together beat the date alone.
  if (dates[0] !== undefined && clocks[0] !== undefined) {
    times.push({
      source: `${dates[0].source} ${clocks[0].source}`,
      example: `${dates[0].example} ${clocks[0].example}`,
      rank: 0.5,
    });
  }
  const best = <T extends Candidate & { rank: number }>(cs: T[]): Candidate[] =>
    cs.sort((a, b) => a.rank - b.rank).map(({ source, example }) => ({ source, example }));
  return { columns, times: best(times), ids: best(ids) };
}

function looksLikeTime(value: unknown): boolean {
  const ms = value instanceof Date ? value.getTime() : parseTimestamp(value);
  return ms !== undefined && ms >= PLAUSIBLE_MS[0] && ms < PLAUSIBLE_MS[1];
}

/** File text safe to print on a terminal, cut at 60. */
const shown = (text: string): string => clipped(text, 60);
