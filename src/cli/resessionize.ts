/**
 * `stint resessionize [--db FILE] [rule flags]`: every stored session computed again from the
 * stored events, under the store's rules with the flags given changed. The new rules get a new
 * version, which every report then names. One transaction: all sessions change, or none.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { StintError } from '../core/errors.ts';
import { resessionizeStore } from '../store/ingest/index.ts';
import { sameRules } from '../store/rules-json.ts';
import { DEFAULT_DB } from './import.ts';
import { openExistingStore } from './open-existing-store.ts';
import { addRuleFlags, overrideRules, type RuleFlags } from './rule-flags.ts';
import { describeRules } from './summary.ts';
import { jsonWithQuiet, refuseUnused } from './unused-flags.ts';

interface ResessionizeFlags extends RuleFlags {
  db: string;
  json: boolean;
  quiet: boolean;
}

export function registerResessionize(program: Command): void {
  const cmd = program
    .command('resessionize')
    .summary('recompute every stored session under new rules')
    .description(
      'Recompute every session in the store from its events, under the store’s rules with the rule flags ' +
        'given here changed (flags not given keep their stored value). The rules get a new version.',
    )
    .option('--db <file>', 'the store', DEFAULT_DB);
  addRuleFlags(cmd, { unset: 'unchanged' })
    .option('--json', 'print the summary as JSON', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .addHelpText(
      'after',
      `
--session-key cannot change here: the key column is read at import (import again with it).

Examples:
  stint resessionize --timeout 20m
  stint resessionize --identity user --goal purchase,signup --db site.duckdb`,
    )
    .action(async (flags: ResessionizeFlags, command: Command) => {
      await runResessionize(flags, command);
    });
}

async function runResessionize(flags: ResessionizeFlags, command: Command): Promise<void> {
  const started = performance.now();
  const store = await openExistingStore(flags.db);
  try {
    const stored = await store.rules();
    if (stored === undefined) {
      throw new StintError(
        'STINT_EMPTY_INPUT',
        `The store ${flags.db} has no events yet`,
        `Import events first: stint import FILE --db ${flags.db}`,
      );
    }
    const rules = overrideRules(stored.rules, flags, command);
    refuseUnused(command, [
      jsonWithQuiet(flags),
      {
        option: 'timezone',
        when: !rules.splitAtMidnight,
        why: 'when sessions are not split at midnight (--split-at-midnight)',
      },
    ]);
    if (rules.sessionKey !== stored.rules.sessionKey) {
      throw new StintError(
        'STINT_RULES_CHANGED',
        '--session-key cannot change on stored events: the key column was read when they were imported',
        'Import the files again into a new --db with the new --session-key',
      );
    }
    const changed = !sameRules(rules, stored.rules);
    const result = await store.transaction((tx) => resessionizeStore(tx, rules, stored, changed));
    if (flags.quiet) return;
    const summary = {
      db: flags.db,
      rules_version: result.version,
      previous_rules_version: stored.version,
      rules: describeRules(rules),
      events: result.events,
      identities: result.identities,
      sessions: result.sessions,
      elapsed_s: Math.round(performance.now() - started) / 1000,
    };
    const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
    process.stdout.write(
      flags.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${c.green('resessionized')} ${summary.events.toLocaleString('en-US')} events of ${summary.identities.toLocaleString('en-US')} identities into ` +
            `${summary.sessions.toLocaleString('en-US')} sessions in ${summary.elapsed_s.toFixed(2)} s; rules version ` +
            `${changed ? `${stored.version} → ${result.version}` : `${result.version} (unchanged)`}\n`,
    );
  } finally {
    store.close();
  }
}
