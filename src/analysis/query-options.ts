/**
 * The options every analysis takes (`--from --to --tz --filter`), parsed once at the edge.
 * A date means the whole local day in `tz`: `--from 2026-10-01 --to 2026-10-31` is October
 * in that zone; an ISO time is that instant (`--to` is exclusive).
 *
 *   parseQueryOptions({ from: '2026-10-01', to: '2026-10-31', tz: 'Europe/Berlin', filter: ['source=google'] })
 *
 * Errors name the options as `spell` writes them (`--from` on the command line, `from` in a query).
 */
import { StintError } from '../core/errors.ts';
import { parseTimestamp } from '../core/timestamp.ts';
import { assertTimeZone, wallTimeToUtcMs } from '../core/zone.ts';
import { CLI_SPELLING, type Spelling } from './catalog/spelling.ts';
import { type Condition, type FilterOp, SESSION_DIMENSIONS, type SessionDimension } from './plans.ts';

export interface QueryOptions {
  /** Sessions starting at or after this instant; undefined: from the first session. */
  readonly fromMs: number | undefined;
  /** Sessions starting before this instant; undefined: through the last session. */
  readonly toMs: number | undefined;
  readonly tz: string;
  readonly filters: readonly Condition[];
}

export interface QueryFlags {
  from?: string | undefined;
  to?: string | undefined;
  tz?: string | undefined;
  filter?: readonly string[] | undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseQueryOptions(flags: QueryFlags, spell: Spelling = CLI_SPELLING): QueryOptions {
  const [from, to] = [spell.name('from'), spell.name('to')];
  const tz = assertTimeZone(flags.tz ?? 'UTC', spell.name('tz'));
  const fromMs = flags.from === undefined ? undefined : instant(flags.from, tz, spell, 'from', false);
  const toMs = flags.to === undefined ? undefined : instant(flags.to, tz, spell, 'to', true);
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `${to} (${flags.to}) is not after ${from} (${flags.from})`,
      `Give ${to} a later date or time than ${from}`,
    );
  }
  return { fromMs, toMs, tz, filters: (flags.filter ?? []).map((f) => parseFilter(f, spell)) };
}

/** A date or ISO time as an instant; a date given to --to means the end of that day. */
function instant(text: string, tz: string, spell: Spelling, param: string, endOfDay: boolean): number {
  const flag = spell.name(param);
  const date = DATE.exec(text.trim());
  const ms = parseTimestamp(text, tz);
  if (ms === undefined || !/^\d{4}-\d{2}-\d{2}/.test(text.trim())) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot read ${flag} "${text}" as a date or time`,
      `Use a date such as 2026-10-01 or an ISO time such as 2026-10-01T12:00:00Z (read in ${spell.name('tz')} ${tz})`,
    );
  }
  if (date === null || !endOfDay) return ms;
  const next = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]) + 1);
  return wallTimeToUtcMs(next, tz);
}

/** dim=value, dim!=value, dim~text; an event property as prop.NAME (letters, digits, _ . -). */
const FILTER = /^([A-Za-z_][A-Za-z0-9_]*|prop\.[A-Za-z0-9_.-]+)\s*(!=|=|~)(.*)$/s;

export function parseFilter(text: string, spell: Spelling = CLI_SPELLING): Condition {
  const flag = spell.name('filter');
  const m = FILTER.exec(text);
  if (m === null) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot read ${flag} "${text}"`,
      `Write dimension=value, dimension!=value or dimension~text, e.g. ${flag} source=google`,
    );
  }
  const name = m[1]!;
  if (name.startsWith('prop.')) {
    return { kind: 'property', name: name.slice(5), op: m[2] as FilterOp, value: m[3]! };
  }
  if (!Object.hasOwn(SESSION_DIMENSIONS, name)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${name}" in ${flag} "${text}"`,
      `Use one of: ${Object.keys(SESSION_DIMENSIONS).join(', ')}, or an event property as prop.NAME`,
    );
  }
  return { kind: 'dimension', dimension: name as SessionDimension, op: m[2] as FilterOp, value: m[3]! };
}
