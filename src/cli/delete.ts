/**
 * `stint delete (--site NAME | --db FILE) [--from …] [--to …] [--filter field=value …]`:
 * removes junk (a bot flood, bad values): the events in the range that meet every filter; the
 * sessions they were in are sessionized again from the events left. `--dry-run` counts first.
 */
import type { Command } from 'commander';
import { parseQueryOptions } from '../analysis/query-options.ts';
import { countSelection, deleteSelected, EVENT_FILTER_FIELDS, rangeSelection } from '../store/erase.ts';
import { cliUser, openTarget, type TargetFlags, targetOf } from './store-target.ts';

interface DeleteFlags extends TargetFlags {
  from?: string;
  to?: string;
  tz?: string;
  filter: string[];
  dryRun: boolean;
  json: boolean;
}

export function registerDelete(program: Command): void {
  program
    .command('delete')
    .summary('delete events by time range and filters (junk, bot floods)')
    .description(
      'Delete the stored events in [--from, --to) that meet every --filter; the sessions they were in are ' +
        'sessionized again from the events left. Run with --dry-run first: it counts events, sessions and visitors.',
    )
    .option('--site <name>', "a server site's store (the server must be stopped)")
    .option('--db <file>', 'a stint import store')
    .option('--data <dir>', 'the server data directory, with --site (default: stint-data)')
    .option('--config <file>', 'settings file, with --site')
    .option('--from <date>', 'events at or after this date or ISO time')
    .option('--to <date>', 'events before this ISO time, or through this date')
    .option('--tz <zone>', 'the time zone of dates in --from/--to (default: UTC)')
    .option(
      '--filter <field=value>',
      `field=value, field!=value, field~text (contains); value>N, value<N…; fields: ${EVENT_FILTER_FIELDS.join(', ')}, prop.NAME (repeatable)`,
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--dry-run', 'count what would be removed; change nothing', false)
    .option('--json', 'print the result as JSON', false)
    .addHelpText(
      'after',
      '\nExamples:\n  stint delete --db site.duckdb --from 2026-11-03 --to 2026-11-03 --filter user_agent~HeadlessChrome --dry-run\n  stint delete --site shop --filter "value>1000000"',
    )
    .action(async (flags: DeleteFlags) => {
      const target = targetOf(flags);
      const { fromMs, toMs } = parseQueryOptions({ from: flags.from, to: flags.to, tz: flags.tz });
      // Checked before the store is opened: a wrong filter costs nothing.
      rangeSelection(fromMs, toMs, flags.filter);
      const store = await openTarget(
        target,
        (site) =>
          `Stop the server first (its store is locked while it runs), then run this again; site ${site.name}`,
      );
      try {
        const selection = rangeSelection(fromMs, toMs, flags.filter, store.dialect);
        const would = await countSelection(store, selection);
        if (flags.dryRun) {
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ dry_run: true, ...would })}\n`
              : `would remove ${would.events} events; ${would.sessions} sessions and ${would.visitors} visitors are affected (dry run: nothing changed)\n`,
          );
          return;
        }
        const done = await deleteSelected(store, selection, {
          atMs: Date.now(),
          kind: 'delete',
          by: cliUser(),
          what: JSON.stringify({ from: flags.from ?? null, to: flags.to ?? null, filter: flags.filter }),
        });
        const summary = {
          events: done.events,
          sessions: done.sessions,
          visitors: would.visitors,
          resessionized: done.resessionized,
        };
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(summary)}\n`
            : `removed ${done.events} events; ${done.sessions} sessions are gone and ${done.resessionized} sessions of the ${would.visitors} visitors touched were sessionized again\n`,
        );
      } finally {
        store.close();
      }
    });
}
