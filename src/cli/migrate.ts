/**
 * `stint migrate --from duckdb:FILE --to clickhouse://HOST:PORT/DATABASE`: moves a DuckDB store
 * into a new ClickHouse store (store/migrate.ts), then prints each count and sum on both sides.
 * A difference is an error (exit 2), after the table that shows it.
 */
import type { Command } from 'commander';
import { StintError } from '../core/errors.ts';
import { type MigrateResult, migrateStore } from '../store/migrate.ts';
import { createStatus } from './progress.ts';

interface MigrateFlags {
  from: string;
  to: string;
  json: boolean;
}

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .summary('move a DuckDB store into ClickHouse, and check that nothing changed')
    .description(
      'Move a DuckDB store (events, sessions, imports, rejects, rules, erasures, and its access-log identity key) ' +
        'into a new ClickHouse store, then compare counts and sums on both sides. The DuckDB file is only read.',
    )
    .requiredOption('--from <store>', 'the DuckDB store to move: duckdb:FILE')
    .requiredOption(
      '--to <address>',
      'the new ClickHouse store: clickhouse://HOST:PORT/DATABASE (a new database is created)',
    )
    .option('--json', 'print the result as JSON', false)
    .addHelpText(
      'after',
      `
The target must hold no events or sessions: name a new database. A store that stint serve
has open is in use: stop the server first.

Examples:
  stint migrate --from duckdb:stint.duckdb --to clickhouse://127.0.0.1:8123/stint
  stint migrate --from duckdb:site.duckdb --to "$(cat .stint-cluster/url)" --json`,
    )
    .action(async (flags: MigrateFlags) => {
      const status = createStatus(!flags.json && process.stderr.isTTY === true);
      let result: MigrateResult;
      try {
        result = await migrateStore({
          from: flags.from,
          to: flags.to,
          onProgress: (moved, total) =>
            status.say(`moving ${moved.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows…`),
        });
      } finally {
        status.clear();
      }
      process.stdout.write(flags.json ? `${JSON.stringify(asJson(result))}\n` : summary(result));
      const differ = result.checks.filter((c) => !c.same);
      if (differ.length > 0) {
        throw new StintError(
          'STINT_MIGRATE_MISMATCH',
          `The ClickHouse store ${result.to} differs from ${result.from}: ${differ.map((c) => `${c.name} ${c.source} → ${c.target}`).join('; ')}`,
          'Drop that database and migrate again into a new one; if it differs again, report it with the table above',
        );
      }
    });
}

const asJson = (r: MigrateResult) => ({
  from: r.from,
  to: r.to,
  rows: r.rows,
  seconds: Number(r.seconds.toFixed(2)),
  same: r.checks.every((c) => c.same),
  checks: r.checks,
});

/** `events  1,852 → 1,852  ✓`, a line per check. */
function summary(r: MigrateResult): string {
  const moved = Object.values(r.rows).reduce((a, b) => a + b, 0);
  const shown = (v: string) => (/^-?\d+$/.test(v) ? BigInt(v).toLocaleString('en-US') : v);
  const width = Math.max(...r.checks.map((c) => c.name.length));
  const left = Math.max(...r.checks.map((c) => shown(c.source).length));
  const lines = r.checks.map(
    (c) =>
      `  ${c.name.padEnd(width)}  ${shown(c.source).padStart(left)} → ${shown(c.target)}  ${c.same ? '✓' : '✗ differs'}`,
  );
  return `moved ${moved.toLocaleString('en-US')} rows from ${r.from} to ${r.to} in ${r.seconds.toFixed(1)} s\n${lines.join('\n')}\n`;
}
