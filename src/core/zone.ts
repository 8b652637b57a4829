/**
 * Time zone math for the midnight rule and local-time input: offsets come from @date-fns/tz
 * (which reads the platform's IANA database); this file only caches them per quarter hour.
 *
 *   localDayNumber(Date.UTC(2026, 2, 8, 4), 'America/New_York') // day of 2026-03-07 local
 */
import { tzOffset } from '@date-fns/tz';
import { StintError } from './errors.ts';

const QUARTER_HOUR_MS = 900_000;
const DAY_MS = 86_400_000;
const offsetCaches = new Map<string, Map<number, number>>();
const validZones = new Set<string>(['UTC']);

export function assertTimeZone(zone: string, flag = '--timezone'): string {
  if (validZones.has(zone)) return zone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new StintError(
      'STINT_BAD_TIMEZONE',
      `Unknown time zone "${zone}" for ${flag}`,
      'Use an IANA name such as UTC, Europe/Berlin or America/New_York',
    );
  }
  validZones.add(zone);
  return zone;
}

export function isTimeZone(zone: string): boolean {
  try {
    assertTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `zone` from UTC at instant `tsMs`, in milliseconds (east positive). */
export function zoneOffsetMs(zone: string, tsMs: number): number {
  if (zone === 'UTC') return 0;
  let cache = offsetCaches.get(zone);
  if (cache === undefined) {
    cache = new Map();
    offsetCaches.set(zone, cache);
  }
  const bucket = Math.floor(tsMs / QUARTER_HOUR_MS);
  let offset = cache.get(bucket);
  if (offset === undefined) {
    offset = tzOffset(zone, new Date(bucket * QUARTER_HOUR_MS)) * 60_000;
    cache.set(bucket, offset);
  }
  return offset;
}

/** Days since 1970-01-01 of the local calendar date of `tsMs` in `zone`. */
export function localDayNumber(tsMs: number, zone: string): number {
  return Math.floor((tsMs + zoneOffsetMs(zone, tsMs)) / DAY_MS);
}

/**
 * The UTC instant of a wall-clock time in `zone` (wall time given as if it were UTC ms).
 * In a DST gap the time is read with the offset before the gap; in an overlap, the earlier one.
 */
export function wallTimeToUtcMs(wallMs: number, zone: string): number {
  if (zone === 'UTC') return wallMs;
  const first = wallMs - zoneOffsetMs(zone, wallMs);
  const second = wallMs - zoneOffsetMs(zone, first);
  if (second === first) return first;
  // The two offsets differ: an overlap or a gap around a transition.
  const earlier = Math.min(first, second);
  return earlier + zoneOffsetMs(zone, earlier) === wallMs ? earlier : Math.max(first, second);
}
