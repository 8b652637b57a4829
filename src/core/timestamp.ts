/**
 * Event time as SESSIONS.md section 1 reads it: ISO-8601 with `Z` or an offset, ISO without
 * offset (UTC unless an input zone is given; a space may replace `T`; a trailing ` UTC`/` GMT`
 * counts as `Z`), or an epoch number (|v| ≥ 1e11 is milliseconds, else seconds).
 *
 *   parseTimestamp('2026-03-08T02:04:08.508-05:00') === Date.UTC(2026, 2, 8, 7, 4, 8, 508)
 */
import { wallTimeToUtcMs } from './zone.ts';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?| ?UTC| ?GMT)?$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const EPOCH_MS_THRESHOLD = 1e11;
/** The furthest from 1970 a time may be (as for a JS Date). */
export const MAX_EPOCH_MS = 8.64e15;

/** Epoch milliseconds, or undefined when the value is not a timestamp. */
export function parseTimestamp(value: unknown, inputZone = 'UTC'): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value === 'bigint') return epochToMs(Number(value));
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const first = text.charCodeAt(0);
  if ((first < 48 || first > 57) && first !== 45 && first !== 43 && first !== 46) return undefined;
  const m = ISO.exec(text);
  if (m !== null) return isoToMs(m, inputZone);
  if (NUMBER.test(text)) return epochToMs(Number(text));
  return undefined;
}

function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const ms = Math.abs(n) >= EPOCH_MS_THRESHOLD ? n : n * 1000;
  const rounded = Math.round(ms);
  return Math.abs(rounded) > MAX_EPOCH_MS ? undefined : rounded;
}

function isoToMs(m: RegExpExecArray, inputZone: string): number | undefined {
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0 || ms > 0))) {
    return undefined;
  }
  // Date.UTC reads years 0–99 as 1900–1999: count those from 400 years later (146,097 days: the
  // Gregorian calendar repeats every 400 years) and step back.
  const early = year < 100 ? 400 : 0;
  const wallMs =
    Date.UTC(year + early, month - 1, day, hour, minute, Math.min(second, 59), ms) -
    early * (146_097 / 400) * 86_400_000;
  const zone = m[8];
  if (zone === undefined) return wallTimeToUtcMs(wallMs, inputZone);
  const z = zone.trim().toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return wallMs;
  const sign = z.startsWith('-') ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const offH = Number(digits.slice(0, 2));
  const offM = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (offH > 23 || offM > 59) return undefined;
  return wallMs - sign * (offH * 60 + offM) * 60_000;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** ISO-8601 UTC with milliseconds, as every writer prints `start` and `end`. */
export function formatTimestamp(tsMs: number): string {
  return new Date(tsMs).toISOString();
}
