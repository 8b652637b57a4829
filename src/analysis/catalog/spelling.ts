/**
 * How a front end writes a parameter's name. The catalogue names each parameter once
 * (`click_event`); the command line spells it `--click-event`, a query string `click_event`.
 *
 *   CLI_SPELLING.name('click_event')        // '--click-event'
 *   API_SPELLING.example('limit', '10')     // 'limit=10'
 */
import { StintError } from '../../core/errors.ts';

export interface Spelling {
  /** The parameter as this front end's user writes it. */
  name(param: string): string;
  /** The parameter with a value, as in a hint's example: `--limit 10`, `limit=10`. */
  example(param: string, value: string): string;
  /** A message of an analysis that still names command-line flags, in this front end's words. */
  respell(text: string): string;
}

export const CLI_SPELLING: Spelling = {
  name: (param) => `--${param.replaceAll('_', '-')}`,
  example: (param, value) => `--${param.replaceAll('_', '-')} ${value}`,
  respell: (text) => text,
};

export const API_SPELLING: Spelling = {
  name: (param) => param,
  example: (param, value) => `${param}=${value}`,
  respell: asParameters,
};

/**
 * A message about CLI flags, as one about query parameters: `--click-event` is `click_event`,
 * and `--limit 10` (an example: a number, a path or a date) is `limit=10`. Only for the messages
 * of analyses that name flags themselves (funnel steps, time buckets): the catalogue's own
 * messages are spelled by the front end from the start.
 */
export function asParameters(text: string): string {
  return text.replace(
    /(^|[\s("'])--([a-z][a-z0-9-]*)(?:( )([0-9/][^\s,;)"']*))?/g,
    (_, before, flag, space, value) => {
      const name = flag.replaceAll('-', '_');
      return `${before}${name}${space === undefined ? '' : `=${value}`}`;
    },
  );
}

/** Runs `fn`; a usage error it throws is told in `spell`'s words. */
export function respelled<T>(spell: Spelling, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw respelledError(spell, err);
  }
}

/** The same error in `spell`'s words (anything but a StintError as it is). */
export function respelledError(spell: Spelling, err: unknown): unknown {
  if (!(err instanceof StintError) || spell === CLI_SPELLING) return err;
  const again = new StintError(err.code, spell.respell(err.message), err.hint && spell.respell(err.hint));
  if (err.stack !== undefined) again.stack = err.stack;
  return again;
}
