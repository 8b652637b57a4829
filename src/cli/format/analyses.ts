/**
 * The terminal text of each analysis (what `stint NAME` prints without --json), from the
 * result its catalogue entry gives and the parameters it ran with.
 *
 *   process.stdout.write(`${analysisText('pages', result, params)}\n`);
 */
import type { AnalysisName, ParamsOf, ResultOf } from '../../analysis/catalog.ts';
import type { FunnelStepRow } from '../../analysis/funnel.ts';
import { OVERVIEW_METRICS } from '../../analysis/overview.ts';
import { label, printable } from '../printable.ts';
import { anomaliesText } from './anomalies.ts';
import { compareText } from './compare.ts';
import { diagnoseText } from './diagnose.ts';
import { driversText } from './drivers.ts';
import { profileText, usersText } from './profile.ts';
import { sparkline } from './sparkline.ts';
import { trendsText } from './trends.ts';

type Formats = { readonly [N in AnalysisName]: (result: ResultOf<N>, params: ParamsOf<N>) => string };

const FORMATS: Formats = {
  overview: (o) => OVERVIEW_METRICS.map((m) => `${m.padEnd(18)} ${show(o.metrics[m].value)}`).join('\n'),
  timeseries: ({ rows }, { metric, interval }) =>
    [
      `${metric} per ${interval}  ${sparkline(rows.map((r) => r[metric] ?? 0))}`,
      ...rows.map((r) => `${r.key.padEnd(13)} ${show(r[metric])}`),
    ].join('\n'),
  breakdown: ({ rows }, { by }) => {
    const width = Math.max(8, ...rows.map((r) => printable(r.key).length));
    return [
      `${(by ?? '').padEnd(width)}  sessions  bounce_rate  avg_duration_s`,
      ...rows.map(
        (r) =>
          `${printable(r.key).padEnd(width)}  ${show(r.sessions).padStart(8)}  ${show(r.bounce_rate).padStart(11)}  ${show(r.avg_duration_s).padStart(14)}`,
      ),
    ].join('\n');
  },
  pages: ({ rows }) => {
    const width = Math.max(4, ...rows.map((r) => printable(r.page).length));
    return [
      `${'page'.padEnd(width)}  pageviews  sessions  entries  exits  exit_rate  avg_time_on_page_s`,
      ...rows.map(
        (r) =>
          `${printable(r.page).padEnd(width)}  ${show(r.pageviews).padStart(9)}  ${show(r.sessions).padStart(8)}  ${show(r.entries).padStart(7)}  ${show(r.exits).padStart(5)}  ${show(r.exit_rate).padStart(9)}  ${show(r.avg_time_on_page_s).padStart(18)}`,
      ),
    ].join('\n');
  },
  paths: (result) => {
    if ('views' in result) {
      const lines = (title: string, rows: readonly { page: string; count: number; share: number }[]) => [
        title,
        ...rows.map(
          (r) =>
            `  ${show(r.count).padStart(7)}  ${(r.share * 100).toFixed(1).padStart(5)}%  ${printable(r.page)}`,
        ),
      ];
      return [
        `${printable(result.page)}: ${show(result.views)} views`,
        ...lines('next', result.next),
        ...lines('previous', result.previous),
      ].join('\n');
    }
    return result.top
      .map((p) => `${show(p.sessions).padStart(7)}  ${p.pages.map(printable).join(' → ')}`)
      .join('\n');
  },
  funnel: (f, { spec }) => {
    const width = Math.max(4, ...f.rows.map((r) => printable(r.name).length));
    const line = (r: FunnelStepRow) =>
      `${String(r.step).padStart(2)}. ${printable(r.name).padEnd(width)}  ${show(r.entered).padStart(8)}  ${show(r.drop_off).padStart(8)}  ${(r.drop_off_share === null ? '–' : `${(r.drop_off_share * 100).toFixed(1)}%`).padStart(7)}  ${show(r.median_time_from_previous_s).padStart(10)}`;
    const header = `    ${'step'.padEnd(width)}  ${f.unit.padStart(8)}  ${'drop'.padStart(8)}  ${'drop %'.padStart(7)}  ${'median s'.padStart(10)}`;
    return [
      header,
      ...f.rows.map(line),
      `conversion ${f.conversion_rate === null ? '–' : `${(f.conversion_rate * 100).toFixed(1)} %`}`,
      ...(f.breakdown ?? []).flatMap((b) => ['', `${spec.by} = ${printable(b.key)}`, ...b.rows.map(line)]),
    ].join('\n');
  },
  retention: (r) => {
    const width = Math.max(6, ...r.rows.map((c) => label(c.cohort).length));
    const cell = (v: number | null) => (v === null ? '' : `${Math.round(v * 100)}%`).padStart(5);
    return [
      `${'cohort'.padEnd(width)}  ${'size'.padStart(7)}  ${Array.from({ length: r.periods + 1 }, (_, k) => `${r.period[0]}${k}`.padStart(5)).join('')}`,
      ...r.rows.map(
        (c) => `${label(c.cohort).padEnd(width)}  ${show(c.size).padStart(7)}  ${c.share.map(cell).join('')}`,
      ),
    ].join('\n');
  },
  activity: (a) => {
    const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    const width = Math.max(3, ...a.sessions.flat().map((n) => show(n).length));
    const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(width)).join(' ');
    return [
      a.zone === 'report'
        ? `sessions by weekday and hour in ${a.tz}`
        : `sessions by weekday and local hour (each visitor's own zone; ${show(a.in_report_zone)} without one in ${a.tz})`,
      `     ${hours}`,
      ...a.sessions.map((row, i) => `${days[i]}  ${row.map((n) => show(n).padStart(width)).join(' ')}`),
      `total ${show(a.total)}`,
    ].join('\n');
  },
  ctr: ({ rows }) => {
    const width = Math.max(7, ...rows.map((r) => label(r.element).length));
    return [
      `${'element'.padEnd(width)}  ${'clicks'.padStart(7)}  ${'views'.padStart(7)}  ${'ctr'.padStart(6)}  pages`,
      ...rows.map(
        (r) =>
          `${label(r.element).padEnd(width)}  ${show(r.clicks).padStart(7)}  ${show(r.pageviews).padStart(7)}  ${(r.ctr === null ? '–' : `${(r.ctr * 100).toFixed(1)}%`).padStart(6)}  ${r.pages.map((p) => label(p)).join(', ')}`,
      ),
    ].join('\n');
  },
  diagnose: (r) => diagnoseText(r),
  drivers: (r) => driversText(r),
  profile: (p) => profileText(p),
  users: (u) => usersText(u),
  trends: (t) => trendsText(t),
  compare: (c) => compareText(c),
  anomalies: (a) => anomaliesText(a),
};

/** An analysis's result as the terminal shows it. */
export function analysisText<N extends AnalysisName>(
  name: N,
  result: ResultOf<N>,
  params: ParamsOf<N>,
): string {
  return FORMATS[name](result, params);
}

export function show(v: number | null): string {
  if (v === null) return '–';
  return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3);
}

/** The same, for a caller that holds a catalogue entry by its name only. */
export function formatAnalysis(name: string, result: unknown, params: unknown): string {
  if (!Object.hasOwn(FORMATS, name)) throw new Error(`no text for the analysis ${name}`);
  return (FORMATS[name as AnalysisName] as (result: unknown, params: unknown) => string)(result, params);
}
