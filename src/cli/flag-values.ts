/**
 * Flag values that are a choice from a list or a whole number, read the same way by every
 * command: a bad one is a usage error naming the flag, with the valid values as the hint.
 *
 *   oneOf('week', ['day', 'week'], '--interval') // 'week'
 *   wholeNumber('10', '--limit', 1)               // 10
 */
import { StintError } from '../core/errors.ts';
import { INPUT_FORMATS, type InputFormatName } from '../io/open-input.ts';

export function oneOf<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new StintError('STINT_BAD_FLAG', `Unknown ${flag} "${value}"`, `Use one of: ${choices.join(', ')}`);
  }
  return value as T;
}

/** A whole number ≥ `min`; the hint shows `example`. */
export function wholeNumber(text: string | undefined, flag: string, min = 0, example = 100): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `${flag} needs a whole number ≥ ${min}, got "${text}"`,
      `For example ${flag} ${example}`,
    );
  }
  return n;
}

/** `--input-format`, when given. */
export function inputFormatFlag(value: string | undefined): InputFormatName | undefined {
  return value === undefined ? undefined : oneOf(value, INPUT_FORMATS, '--input-format');
}
