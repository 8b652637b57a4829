/**
 * One subcommand per catalogue analysis, each with the common options (--from --to --tz
 * --filter), its own, --db (or --server, --site, --token: through a running stint serve) and
 * --json: `stint overview`, `stint timeseries`, `stint breakdown --by DIM`. The commands are
 * built from analysis/catalog.ts; the text from cli/format/.
 */
import { Command } from 'commander';
import type { Planned } from '../../analysis/catalog/entry.ts';
import { ANALYSES, type Analysis, CLI_SPELLING, planAnalysis, runAnalysis } from '../../analysis/catalog.ts';
import { formatAnalysis } from '../format/analyses.ts';
import { DEFAULT_DB } from '../import.ts';
import { warnOutsideData } from '../range-check.ts';
import { openForReading } from '../read-store.ts';
import { addRemoteFlags, readRemote, remoteOf } from '../remote.ts';
import { refuseUnused, type UnusedFlag } from '../unused-flags.ts';
import { addParamFlag, addPositionals, addQueryFlags, rawParams } from './param-flags.ts';

export { ANALYSES };

export function registerAnalyses(program: Command): void {
  for (const entry of ANALYSES) registerAnalysis(program, entry);
}

/** The options an analysis takes, as its command declares them (--db, --server… and --json aside). */
export function analysisOptions(entry: Analysis): Command['options'] {
  return addOwnFlags(addQueryFlags(new Command(entry.name)), entry).options;
}

function addOwnFlags(cmd: Command, entry: Analysis): Command {
  for (const p of entry.params) addParamFlag(cmd, p);
  return cmd;
}

/** Flags typed on the command line that would do nothing with the others given. */
function unused(name: string, flags: Record<string, unknown>): UnusedFlag[] {
  return [
    {
      option: 'steps',
      when: name === 'paths' && flags.page !== undefined,
      why: 'with --page (it is for sequences)',
    },
    {
      option: 'period',
      when: name === 'retention' && ['day', 'week', 'month'].includes(String(flags.cohort ?? 'week')),
      why: 'with calendar cohorts (--cohort day|week|month are their own period)',
    },
  ];
}

/** The help's example: the entry's own parameters as flags. */
function exampleArgs(entry: Analysis): string {
  return Object.entries(entry.example ?? {})
    .flatMap(([name, value]) =>
      (typeof value === 'string' ? [value] : value).map((v) => ` ${CLI_SPELLING.example(name, v)}`),
    )
    .join('');
}

function registerAnalysis(program: Command, entry: Analysis): void {
  const { name, summary } = entry;
  const cmd = program
    .command(name)
    .summary(summary)
    .description(`${summary[0]!.toUpperCase()}${summary.slice(1)}.`);
  addRemoteFlags(addPositionals(cmd, entry).option('--db <file>', 'the store', DEFAULT_DB));
  addOwnFlags(addQueryFlags(cmd), entry).option('--json', 'print JSON', false);
  cmd.addHelpText(
    'after',
    `\nExample:\n  stint ${name}${exampleArgs(entry)} --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin --json`,
  );
  // With positional parameters commander passes their values first: the command comes last.
  cmd.action(async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const flags = command.opts<{ db: string; json: boolean } & Record<string, unknown>>();
    refuseUnused(command, unused(name, flags));
    // Usage errors surface here, before the store is opened.
    const raw = rawParams(command, entry);
    const params = planAnalysis(entry, raw, CLI_SPELLING);
    const remote = remoteOf(command);
    const result =
      remote === undefined ? await readStore(flags.db, entry, params) : await readRemote(remote, entry, raw);
    process.stdout.write(
      flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatAnalysis(name, result, params)}\n`,
    );
  });
}

async function readStore(db: string, entry: Analysis, params: Planned): Promise<unknown> {
  const store = await openForReading(db, entry.name);
  try {
    const result = await runAnalysis(entry, store, params, CLI_SPELLING);
    await warnOutsideData(store, params.query);
    return result;
  } finally {
    store.close();
  }
}
