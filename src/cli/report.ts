/**
 * `stint report [--db FILE] [--from --to --tz --filter] [--json] [--html FILE]`: what the stored
 * sessions say, under the rules they were computed with: the overview against the previous
 * period, the time series, sources, entry and exit pages, devices, pages, paths and funnels.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import pc from 'picocolors';
import { breakdown, fitUnit, type Row, TIME_UNITS, timeseries } from '../analysis/breakdown.ts';
import { type FunnelSpec, funnel, parseSteps } from '../analysis/funnel.ts';
import { type OverviewMetric, overview, pinPeriod } from '../analysis/overview.ts';
import { type PageRow, pages } from '../analysis/pages.ts';
import { sankey, topPaths } from '../analysis/paths.ts';
import { SESSION_DIMENSIONS, type SessionDimension, type TimeUnit } from '../analysis/plans.ts';
import { parseQueryOptions, type QueryFlags, type QueryOptions } from '../analysis/query-options.ts';
import { retention } from '../analysis/retention.ts';
import { oneOf } from '../core/bounded.ts';
import { StintError } from '../core/errors.ts';
import { writeAtomically } from '../io/atomic-file.ts';
import { renderHtmlReport } from '../report/html.ts';
import { openDuckDBStore } from '../store/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB } from './import.ts';
import { guardOutputs } from './output-guard.ts';
import { assertWritable } from './output-path.ts';
import { label, printable } from './printable.ts';
import { warnOutsideData } from './range-check.ts';
import { describeRules } from './summary.ts';

interface ReportFlags extends QueryFlags {
  db: string;
  funnel?: string[];
  json: boolean;
  html?: string;
  interval?: string;
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
      `keep sessions where dim = value (also != and ~ for contains), repeatable; dims: ${Object.keys(SESSION_DIMENSIONS).join(', ')}, or prop.NAME for an event property`,
      (value: string, previous: string[]) => [...previous, value],
      [],
    );
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .summary('report on the stored sessions')
    .description(
      'Report on the sessions in the store: the overview (sessions, users, pageviews, bounce and engagement ' +
        'rates, durations, pages per session, conversion rate and value), each with the previous period of ' +
        'the same length and the relative change.',
    )
    .option('--db <file>', 'the store', DEFAULT_DB);
  addQueryFlags(cmd)
    .option('--interval <unit>', `time series buckets: ${TIME_UNITS.join(', ')}`, 'day')
    .option('--json', 'print the report as one JSON object', false)
    .option(
      '--funnel <steps>',
      'add a funnel: comma-separated steps (/path, /pattern/*, event:NAME), repeatable, at most 10',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--html <file>', 'also write the report as one standalone HTML file with charts (works offline)')
    .addHelpText(
      'after',
      `
Examples:
  stint report
  stint report --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin
  stint report --filter source=google --filter device_type!=bot --json
  stint report --html report.html --funnel "/,/pricing,event:purchase"`,
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

/** Funnels in one report at most: each is a query over the period's sessions. */
export const MAX_REPORT_FUNNELS = 10;

/** `--funnel` values (comma-separated steps each) as funnels; more than MAX_REPORT_FUNNELS is refused. */
export function parseFunnels(texts: readonly string[]): FunnelSpec[] {
  if (texts.length > MAX_REPORT_FUNNELS) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `A report has at most ${MAX_REPORT_FUNNELS} funnels (--funnel), got ${texts.length}`,
      'Leave out funnels, or ask for the others in a second report',
    );
  }
  return texts.map((steps) => ({ steps: parseSteps(steps.split(',')) }));
}

/** The report as `stint report --json` prints it (docs/store.md, "Report JSON"). */
export async function buildReport(
  store: Store,
  asked: QueryOptions,
  interval: TimeUnit,
  funnels: readonly FunnelSpec[] = [],
  top = 10,
) {
  const rules = await store.rules();
  const options = await pinPeriod(store, asked);
  const o = await overview(store, options);
  const { fromMs, toMs } = options;
  const unit = fromMs === undefined || toMs === undefined ? interval : fitUnit(fromMs, toMs, interval);
  const by = (dimension: SessionDimension) =>
    breakdown(store, options, { kind: 'dimension', dimension }, top);
  return {
    rules_version: rules?.version ?? null,
    rules: rules === undefined ? null : describeRules(rules.rules),
    tz: options.tz,
    range: o.range,
    previous_range: o.previous_range,
    overview: o.metrics,
    timeseries: { interval: unit, rows: await timeseries(store, options, unit) },
    sources: await by('traffic_source'),
    entry_pages: await by('entry_page'),
    exit_pages: await by('exit_page'),
    devices: await by('device_type'),
    pages: await pages(store, options, top),
    paths: { top: await topPaths(store, options, 3, top), sankey: await sankey(store, options, 4, 8) },
    retention: await retention(store, options, { cohort: 'week', periods: 8 }),
    ...(funnels.length === 0
      ? {}
      : { funnels: await Promise.all(funnels.map((f) => funnel(store, options, f))) }),
  };
}

export type Report = Awaited<ReturnType<typeof buildReport>>;

async function runReport(flags: ReportFlags): Promise<void> {
  const options = parseQueryOptions(flags);
  const interval = parseInterval(flags.interval);
  if (flags.html !== undefined) assertWritable(flags.html, '--html');
  guardOutputs({ store: flags.db, outputs: [{ flag: '--html', path: flags.html }] });
  const store = await openExistingStore(flags.db);
  try {
    const funnels = parseFunnels(flags.funnel ?? []);
    const report = await buildReport(store, options, interval, funnels);
    await warnOutsideData(store, options);
    if (flags.html !== undefined) {
      const html = renderHtmlReport(report, `stint report: ${basename(flags.db)}`);
      await writeAtomically(flags.html, (path) => writeFile(path, html));
    }
    process.stdout.write(
      flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, flags.db),
    );
    if (flags.html !== undefined && !flags.json)
      process.stdout.write(`HTML report written to ${printable(flags.html)}\n`);
  } finally {
    store.close();
  }
}

export function parseInterval(text: string | undefined): TimeUnit {
  return oneOf((text ?? 'day').toLowerCase(), TIME_UNITS, '--interval');
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

function formatReport(report: Report, db: string): string {
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  if (report.range.from === null)
    return `The store ${printable(db)} has no sessions yet: run stint import FILE --db ${printable(db)}\n`;
  const rows = (Object.keys(LABELS) as OverviewMetric[]).map((m) => {
    const { value, previous, change } = report.overview[m];
    const delta = change === null ? '' : `${change > 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
    return [LABELS[m], formatValue(m, value), formatValue(m, previous), delta];
  });
  const widths = [0, 1, 2, 3].map((k) => Math.max(...rows.map((r) => r[k]!.length), k === 2 ? 8 : 0));
  const series = report.timeseries.rows;
  const lines = [
    c.bold(`Sessions ${report.range.from} – ${report.range.to} (${report.tz})`),
    '',
    c.dim(
      `${'metric'.padEnd(widths[0]!)}  ${'now'.padStart(widths[1]!)}  ${'previous'.padStart(widths[2]!)}  change`,
    ),
    ...rows.map((r) => {
      const delta = r[3]!;
      const colored = delta.startsWith('+') ? c.green(delta) : delta.startsWith('-') ? c.red(delta) : delta;
      return `${r[0]!.padEnd(widths[0]!)}  ${c.bold(r[1]!.padStart(widths[1]!))}  ${r[2]!.padStart(widths[2]!)}  ${colored}`;
    }),
    '',
    `${c.bold(`sessions per ${report.timeseries.interval}`)}  ${sparkline(series.map((r) => r.sessions ?? 0))}  ${c.dim(
      series.length === 0
        ? ''
        : `${series[0]!.key} … ${series[series.length - 1]!.key}, max ${Math.max(...series.map((r) => r.sessions ?? 0)).toLocaleString('en-US')}`,
    )}`,
  ];
  const tables: [string, Row[]][] = [
    ['sources', report.sources],
    ['entry pages', report.entry_pages],
    ['exit pages', report.exit_pages],
    ['devices', report.devices],
  ];
  const total = report.overview.sessions.value ?? 0;
  for (const [title, table] of tables) lines.push('', ...formatTable(title, table, total, c));
  lines.push('', ...formatPages(report.pages, c), '', c.bold('top paths (first 3 pages)'));
  for (const p of report.paths.top) {
    lines.push(
      `${p.sessions.toLocaleString('en-US').padStart(7)}  ${p.pages.map((page) => label(page)).join(c.dim(' → '))}`,
    );
  }
  for (const f of report.funnels ?? []) {
    lines.push('', c.bold(`funnel ${f.steps.map((step) => label(step)).join(' → ')}`));
    for (const r of f.rows) {
      const share = r.drop_off_share === null ? '' : `  drop ${(r.drop_off_share * 100).toFixed(1)} %`;
      lines.push(
        `${String(r.step).padStart(3)}. ${label(r.name).padEnd(32)} ${r.entered.toLocaleString('en-US').padStart(8)}${share}`,
      );
    }
  }
  lines.push(
    '',
    c.dim(
      `previous period ${report.previous_range.from} – ${report.previous_range.to}; rules version ${report.rules_version ?? '-'}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}

type Colors = ReturnType<typeof pc.createColors>;

function formatPages(rows: readonly PageRow[], c: Colors): string[] {
  const width = Math.max(5, ...rows.map((r) => label(r.page).length));
  return [
    c.bold(
      `${'pages'.padEnd(width)}  ${'views'.padStart(7)}  ${'entries'.padStart(7)}  ${'exit rate'.padStart(9)}  time on page`,
    ),
    ...rows.map(
      (r) =>
        `${label(r.page).padEnd(width)}  ${r.pageviews.toLocaleString('en-US').padStart(7)}  ${r.entries.toLocaleString('en-US').padStart(7)}  ${formatValue('bounce_rate', r.exit_rate).padStart(9)}  ${r.avg_time_on_page_s === null ? '–' : formatSeconds(r.avg_time_on_page_s)}`,
    ),
  ];
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value (per group of values past `width`: their largest), scaled to the largest. */
export function sparkline(values: readonly number[], width = 120): string {
  const per = Math.ceil(values.length / width);
  const shown =
    per <= 1
      ? values
      : Array.from({ length: Math.ceil(values.length / per) }, (_, k) =>
          Math.max(...values.slice(k * per, (k + 1) * per)),
        );
  const max = Math.max(0, ...shown);
  return shown.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

/** Sessions, share and bounce rate per row. Tracked text is printed as is, control characters shown escaped. */
function formatTable(title: string, rows: readonly Row[], total: number, c: Colors): string[] {
  const width = Math.max(title.length, ...rows.map((r) => label(r.key).length));
  return [
    c.bold(
      `${title.padEnd(width)}  ${'sessions'.padStart(9)}  ${'share'.padStart(6)}  ${'bounce'.padStart(7)}`,
    ),
    ...rows.map(
      (r) =>
        `${label(r.key).padEnd(width)}  ${(r.sessions ?? 0).toLocaleString('en-US').padStart(9)}  ${`${(((r.sessions ?? 0) / Math.max(total, 1)) * 100).toFixed(1)}%`.padStart(6)}  ${formatValue('bounce_rate', r.bounce_rate).padStart(7)}`,
    ),
  ];
}
