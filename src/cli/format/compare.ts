/**
 * The terminal text of `stint compare`: per comparison a table (metric, A, B, change, 95 %
 * interval, p, Holm-adjusted p, * when significant), the tests and warnings under it, and for a
 * change the interrupted time series (jump and slope change per metric).
 *
 *   compareText(await compare(store, options, spec))
 */

import { NO_VARIATION } from '../../analysis/insights/compare/metrics.ts';
import { metricCells, metricChange, metricInterval, pValue } from '../../analysis/insights/compare/words.ts';
import type { CompareResult, Comparison } from '../../analysis/insights/compare.ts';
import { printable } from '../printable.ts';

const TESTS: Record<string, string> = {
  'two-proportion': 'two-proportion z-test (pooled; interval from the unpooled SE)',
  welch: "Welch's t-test",
  'welch-log': "Welch's t-test on log(1 + x) (interval: ratio of geometric means)",
  'bootstrap-median': 'seeded bootstrap of the median',
};

function table(c: Comparison): string[] {
  const head = ['metric', c.a.label, c.b.label, 'change', '95 % interval', 'p', 'adj. p', ''];
  const rows = c.metrics.map((m) => [
    ...metricCells(m),
    `${m.significant ? '*' : ''}${m.small_sample ? '!' : ''}`,
  ]);
  const cells = [head.map(printable), ...rows];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function tests(c: Comparison): string {
  const by = new Map<string, string[]>();
  for (const m of c.metrics) if (m.test !== null) by.set(m.test, [...(by.get(m.test) ?? []), m.metric]);
  const constant = c.metrics.filter((m) => m.note === NO_VARIATION).map((m) => m.metric);
  return [
    ...[...by.entries()].map(([test, metrics]) => `${TESTS[test] ?? test}: ${metrics.join(', ')}`),
    ...(constant.length === 0 ? [] : [`no test, the same on every session: ${constant.join(', ')}`]),
  ].join('; ');
}

function its(c: Comparison): string[] {
  if (c.its === null) return [];
  const s = c.its;
  const lines = [
    '',
    `interrupted time series: ${s.days.length} day${s.days.length === 1 ? '' : 's'} (${s.days[0] ?? '–'} to ${s.days[s.days.length - 1] ?? '–'}), change on ${s.days[s.change_index] ?? '–'}; jump beyond the trend, 95 % t interval`,
  ];
  if (s.metrics.every((m) => m.fit === null))
    return [...lines.slice(0, 1), `interrupted time series: ${s.metrics[0]?.note ?? 'no days'}`];
  const width = Math.max(...s.metrics.map((m) => m.metric.length));
  for (const m of s.metrics) {
    if (m.fit === null) {
      lines.push(`  ${m.metric.padEnd(width)}  ${m.note}`);
      continue;
    }
    const l = m.fit.level_change;
    const slope = m.fit.slope_change;
    const row = { metric: m.metric };
    lines.push(
      `  ${m.metric.padEnd(width)}  jump ${metricChange({ ...row, difference: l.estimate, relative: null }).padStart(10)}  (${metricInterval({ ...row, interval: { low: l.low, high: l.high, scale: 'difference' } })})  p ${pValue(l.p).padStart(6)}   slope change/day ${metricChange({ ...row, difference: slope.estimate, relative: null })} (p ${pValue(slope.p)})`,
    );
  }
  return lines;
}

export function compareText(r: CompareResult): string {
  const out: string[] = [];
  for (const c of r.comparisons) {
    const seg = c.segment === null ? '' : `${r.segment_by} = ${printable(c.segment)}: `;
    const side = (s: Comparison['a']) =>
      `${printable(s.label)} (${s.from.slice(0, 16).replace('T', ' ')} to ${s.to.slice(0, 16).replace('T', ' ')}, ${s.sessions.toLocaleString('en-US')} sessions)`;
    if (out.length > 0) out.push('');
    out.push(`${seg}A = ${side(c.a)}  against  B = ${side(c.b)}${r.by === null ? '' : `  [${r.by}]`}`);
    out.push(...table(c));
    out.push(`tests: ${tests(c)}`);
    out.push(`* significant at 5 % after ${r.adjustment}; ! too small a sample for the test`);
    for (const w of c.warnings) out.push(`warning: ${w}`);
    out.push(...its(c));
  }
  for (const l of r.left_out) out.push(`left out: ${l}`);
  out.push(`times in UTC; days in ${r.tz}`);
  return out.join('\n');
}
