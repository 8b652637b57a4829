/**
 * One subcommand per analysis over the store, each with the common options (--from --to --tz
 * --filter) and --json: `stint overview`, `stint timeseries`, `stint breakdown --by DIM`.
 */
import type { Command } from 'commander';
import { breakdown, TIME_UNITS, timeseries } from '../analysis/breakdown.ts';
import { OVERVIEW_METRICS, type OverviewMetric, overview } from '../analysis/overview.ts';
import { parseQueryOptions, type QueryFlags } from '../analysis/query-options.ts';
import { type GroupKey, SESSION_DIMENSIONS, type SessionDimension } from '../analysis/sql.ts';
import { StintError } from '../core/errors.ts';
import { DEFAULT_DB } from './import.ts';
import { addQueryFlags, openExistingStore, parseInterval, sparkline } from './report.ts';

interface AnalysisFlags extends QueryFlags {
  db: string;
  json: boolean;
  interval?: string;
  metric?: string;
  by?: string;
  limit?: string;
}

const BREAKDOWNS = [...Object.keys(SESSION_DIMENSIONS), 'local_hour', 'weekday'];

export function registerAnalyses(program: Command): void {
  analysis(
    program,
    'overview',
    'the headline numbers, with the previous period and the change',
    async (store, flags) => {
      const o = await overview(store, parseQueryOptions(flags));
      return {
        json: o,
        text: OVERVIEW_METRICS.map((m) => `${m.padEnd(18)} ${show(o.metrics[m].value)}`).join('\n'),
      };
    },
  );
  analysis(
    program,
    'timeseries',
    'a metric per hour, day, week or month (of the session start, in --tz)',
    async (store, flags) => {
      const metric = parseMetric(flags.metric);
      const unit = parseInterval(flags.interval);
      const rows = await timeseries(store, parseQueryOptions(flags), unit);
      const text = [
        `${metric} per ${unit}  ${sparkline(rows.map((r) => r[metric] ?? 0))}`,
        ...rows.map((r) => `${r.key.padEnd(13)} ${show(r[metric])}`),
      ].join('\n');
      return { json: { interval: unit, metric, rows }, text };
    },
    (cmd) =>
      cmd
        .option('--interval <unit>', `buckets: ${TIME_UNITS.join(', ')}`, 'day')
        .option(
          '--metric <name>',
          `the metric of the text output: ${OVERVIEW_METRICS.join(', ')}`,
          'sessions',
        ),
  );
  analysis(
    program,
    'breakdown',
    'the overview metrics per value of a dimension, most sessions first',
    async (store, flags) => {
      const options = parseQueryOptions(flags);
      const by = parseBy(flags.by, options.tz);
      const limit = flags.limit === undefined ? 20 : Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new StintError(
          'STINT_BAD_FLAG',
          `--limit needs a whole number ≥ 1, got "${flags.limit}"`,
          'For example --limit 20',
        );
      }
      const rows = await breakdown(store, options, by, limit);
      const width = Math.max(8, ...rows.map((r) => r.key.length));
      const text = [
        `${(flags.by ?? '').padEnd(width)}  sessions  bounce_rate  avg_duration_s`,
        ...rows.map(
          (r) =>
            `${JSON.stringify(r.key).slice(1, -1).padEnd(width)}  ${show(r.sessions).padStart(8)}  ${show(r.bounce_rate).padStart(11)}  ${show(r.avg_duration_s).padStart(14)}`,
        ),
      ].join('\n');
      return { json: { by: flags.by, rows }, text };
    },
    (cmd) =>
      cmd
        .requiredOption('--by <dimension>', `one of: ${BREAKDOWNS.join(', ')}`)
        .option('--limit <n>', 'rows at most', '20'),
  );
}

function analysis(
  program: Command,
  name: string,
  summary: string,
  run: (
    store: Awaited<ReturnType<typeof openExistingStore>>,
    flags: AnalysisFlags,
  ) => Promise<{ json: unknown; text: string }>,
  extra: (cmd: Command) => Command = (cmd) => cmd,
): void {
  const cmd = program
    .command(name)
    .summary(summary)
    .description(`${summary[0]!.toUpperCase()}${summary.slice(1)}.`);
  cmd.option('--db <file>', 'the store', DEFAULT_DB);
  extra(addQueryFlags(cmd)).option('--json', 'print JSON', false);
  cmd.addHelpText(
    'after',
    `\nExample:\n  stint ${name}${name === 'breakdown' ? ' --by traffic_source' : ''} --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin --json`,
  );
  cmd.action(async (flags: AnalysisFlags) => {
    parseQueryOptions(flags); // bad flags are usage errors before the store is opened
    const store = await openExistingStore(flags.db);
    try {
      const result = await run(store, flags);
      process.stdout.write(flags.json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
    } finally {
      store.close();
    }
  });
}

function show(v: number | null): string {
  if (v === null) return '–';
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);
}

function parseMetric(text: string | undefined): OverviewMetric {
  const m = text ?? 'sessions';
  if (!(OVERVIEW_METRICS as readonly string[]).includes(m)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown --metric "${m}"`,
      `Use one of: ${OVERVIEW_METRICS.join(', ')}`,
    );
  }
  return m as OverviewMetric;
}

/** A --by value; local hours and weekdays are taken in --tz. */
function parseBy(text: string | undefined, tz: string): GroupKey {
  const by = text ?? '';
  if (by === 'local_hour' || by === 'weekday') return { kind: by, tz };
  if (!Object.hasOwn(SESSION_DIMENSIONS, by)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${by}" for --by`,
      `Use one of: ${BREAKDOWNS.join(', ')}`,
    );
  }
  return { kind: 'dimension', dimension: by as SessionDimension };
}
