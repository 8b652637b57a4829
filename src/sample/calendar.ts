/**
 * The demo's calendar: the local days of the period before `endMs`, their weekdays, and the
 * instant of a local wall-clock time in a visitor's zone (so a visitor in Tokyo browses in
 * Tokyo's evening and on Tokyo's weekend). Pure: the end is passed in, no clock is read.
 *
 *   localDays(endMs, 90)[0] // { index: 0, year, month, day, weekday }  (the oldest day)
 *   instantOf(day, 20 * 60, 'Asia/Tokyo') // epoch ms of 20:00 in Tokyo on that day
 */
import { tzOffset } from '@date-fns/tz';

export const DAY_MS = 86_400_000;

export interface LocalDay {
  /** 0 for the oldest day of the period. */
  readonly index: number;
  readonly year: number;
  /** 0–11, as Date's. */
  readonly month: number;
  readonly day: number;
  /** 0 Sunday … 6 Saturday. */
  readonly weekday: number;
}

/**
 * The calendar dates of the `days` days up to the date of `endMs` (UTC), oldest first, plus the
 * next date: a zone ahead of UTC is already there, and its visits before `endMs` count.
 */
export function localDays(endMs: number, days: number): LocalDay[] {
  const out: LocalDay[] = [];
  for (let i = 0; i <= days; i++) {
    const d = new Date(endMs - (days - 1 - i) * DAY_MS);
    out.push({
      index: i,
      year: d.getUTCFullYear(),
      month: d.getUTCMonth(),
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
    });
  }
  return out;
}

/** The epoch ms of `minuteOfDay` (may pass 1440: the next day) on `day` in `zone`. */
export function instantOf(day: LocalDay, minuteOfDay: number, zone: string): number {
  const wall = Date.UTC(day.year, day.month, day.day) + minuteOfDay * 60_000;
  // The zone's offset at the wall time read as UTC, then again at the instant that gives (a
  // change of offset, at a summer-time switch, is within hours of it).
  const first = wall - offsetMs(zone, wall);
  return wall - offsetMs(zone, first);
}

/** Offsets in minutes by zone, then by hour since the epoch (zones change offset on the hour). */
const offsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in ms. */
function offsetMs(zone: string, atMs: number): number {
  let byHour = offsets.get(zone);
  if (byHour === undefined) offsets.set(zone, (byHour = new Map()));
  const hour = Math.floor(atMs / 3_600_000);
  let minutes = byHour.get(hour);
  if (minutes === undefined) {
    minutes = tzOffset(zone, new Date(hour * 3_600_000));
    if (byHour.size > 20_000) byHour.clear();
    byHour.set(hour, minutes);
  }
  return minutes * 60_000;
}

/** The weekday (0 Sunday) and hour of an instant in a zone: what a visitor's wall clock showed. */
export function wallClockOf(atMs: number, zone: string): { weekday: number; hour: number } {
  const local = new Date(atMs + offsetMs(zone, atMs));
  return { weekday: local.getUTCDay(), hour: local.getUTCHours() };
}
