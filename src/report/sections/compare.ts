/**
 * The report's comparison section: the period against the previous one, each metric with both
 * values, the change, the 95 % interval, p and Holm-adjusted p, significant ones marked; the
 * tests and warnings under it. Static HTML, every text escaped.
 *
 *   `<main>…${compareSection(report.compare)}…</main>`
 */

import { metricCells } from '../../analysis/insights/compare/words.ts';
import type { CompareResult } from '../../analysis/insights/compare.ts';
import { htmlText } from './html-text.ts';

const STYLE = `<style>
#compare td.sig { color: #15803d; font-weight: 600; }
#compare td.mark { text-align: center; }
#compare .notes { color: #6b7280; font-size: 12px; margin: 6px 0 0; padding-left: 18px; }
#compare .warn { color: #b45309; }
</style>`;

export function compareSection(compare: CompareResult | null | undefined): string {
  if (compare === null || compare === undefined) {
    return `<section id="compare"><h2>Compared with the previous period</h2><div class="empty">No sessions to compare.</div></section>`;
  }
  const c = compare.comparisons[0];
  if (c === undefined) return '';
  const head = [
    'Metric',
    `Previous (${c.a.sessions.toLocaleString('en-US')} sessions)`,
    `Current (${c.b.sessions.toLocaleString('en-US')} sessions)`,
    'Change',
    '95 % interval',
    'p',
    'Adjusted p',
    'Significant',
  ];
  const rows = c.metrics.map((m) => {
    const cells = metricCells(m).map(
      (t, i) => `<td${i === 3 && m.significant ? ' class="sig"' : ''}>${htmlText(t)}</td>`,
    );
    const mark = m.significant ? 'yes' : m.p_adjusted === null ? '' : 'no';
    return `<tr data-metric="${htmlText(m.metric)}">${cells.join('')}<td class="mark${m.significant ? ' sig' : ''}">${mark}${m.small_sample ? ' (small sample)' : ''}</td></tr>`;
  });
  // One line per note, naming the metrics it is about.
  const byNote = new Map<string, string[]>();
  for (const m of c.metrics) byNote.set(m.note, [...(byNote.get(m.note) ?? []), m.metric]);
  const notes = [
    `Significant: Holm-adjusted p below 0.05 (${compare.adjustment}).`,
    ...[...byNote.entries()].map(([note, metrics]) => `${metrics.join(', ')}: ${note}`),
  ];
  return `<section id="compare"><h2>Compared with the previous period</h2>${STYLE}
<table><tr>${head.map((h) => `<th>${htmlText(h)}</th>`).join('')}</tr>
${rows.join('\n')}
</table>
<ul class="notes">${notes.map((n) => `<li>${htmlText(n)}</li>`).join('')}${c.warnings.map((w) => `<li class="warn">Warning: ${htmlText(w)}</li>`).join('')}</ul>
</section>`;
}
