/**
 * One subcommand per analysis over the store, each with the common options (--from --to --tz
 * --filter) and --json: `stint overview`, `stint timeseries`, `stint breakdown --by DIM`.
 */
import { Command } from 'commander';
import { breakdown, TIME_UNITS, timeseries } from '../analysis/breakdown.ts';
import { ctr } from '../analysis/ctr.ts';
import { type FunnelSpec, type FunnelStepRow, funnel, parseSteps } from '../analysis/funnel.ts';
import { OVERVIEW_METRICS, type OverviewMetric, overview } from '../analysis/overview.ts';
import { pages } from '../analysis/pages.ts';
import { around, sankey, topPaths } from '../analysis/paths.ts';
import { type GroupKey, SESSION_DIMENSIONS, type SessionDimension } from '../analysis/plans.ts';
import { parseQueryOptions, type QueryFlags } from '../analysis/query-options.ts';
import { COHORT_KINDS, MAX_PERIODS, type RetentionSpec, retention } from '../analysis/retention.ts';
import { oneOf, wholeNumber } from '../core/bounded.ts';
import { formatDuration, MAX_DURATION_MS, parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_DB } from './import.ts';
import { label, printable } from './printable.ts';
import { warnOutsideData } from './range-check.ts';
import { addQueryFlags, openExistingStore, parseInterval, sparkline } from './report.ts';
import { refuseUnused } from './unused-flags.ts';

export interface AnalysisFlags extends QueryFlags {
  clickEvent?: string;
  cohort?: string;
  period?: string;
  periods?: string;
  step?: string[];
  anyOrder?: boolean;
  window?: string;
  steps?: string;
  page?: string;
  db: string;
  json: boolean;
  interval?: string;
  metric?: string;
  by?: string;
  limit?: string;
}

/**
 * The numeric flags' bounds, for the CLI and the query API alike: past them an answer is no
 * longer an analysis, and a number sent on to SQL could leave int64.
 */
const LIMIT = { min: 1, max: 100_000, example: 10 } as const;
const STEPS = { min: 1, max: 100, example: 3 } as const;
const PERIODS = { min: 1, max: MAX_PERIODS, example: 8 } as const;

const BREAKDOWNS = [
  ...Object.keys(SESSION_DIMENSIONS),
  'local_hour',
  'weekday',
  'prop.NAME (an event property)',
];

/** One analysis: how its flags are read and run (the CLI and the server's query API share it). */
export interface AnalysisDef {
  readonly name: string;
  readonly summary: string;
  /** Reads the flags (usage errors surface here, before the store is opened), then runs. */
  readonly plan: (flags: AnalysisFlags) => (store: Store) => Promise<{ json: unknown; text: string }>;
  /** Adds the analysis's own options to its command. */
  readonly extra: (cmd: Command) => Command;
}

export const ANALYSES: readonly AnalysisDef[] = defineAnalyses();

export function registerAnalyses(program: Command): void {
  for (const def of ANALYSES) registerAnalysis(program, def);
}

function defineAnalyses(): AnalysisDef[] {
  const defs: AnalysisDef[] = [];
  registerSessionAnalyses(defs);
  registerPathAnalyses(defs);
  registerFunnel(defs);
  registerRetention(defs);
  analysis(
    defs,
    'ctr',
    'click-through rate per element: clicks with an element (or link) property over the pageviews of their pages',
    (flags) => {
      const options = parseQueryOptions(flags);
      const limit = wholeNumber(flags.limit, '--limit', LIMIT);
      return async (store) => {
        const rows = await ctr(store, options, limit, flags.clickEvent ?? 'click');
        const width = Math.max(7, ...rows.map((r) => label(r.element).length));
        const text = [
          `${'element'.padEnd(width)}  ${'clicks'.padStart(7)}  ${'views'.padStart(7)}  ${'ctr'.padStart(6)}  pages`,
          ...rows.map(
            (r) =>
              `${label(r.element).padEnd(width)}  ${show(r.clicks).padStart(7)}  ${show(r.pageviews).padStart(7)}  ${(r.ctr === null ? '–' : `${(r.ctr * 100).toFixed(1)}%`).padStart(6)}  ${r.pages.map((p) => label(p)).join(', ')}`,
          ),
        ].join('\n');
        return { json: { rows }, text };
      };
    },
    (cmd) =>
      cmd
        .option('--click-event <name>', 'the event name of clicks', 'click')
        .option('--limit <n>', `rows at most (up to ${LIMIT.max})`, '20'),
  );
  return defs;
}

function registerRetention(defs: AnalysisDef[]): void {
  analysis(
    defs,
    'retention',
    'visitors in cohorts by their first session, and the share active in each following period',
    (flags) => {
      const options = parseQueryOptions(flags);
      const spec = retentionSpecFromFlags(flags);
      return async (store) => {
        const r = await retention(store, options, spec);
        const width = Math.max(6, ...r.rows.map((c) => label(c.cohort).length));
        const cell = (v: number | null) => (v === null ? '' : `${Math.round(v * 100)}%`).padStart(5);
        const text = [
          `${'cohort'.padEnd(width)}  ${'size'.padStart(7)}  ${Array.from({ length: r.periods + 1 }, (_, k) => `${r.period[0]}${k}`.padStart(5)).join('')}`,
          ...r.rows.map(
            (c) =>
              `${label(c.cohort).padEnd(width)}  ${show(c.size).padStart(7)}  ${c.share.map(cell).join('')}`,
          ),
        ].join('\n');
        return { json: r, text };
      };
    },
    (cmd) =>
      cmd
        .option('--cohort <kind>', `cohorts by: ${COHORT_KINDS.join(', ')}`, 'week')
        .option(
          '--period <unit>',
          'period length for source, device and engagement cohorts: day, week, month',
          'week',
        )
        .option('--periods <n>', `periods after the first (up to ${PERIODS.max})`, '8'),
  );
}

export function retentionSpecFromFlags(flags: {
  cohort?: string;
  period?: string;
  periods?: string;
}): RetentionSpec {
  return {
    cohort: oneOf(flags.cohort ?? 'week', COHORT_KINDS, '--cohort'),
    period: oneOf(flags.period ?? 'week', ['day', 'week', 'month'] as const, '--period'),
    periods: wholeNumber(flags.periods ?? '8', '--periods', PERIODS),
  };
}

function registerSessionAnalyses(defs: AnalysisDef[]): void {
  analysis(defs, 'overview', 'the headline numbers, with the previous period and the change', (flags) => {
    const options = parseQueryOptions(flags);
    return async (store) => {
      const o = await overview(store, options);
      return {
        json: o,
        text: OVERVIEW_METRICS.map((m) => `${m.padEnd(18)} ${show(o.metrics[m].value)}`).join('\n'),
      };
    };
  });
  analysis(
    defs,
    'timeseries',
    'a metric per hour, day, week or month (of the session start, in --tz)',
    (flags) => {
      const options = parseQueryOptions(flags);
      const metric = parseMetric(flags.metric);
      const unit = parseInterval(flags.interval);
      return async (store) => {
        const rows = await timeseries(store, options, unit);
        const text = [
          `${metric} per ${unit}  ${sparkline(rows.map((r) => r[metric] ?? 0))}`,
          ...rows.map((r) => `${r.key.padEnd(13)} ${show(r[metric])}`),
        ].join('\n');
        return { json: { interval: unit, metric, rows }, text };
      };
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
    defs,
    'breakdown',
    'the overview metrics per value of a dimension, most sessions first',
    (flags) => {
      const options = parseQueryOptions(flags);
      const by = parseBy(flags.by, options.tz);
      const limit = wholeNumber(flags.limit, '--limit', LIMIT);
      return async (store) => {
        const rows = await breakdown(store, options, by, limit);
        const width = Math.max(8, ...rows.map((r) => printable(r.key).length));
        const text = [
          `${(flags.by ?? '').padEnd(width)}  sessions  bounce_rate  avg_duration_s`,
          ...rows.map(
            (r) =>
              `${printable(r.key).padEnd(width)}  ${show(r.sessions).padStart(8)}  ${show(r.bounce_rate).padStart(11)}  ${show(r.avg_duration_s).padStart(14)}`,
          ),
        ].join('\n');
        return { json: { by: flags.by, rows }, text };
      };
    },
    (cmd) =>
      cmd
        .requiredOption('--by <dimension>', `one of: ${BREAKDOWNS.join(', ')}`)
        .option('--limit <n>', `rows at most (up to ${LIMIT.max})`, '20'),
  );
}

function registerPathAnalyses(defs: AnalysisDef[]): void {
  analysis(
    defs,
    'pages',
    'per page: pageviews, sessions, entries, exits, exit rate and time on page',
    (flags) => {
      const options = parseQueryOptions(flags);
      const limit = wholeNumber(flags.limit, '--limit', LIMIT);
      return async (store) => {
        const rows = await pages(store, options, limit);
        const width = Math.max(4, ...rows.map((r) => printable(r.page).length));
        const text = [
          `${'page'.padEnd(width)}  pageviews  sessions  entries  exits  exit_rate  avg_time_on_page_s`,
          ...rows.map(
            (r) =>
              `${printable(r.page).padEnd(width)}  ${show(r.pageviews).padStart(9)}  ${show(r.sessions).padStart(8)}  ${show(r.entries).padStart(7)}  ${show(r.exits).padStart(5)}  ${show(r.exit_rate).padStart(9)}  ${show(r.avg_time_on_page_s).padStart(18)}`,
          ),
        ].join('\n');
        return { json: { rows }, text };
      };
    },
    (cmd) => cmd.option('--limit <n>', `rows at most (up to ${LIMIT.max})`, '20'),
  );
  analysis(
    defs,
    'paths',
    'top page sequences, the pages before and after one page, and Sankey data',
    (flags) => {
      const options = parseQueryOptions(flags);
      const steps = wholeNumber(flags.steps, '--steps', STEPS);
      const limit = wholeNumber(flags.limit, '--limit', LIMIT);
      return async (store) => {
        if (flags.page !== undefined) {
          const a = await around(store, options, flags.page, limit);
          const lines = (title: string, rows: readonly { page: string; count: number; share: number }[]) => [
            title,
            ...rows.map(
              (r) =>
                `  ${show(r.count).padStart(7)}  ${(r.share * 100).toFixed(1).padStart(5)}%  ${printable(r.page)}`,
            ),
          ];
          const text = [
            `${printable(a.page)}: ${show(a.views)} views`,
            ...lines('next', a.next),
            ...lines('previous', a.previous),
          ].join('\n');
          return { json: a, text };
        }
        const top = await topPaths(store, options, steps, limit);
        const graph = await sankey(store, options, steps, 8);
        const text = top
          .map((p) => `${show(p.sessions).padStart(7)}  ${p.pages.map(printable).join(' → ')}`)
          .join('\n');
        return { json: { steps, top, sankey: graph }, text };
      };
    },
    (cmd) =>
      cmd
        .option('--steps <k>', `pages per sequence and Sankey steps (up to ${STEPS.max})`, '3')
        .option('--page <path>', 'show the pages viewed right before and after this one')
        .option('--limit <n>', `rows at most (up to ${LIMIT.max})`, '10'),
  );
}

function registerFunnel(defs: AnalysisDef[]): void {
  analysis(
    defs,
    'funnel',
    'how many sessions go through ordered steps, where they drop off, and how long each step takes',
    (flags) => {
      const options = parseQueryOptions(flags);
      const spec = funnelSpecFromFlags(flags);
      return async (store) => {
        const f = await funnel(store, options, spec);
        const width = Math.max(4, ...f.rows.map((r) => printable(r.name).length));
        const line = (r: FunnelStepRow) =>
          `${String(r.step).padStart(2)}. ${printable(r.name).padEnd(width)}  ${show(r.entered).padStart(8)}  ${show(r.drop_off).padStart(8)}  ${(r.drop_off_share === null ? '–' : `${(r.drop_off_share * 100).toFixed(1)}%`).padStart(7)}  ${show(r.median_time_from_previous_s).padStart(10)}`;
        const header = `    ${'step'.padEnd(width)}  ${f.unit.padStart(8)}  ${'drop'.padStart(8)}  ${'drop %'.padStart(7)}  ${'median s'.padStart(10)}`;
        const text = [
          header,
          ...f.rows.map(line),
          `conversion ${f.conversion_rate === null ? '–' : `${(f.conversion_rate * 100).toFixed(1)} %`}`,
          ...(f.breakdown ?? []).flatMap((b) => [
            '',
            `${flags.by} = ${printable(b.key)}`,
            ...b.rows.map(line),
          ]),
        ].join('\n');
        return { json: f, text };
      };
    },
    (cmd) =>
      cmd
        .option(
          '--step <step>',
          'a step, in order: /path, /pattern/*, or event:NAME (repeatable)',
          collect,
          [],
        )
        .option('--any-order', 'count a step wherever it happens, not only after the previous one', false)
        .option(
          '--window <duration>',
          `across sessions: steps within this time of the first (e.g. 7d, at most ${formatDuration(MAX_DURATION_MS)}); default: within a session`,
        )
        .option(
          '--by <dimension>',
          `a breakdown by one session dimension: ${Object.keys(SESSION_DIMENSIONS).join(', ')}`,
        ),
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function funnelSpecFromFlags(flags: {
  step?: string[];
  anyOrder?: boolean;
  window?: string;
  by?: string;
}): FunnelSpec {
  const steps = parseSteps(flags.step ?? []);
  if (flags.by !== undefined && !Object.hasOwn(SESSION_DIMENSIONS, flags.by)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${flags.by}" for --by`,
      `Use one of: ${Object.keys(SESSION_DIMENSIONS).join(', ')}`,
    );
  }
  return {
    steps,
    anyOrder: flags.anyOrder === true,
    windowMs: flags.window === undefined ? undefined : parseDuration(flags.window, '--window'),
    by: flags.by as SessionDimension | undefined,
  };
}

function analysis(
  defs: AnalysisDef[],
  name: string,
  summary: string,
  plan: AnalysisDef['plan'],
  extra: (cmd: Command) => Command = (cmd) => cmd,
): void {
  defs.push({ name, summary, plan, extra });
}

/** The options an analysis takes, as its command declares them (--db and --json aside). */
export function analysisOptions(def: AnalysisDef): Command['options'] {
  return def.extra(addQueryFlags(new Command(def.name))).options;
}

function registerAnalysis(program: Command, { name, summary, plan, extra }: AnalysisDef): void {
  const cmd = program
    .command(name)
    .summary(summary)
    .description(`${summary[0]!.toUpperCase()}${summary.slice(1)}.`);
  cmd.option('--db <file>', 'the store', DEFAULT_DB);
  extra(addQueryFlags(cmd)).option('--json', 'print JSON', false);
  const extraArgs: Record<string, string> = {
    breakdown: ' --by traffic_source',
    funnel: ' --step / --step /pricing --step event:purchase',
    paths: ' --page /pricing',
    retention: ' --cohort week --periods 8',
  };
  cmd.addHelpText(
    'after',
    `\nExample:\n  stint ${name}${extraArgs[name] ?? ''} --from 2026-10-01 --to 2026-10-31 --tz Europe/Berlin --json`,
  );
  cmd.action(async (flags: AnalysisFlags, command: Command) => {
    refuseUnused(command, [
      {
        option: 'steps',
        when: name === 'paths' && flags.page !== undefined,
        why: 'with --page (it is for sequences)',
      },
      {
        option: 'period',
        when: name === 'retention' && ['day', 'week', 'month'].includes(flags.cohort ?? 'week'),
        why: 'with calendar cohorts (--cohort day|week|month are their own period)',
      },
    ]);
    const run = plan(flags);
    const store = await openExistingStore(flags.db);
    try {
      const result = await run(store);
      await warnOutsideData(store, parseQueryOptions(flags));
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
  return oneOf(text ?? 'sessions', OVERVIEW_METRICS, '--metric');
}

/** A --by value; local hours and weekdays are taken in --tz. */
function parseBy(text: string | undefined, tz: string): GroupKey {
  const by = text ?? '';
  if (by === 'local_hour' || by === 'weekday') return { kind: by, tz };
  if (/^prop\.[A-Za-z0-9_.-]+$/.test(by)) return { kind: 'property', name: by.slice(5) };
  if (!Object.hasOwn(SESSION_DIMENSIONS, by)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${by}" for --by`,
      `Use one of: ${BREAKDOWNS.join(', ')}`,
    );
  }
  return { kind: 'dimension', dimension: by as SessionDimension };
}
