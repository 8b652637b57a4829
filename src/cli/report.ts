/**
 * `stint report [--db FILE] [--from --to --tz --filter] [--json]`: what the stored sessions say,
 * under the rules they were computed with. For now the overview: each headline number with the
 * previous period of equal length and the change.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import pc from 'picocolors';
import { type Overview, type OverviewMetric, overview } from '../analysis/overview.ts';
import { parseQueryOptions, type QueryFlags } from '../analysis/query-options.ts';
import { SESSION_DIMENSIONS } from '../analysis/sql.ts';
import { StintError } from '../core/errors.ts';
import { openDuckDBStore } from '../store/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB } from './import.ts';
import { describeRules } from './summary.ts';

interface ReportFlags extends QueryFlags {
  db: string;
  json: boolean;
}

export function addQueryFlags(cmd: Command): Command {
  return cmd
    .option(
      '--from <date>',
      'first day (2026-10-01) or instant (ISO time) of the period; default: the first session',
    )
    .option('--to <date>', 'last day (inclusive) or end instant (exclusive); default: the last session')
    .option('--tz <iana>', 'zone of dates, day buckets and local hours', 'UTC')
    .option(
      '--filter <dim=value>',
      `keep sessions where dim = value (also != and ~ for contains), repeatable; dims: ${Object.keys(SESSION_DIMENSIONS).join(', ')}`,
      (value: string, previous: string[]) => [...previous, value],
      [],
    );
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .summary('report on the stored sessions')
    .description(
      'Report on the sessions in the store: the overview (sessions, users, pageviews, bounce and engagement\n' +
        'rates, durations, pages per session, conversion rate and value), each with the previous period of\n' +
        'the same length and the relative change.',
    )
    .option('--db <file>', 'the store', DEFAULT_DB);
  addQueryFlags(cmd)
    .option('--json', 'print the report as one JSON object', false)
    .addHelpText(
      'after',
      `
Examples:
  stint report
  stint report --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin
  stint report --filter source=google --filter device_type!=bot --json`,
    )
    .action(async (flags: ReportFlags) => {
      await runReport(flags);
    });
}

export async function openExistingStore(path: string): Promise<Store> {
  if (!existsSync(path)) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `No store at ${path}`,
      `Import events first (stint import FILE --db ${path}), or pass --db with an existing store`,
    );
  }
  return openDuckDBStore(path);
}

async function runReport(flags: ReportFlags): Promise<void> {
  const options = parseQueryOptions(flags);
  const store = await openExistingStore(flags.db);
  try {
    const rules = await store.rules();
    const o = await overview(store, options);
    const report = {
      rules_version: rules?.version ?? null,
      rules: rules === undefined ? null : describeRules(rules.rules),
      tz: options.tz,
      range: o.range,
      previous_range: o.previous_range,
      overview: o.metrics,
    };
    process.stdout.write(
      flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(o, report.rules_version, flags.db),
    );
  } finally {
    store.close();
  }
}

const LABELS: Record<OverviewMetric, string> = {
  sessions: 'sessions',
  users: 'users',
  pageviews: 'pageviews',
  events: 'events',
  bounce_rate: 'bounce rate',
  engagement_rate: 'engagement rate',
  avg_duration_s: 'avg duration',
  median_duration_s: 'median duration',
  pages_per_session: 'pages / session',
  conversion_rate: 'conversion rate',
  avg_value: 'avg value',
  total_value: 'total value',
};

function formatValue(metric: OverviewMetric, v: number | null): string {
  if (v === null) return '–';
  if (metric.endsWith('_rate')) return `${(v * 100).toFixed(1)} %`;
  if (metric.endsWith('_s')) return formatSeconds(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${Math.round(s % 60)}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}

function formatReport(o: Overview, version: number | null, db: string): string {
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  if (o.range.from === null) return `The store ${db} has no sessions yet: run stint import FILE --db ${db}\n`;
  const rows = (Object.keys(LABELS) as OverviewMetric[]).map((m) => {
    const { value, previous, change } = o.metrics[m];
    const delta = change === null ? '' : `${change > 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
    return [LABELS[m], formatValue(m, value), formatValue(m, previous), delta];
  });
  const widths = [0, 1, 2, 3].map((k) => Math.max(...rows.map((r) => r[k]!.length), k === 2 ? 8 : 0));
  const lines = [
    c.bold(`Overview ${o.range.from} – ${o.range.to}`),
    c.dim(
      `${'metric'.padEnd(widths[0]!)}  ${'now'.padStart(widths[1]!)}  ${'previous'.padStart(widths[2]!)}  change`,
    ),
    ...rows.map((r) => {
      const delta = r[3]!;
      const colored = delta.startsWith('+') ? c.green(delta) : delta.startsWith('-') ? c.red(delta) : delta;
      return `${r[0]!.padEnd(widths[0]!)}  ${c.bold(r[1]!.padStart(widths[1]!))}  ${r[2]!.padStart(widths[2]!)}  ${colored}`;
    }),
    c.dim(
      `previous period ${o.previous_range.from} – ${o.previous_range.to}; rules version ${version ?? '-'}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
