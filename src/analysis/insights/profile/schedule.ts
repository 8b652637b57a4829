/**
 * When one person is active, in local time: their session starts by hour and ISO weekday, the
 * circular mean and spread of the start hour, and the best hour to reach them (the hour with the
 * most starts, its share with a Wilson 95 % interval, and whether it clearly beats the runner-up:
 * their intervals do not overlap).
 *
 *   scheduleOf([{ startMs, zone: 'Asia/Tokyo' }, …]) // { usual_hour: 8.4, best_hour: { hour: 8, … }, … }
 */
import { zoneOffsetMs } from '../../../core/zone.ts';
import { circularSummary } from '../stats/circular.ts';
import { wilsonInterval } from '../stats/wilson.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface Start {
  readonly startMs: number;
  /** The zone the start is read in (already resolved: the session's own, else a fallback). */
  readonly zone: string;
}

export interface BestHour {
  /** The local hour, 0-23, with the most session starts (the earliest of a tie). */
  readonly hour: number;
  readonly sessions: number;
  /** Its share of all starts, with the Wilson 95 % interval. */
  readonly share: number;
  readonly low: number;
  readonly high: number;
  /** The next busiest hour; null when every start is in one hour. */
  readonly runner_up: { readonly hour: number; readonly sessions: number; readonly share: number } | null;
  /**
   * True when the two hours' Wilson intervals do not overlap (the best one's low end is above
   * the runner-up's high end), or, with no runner-up, from 3 starts on.
   */
  readonly clear: boolean;
}

export interface Schedule {
  /** Session starts per local hour 0-23. */
  readonly hours: number[];
  /** Per ISO weekday, Monday first. */
  readonly weekdays: number[];
  /** grid[weekday - 1][hour]. */
  readonly grid: number[][];
  /** The circular mean of the start hours (fractional: 8.5 is 08:30); null with none. */
  readonly usual_hour: number | null;
  /** The circular standard deviation of the start hours, in hours. */
  readonly hour_spread: number | null;
  /** 0 (spread evenly round the clock) to 1 (always the same minute). */
  readonly hour_concentration: number;
  /** ISO weekdays (1 = Monday) with at least USUAL_DAY_SHARE of the starts, in order. */
  readonly usual_weekdays: number[];
  readonly best_hour: BestHour | null;
}

/** A weekday is usual when it has at least this share of starts (one in seven is even). */
export const USUAL_DAY_SHARE = 0.1;

/** The local wall-clock time of an instant: fractional hour and ISO weekday (1 Monday … 7). */
export function localTime(ms: number, zone: string): { hour: number; weekday: number } {
  const wall = ms + zoneOffsetMs(zone, ms);
  const day = Math.floor(wall / DAY_MS);
  // 1970-01-01 (day 0) was a Thursday, ISO weekday 4.
  return { hour: (wall - day * DAY_MS) / HOUR_MS, weekday: ((((day + 3) % 7) + 7) % 7) + 1 };
}

export function scheduleOf(starts: readonly Start[]): Schedule {
  const hours = Array<number>(24).fill(0);
  const weekdays = Array<number>(7).fill(0);
  const grid = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  const fractional: number[] = [];
  for (const s of starts) {
    const { hour, weekday } = localTime(s.startMs, s.zone);
    const h = Math.floor(hour);
    hours[h]! += 1;
    weekdays[weekday - 1]! += 1;
    grid[weekday - 1]![h]! += 1;
    fractional.push(hour);
  }
  const circ = circularSummary(fractional);
  const n = starts.length;
  return {
    hours,
    weekdays,
    grid,
    usual_hour: circ.mean,
    hour_spread: circ.spread,
    hour_concentration: circ.resultant,
    usual_weekdays: weekdays.flatMap((c, i) => (n > 0 && c / n >= USUAL_DAY_SHARE ? [i + 1] : [])),
    best_hour: bestHour(hours),
  };
}

/** The busiest hour of a 24-hour histogram, with how sure it is; null with no starts. */
export function bestHour(hours: readonly number[]): BestHour | null {
  const n = hours.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  const ranked = hours
    .map((sessions, hour) => ({ hour, sessions }))
    .sort((a, b) => b.sessions - a.sessions || a.hour - b.hour);
  const top = ranked[0]!;
  const second = ranked[1]!.sessions > 0 ? ranked[1]! : null;
  const interval = wilsonInterval(top.sessions, n)!;
  const runnerUp = second === null ? null : { ...second, share: second.sessions / n };
  const runnerHigh = second === null ? 0 : wilsonInterval(second.sessions, n)!.high;
  return {
    hour: top.hour,
    sessions: top.sessions,
    share: interval.estimate,
    low: interval.low,
    high: interval.high,
    runner_up: runnerUp,
    clear: runnerUp === null ? n >= 3 : interval.low > runnerHigh,
  };
}
