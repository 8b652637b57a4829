/**
 * `stint forget --identity ID (--site NAME | --db FILE)`: erases a visitor (the GDPR right to
 * erasure): their events, the anonymous events of their devices, and their sessions; what is
 * left of linked identities is sessionized again. The store records when, by whom, and the
 * SHA-256 of the id (never the id). A site served by a running server is erased through it:
 * DELETE /api/v1/visitors/ID?site=NAME (docs/operations.md, "Erasing and retaining data").
 */
import type { Command } from 'commander';
import { countSelection, deleteSelected, identitySelection, sha256 } from '../store/erase.ts';
import { cliUser, openTarget, type TargetFlags, targetOf } from './store-target.ts';

interface ForgetFlags extends TargetFlags {
  identity: string;
  dryRun: boolean;
  json: boolean;
}

export function registerForget(program: Command): void {
  program
    .command('forget')
    .summary("erase a visitor's events and sessions (right to erasure)")
    .description(
      "Erase a visitor: every event whose user_id or anonymous_id is the id, the anonymous events of the devices seen with that user_id, and their sessions; what is left of linked identities is sessionized again. The store records when, who, and the id's SHA-256.",
    )
    .requiredOption('--identity <id>', 'the user_id or anonymous_id to forget')
    .option('--site <name>', "a server site's store (stop the server, or use its API route)")
    .option('--db <file>', 'a stint import store')
    .option('--data <dir>', 'the server data directory, with --site (default: stint-data)')
    .option('--config <file>', 'settings file, with --site')
    .option('--dry-run', 'count what would be removed; change nothing', false)
    .option('--json', 'print the result as JSON', false)
    .addHelpText(
      'after',
      '\nExamples:\n  stint forget --db site.duckdb --identity user-42\n  stint forget --site shop --identity user-42 --dry-run',
    )
    .action(async (flags: ForgetFlags) => {
      const target = targetOf(flags);
      const selection = identitySelection(flags.identity);
      const store = await openTarget(
        target,
        (site) =>
          `Ask the server: curl -X DELETE -H "authorization: Bearer $STINT_ADMIN_TOKEN" '${site.url}/api/v1/visitors/${encodeURIComponent(flags.identity)}?site=${site.name}'`,
      );
      try {
        if (flags.dryRun) {
          const would = await countSelection(store, selection);
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ dry_run: true, ...would })}\n`
              : `would remove ${would.events} events in ${would.sessions} sessions of ${would.visitors} visitor ids (dry run: nothing changed)\n`,
          );
          return;
        }
        const done = await deleteSelected(store, selection, {
          atMs: Date.now(),
          kind: 'forget',
          by: cliUser(),
          what: sha256(flags.identity),
        });
        process.stdout.write(
          flags.json
            ? `${JSON.stringify({ events: done.events, sessions: done.sessions, resessionized: done.resessionized })}\n`
            : `forgot the visitor: removed ${done.events} events and ${done.sessions} sessions; ${done.resessionized} sessions of linked identities sessionized again; recorded (SHA-256 of the id) in the store's erasures table\n`,
        );
      } finally {
        store.close();
      }
    });
}
