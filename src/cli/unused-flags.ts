/**
 * Flags that would do nothing in this run are refused (exit 1) rather than silently ignored:
 * `paths --page /x --steps 5` (steps are for sequences), `--timezone` without
 * `--split-at-midnight`, `--json` with `-q`… Only flags typed on the command line count.
 *
 *   refuseUnused(cmd, [{ option: 'steps', when: flags.page !== undefined, why: 'with --page …' }])
 */
import type { Command } from 'commander';
import { StintError } from '../core/errors.ts';

export interface UnusedFlag {
  /** Commander's attribute name of the option: `steps`, `splitAtMidnight`. */
  readonly option: string;
  /** True when the option does nothing in this run. */
  readonly when: boolean;
  /** Why, to finish "--steps does nothing …". */
  readonly why: string;
}

/** Whether the user typed the option (not a default). */
export function typed(command: Command, option: string): boolean {
  return command.getOptionValueSource(option) === 'cli';
}

export function refuseUnused(command: Command, flags: readonly UnusedFlag[]): void {
  for (const { option, when, why } of flags) {
    if (!when || !typed(command, option)) continue;
    const name = command.options.find((o) => o.attributeName() === option)?.long ?? option;
    throw new StintError('STINT_BAD_FLAG', `${name} does nothing ${why}`, `Leave out ${name}`);
  }
}

/** `--json` and `-q` together: -q prints nothing, so the JSON is never printed. */
export function jsonWithQuiet(flags: { json: boolean; quiet: boolean }): UnusedFlag {
  return { option: 'json', when: flags.quiet, why: 'with -q (which prints nothing but errors)' };
}

/** `--timezone` only places midnight for --split-at-midnight (rule 5). */
export function timezoneWithoutMidnight(flags: { splitAtMidnight?: boolean }): UnusedFlag {
  return {
    option: 'timezone',
    when: flags.splitAtMidnight !== true,
    why: 'without --split-at-midnight (it is the zone of that rule)',
  };
}
