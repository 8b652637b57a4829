/**
 * The terminal text of `stint report`: the overview against the previous period, a sparkline,
 * the tables and the funnels, coloured on a TTY only.
 *
 *   process.stdout.write(formatReport(report, 'stint.duckdb'));
 *   process.stdout.write(formatReport(report, '', 'Site "shop" at http://127.0.0.1:8080 has no sessions yet\n'));
 */
import pc from 'picocolors';
import type { Row } from '../../analysis/breakdown.ts';
import type { OverviewMetric } from '../../analysis/overview.ts';
import type { PageRow } from '../../analysis/pages.ts';
import type { Report } from '../../analysis/report.ts';
import { label, printable } from '../printable.ts';
import { insightLines } from './report-insights.ts';
import { sparkline } from './sparkline.ts';

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

/** `empty`: what to say when there are no sessions (default: the store `db` has none). */
export function formatReport(report: Report, db: string, empty?: string): string {
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  if (report.range.from === null && empty !== undefined) return empty;
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
    ['channels', report.channels],
    ['countries', report.countries],
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
  const insights = insightLines(report, c);
  if (insights.length > 0) lines.push('', ...insights);
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
