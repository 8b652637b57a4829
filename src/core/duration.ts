/**
 * Durations as people write them: `90s`, `30m`, `1h30m`, `24h`, `500ms`, `2d`.
 *
 *   parseDuration('1h30m') === 5_400_000
 */
import { StintError } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

export function parseDuration(text: string, flag = 'duration'): number {
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
