/**
 * The StintError a call throws or a promise rejects with, failing the test when there is none
 * or it is another error, so that its code, message and hint can be checked.
 *
 *   expect(stintErrorOf(() => parseSteps([])).code).toBe('STINT_USAGE');
 */
import { expect } from 'vitest';
import { StintError } from '../../src/core/errors.ts';

export function stintErrorOf(f: () => unknown): StintError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(StintError);
    return err as StintError;
  }
  throw new Error('expected a StintError, nothing was thrown');
}

export async function rejectionOf(p: Promise<unknown>): Promise<StintError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(StintError);
    return err as StintError;
  }
  throw new Error('expected a StintError, the promise resolved');
}
