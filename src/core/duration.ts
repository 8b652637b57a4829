/**
 * Durations as people write them: `90s`, `30m`, `1h30m`, `24h`, `500ms`, `2d`, at most 100 years.
 *
 *   parseDuration('1h30m') === 5_400_000
 *   parseDuration('36501d') // STINT_BAD_DURATION: longer than 36500d
 */
import { StintError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * The longest duration read: 100 years. A time plus or minus it stays an exact integer of
 * milliseconds (far inside 2^53, and so inside SQL's int64), whatever the store does with it.
 */
export const MAX_DURATION_MS = 36_500 * 86_400_000;

/** `maxMs` lowers the bound for a setting that cannot use 100 years (a timer, say). */
export function parseDuration(text: string, flag = 'duration', maxMs = MAX_DURATION_MS): number {
  const trimmed = text.trim().toLowerCase();
  let totalMs = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(trimmed); m !== null; m = PART.exec(trimmed)) {
    totalMs += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  if (trimmed === '' || consumed !== trimmed.length) {
    throw new StintError(
      'STINT_BAD_DURATION',
      `Cannot read ${flag} "${text}"`,
      'Write a number with a unit (ms, s, m, h, d), alone or combined: 90s, 30m, 1h30m, 24h',
    );
  }
  if (!(totalMs <= maxMs)) {
    throw new StintError(
      'STINT_BAD_DURATION',
      `${flag} "${text}" is too long: at most ${formatDuration(maxMs)}`,
      `Give ${flag} a duration of at most ${formatDuration(maxMs)}`,
    );
  }
  return Math.round(totalMs);
}

/** `1h30m` style text for a duration, for summaries and docs. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
