/**
 * The insights block of `stint report`'s terminal text: what changed significantly against the
 * previous period, the sessions that look fraud-like, what converts, the diagnosis's warnings
 * and users by level, one line each, with the command that tells more.
 *
 *   lines.push('', ...insightLines(report, colors));
 */
import type pc from 'picocolors';
import type { ReportInsights } from '../../analysis/insights/report-insights.ts';
import type { Report } from '../../analysis/report.ts';
import { printable } from '../printable.ts';

type Colors = ReturnType<typeof pc.createColors>;

const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
const count = (n: number): string => n.toLocaleString('en-US');
const pText = (p: number | null): string => (p === null ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));

/** Nothing for a brief report (no insights in it). */
export function insightLines(report: Report, c: Colors): string[] {
  const { compare, anomalies: a, drivers, diagnose, users } = report as Partial<ReportInsights>;
  if (a === undefined || diagnose === undefined || users === undefined) return [];
  const lines = [c.bold('insights')];
  const all = compare?.comparisons[0];
  if (all !== undefined) {
    const changed = all.metrics.filter((m) => m.significant);
    lines.push(
      changed.length === 0
        ? '  no metric changed significantly against the previous period (Holm-adjusted p < 0.05)'
        : `  changed against the previous period: ${changed
            .map(
              (m) => `${m.metric} ${show(m.metric, m.a)} → ${show(m.metric, m.b)} (p ${pText(m.p_adjusted)})`,
            )
            .join('; ')}`,
    );
  }
  const reasons = Object.entries(a.by_reason)
    .sort((x, y) => y[1] - x[1])
    .map(([code, n]) => `${code} ${count(n)}`);
  lines.push(
    `  ${count(a.flagged)} of ${count(a.scored)} sessions look anomalous${reasons.length === 0 ? '' : ` (${reasons.join(', ')})`}; ${count(a.days.length)} anomalous days  ${c.dim('stint anomalies')}`,
  );
  const top = drivers?.ranked.find((d) => d.significant);
  if (drivers !== undefined)
    lines.push(
      `  what converts to ${printable(drivers.goal)}: ${top === undefined ? 'no trait goes with it significantly' : top.sentence}  ${c.dim('stint drivers')}`,
    );
  const faults = diagnose.findings.filter((f) => f.severity !== 'info');
  lines.push(
    faults.length === 0
      ? `  the diagnosis finds nothing to fix  ${c.dim('stint diagnose')}`
      : `  ${faults.map((f) => `${f.severity}: ${f.title}`).join('; ')}  ${c.dim('stint diagnose')}`,
  );
  const u = users.counts;
  lines.push(
    `  users: ${count(u.new)} new, ${count(u.casual)} casual, ${count(u.core)} core, ${count(u.power)} power  ${c.dim('stint users')}`,
  );
  return lines;
}

function show(metric: string, v: number | null): string {
  if (v === null) return '–';
  if (metric.endsWith('_rate')) return percent(v);
  if (metric.endsWith('_s')) return `${v.toFixed(1)} s`;
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
