/**
 * Date ranges: a preset (today, 7d, 30d, 90d) or a custom from–to, as the dates the API reads
 * (`from`/`to` are whole local days in `tz`, `to` included). "Today" is the browser's clock read
 * in the chosen zone.
 *
 *   rangeOf({ period: '7d', tz: 'Europe/Berlin' }, Date.UTC(2026, 9, 10)) // { from: '2026-10-04', to: '2026-10-10' }
 */
export const PRESETS = ['today', '7d', '30d', '90d', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_LABELS: Record<Preset, string> = {
  today: 'Today',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom',
};

const DAYS: Record<Exclude<Preset, 'custom'>, number> = { today: 1, '7d': 7, '30d': 30, '90d': 90 };

/** The local date of an instant in `tz`, as YYYY-MM-DD. */
export function localDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
}

/** `date` moved by `days` (calendar arithmetic, no zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export interface Range {
  readonly from: string;
  readonly to: string;
}

export function rangeOf(
  state: { period: Preset; from?: string | undefined; to?: string | undefined; tz: string },
  nowMs: number,
): Range {
  const today = localDate(nowMs, state.tz);
  if (state.period === 'custom' && state.from !== undefined && state.to !== undefined)
    return state.to < state.from ? { from: state.to, to: state.from } : { from: state.from, to: state.to };
  const days = state.period === 'custom' ? 30 : DAYS[state.period];
  return { from: addDays(today, 1 - days), to: today };
}

/** The number of days a range covers (both ends included). */
export function daysIn(range: Range): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
}

/** The time series bucket for a range: hours for a day or two, days up to half a year, then weeks. */
export function intervalFor(range: Range): 'hour' | 'day' | 'week' {
  const days = daysIn(range);
  return days <= 2 ? 'hour' : days <= 180 ? 'day' : 'week';
}

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
