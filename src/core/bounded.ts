/**
 * Values that are a choice from a list or a whole number within bounds, read the same way by
 * every front end: a bad one is a usage error naming the parameter as its caller spells it
 * (`--limit` on the command line, `limit` in a query string), with the valid values as the hint.
 *
 *   oneOf('week', ['day', 'week'], '--interval')                          // 'week'
 *   wholeNumber(' 10 ', '--limit', { min: 1, max: 100_000, example: 10 }) // 10
 *   wholeNumber('1e3', '--limit', { min: 1, max: 100_000, example: 10 }) // STINT_BAD_FLAG: digits only
 */
import { StintError } from './errors.ts';

export function oneOf<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new StintError('STINT_BAD_FLAG', `Unknown ${flag} "${value}"`, `Use one of: ${choices.join(', ')}`);
  }
  return value as T;
}

/** What a whole-number value accepts; `max` keeps it far from where numbers stop being exact. */
export interface WholeNumberBounds {
  readonly min: number;
  readonly max: number;
  /** Shown in the hint. */
  readonly example: number;
}

/**
 * A whole number in decimal digits (spaces around it allowed), from `min` to `max`. The hint's
 * example is written as the caller's front end writes one (`--limit 10`, `limit=10`).
 */
export function wholeNumber(
  text: string | undefined,
  flag: string,
  { min, max, example }: WholeNumberBounds,
  exampleOf: (value: number) => string = (value) => `${flag} ${value}`,
): number {
  const n = decimalDigits(text);
  if (!(n >= min && n <= max)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `${flag} needs a whole number from ${min} to ${max}, got "${text}"`,
      `Write digits only, at most ${max}: for example ${exampleOf(example)}`,
    );
  }
  return n;
}

/**
 * A number written in decimal digits only, with spaces around it allowed; NaN for anything else
 * (Number() would also read '0x10', '1e3', '5.0' and '' as numbers).
 */
export function decimalDigits(text: string | undefined): number {
  const digits = text?.trim() ?? '';
  return /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}
