/**
 * The CLI's own flag values: `--input-format` and `--max-rejects`. Choices and bounded numbers
 * are read by `core/bounded.ts`, shared with the server.
 */
import { oneOf, wholeNumber } from '../core/bounded.ts';
import { INPUT_FORMATS, type InputFormatName } from '../io/open-input.ts';

/** `--input-format`, when given. */
export function inputFormatFlag(value: string | undefined): InputFormatName | undefined {
  return value === undefined ? undefined : oneOf(value, INPUT_FORMATS, '--input-format');
}

/** `--max-rejects`, when given: from 0 to a billion rows. */
export function maxRejectsFlag(value: string | undefined): number | undefined {
  return value === undefined
    ? undefined
    : wholeNumber(value, '--max-rejects', { min: 0, max: 1_000_000_000, example: 100 });
}
