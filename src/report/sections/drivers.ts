/**
 * The HTML report's "What converts" section: the sentences of the significant drivers, the
 * ranked lifts as a forest plot (inline SVG, log scale, a line at 1×) and as a table. Every
 * tracked string (goal, values) is escaped text.
 *
 *   driversSection(report.drivers) // '<section id="drivers"><h2>What converts: purchase</h2>…'
 */
import type { ReportDrivers } from '../../analysis/insights/drivers/report-drivers.ts';
import { times } from '../../analysis/insights/drivers/words.ts';
import { htmlText } from './html-text.ts';

const count = (n: number): string => n.toLocaleString('en-US');
const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;
const pText = (p: number): string => (p === 0 ? '< 1e-300' : p >= 0.001 ? p.toFixed(3) : p.toExponential(0));

const STYLE = `<style>
#drivers .note { color: #6b7280; font-size: 13px; }
#drivers ul { background: #fff; border-radius: 8px; padding: 12px 12px 12px 32px; margin: 0 0 12px; font-size: 14px; }
#drivers svg { background: #fff; border-radius: 8px; display: block; margin-bottom: 12px; max-width: 100%; }
#drivers svg text { font-size: 11px; fill: #4a5161; }
#drivers td.sig { color: #15803d; font-weight: 600; }
</style>`;

export function driversSection(d: ReportDrivers | undefined): string {
  // No configured goal occurs: the report has no drivers field, and no section.
  if (d === undefined) return '';
  const head = `<h2>What converts: ${htmlText(d.goal)}</h2>
<p class="note">${htmlText(d.goal_from.charAt(0).toUpperCase() + d.goal_from.slice(1))}; ${count(d.conversions)} of ${count(d.sessions)} sessions convert${d.rate === null ? '' : ` (${percent(d.rate)})`}. Lift against all other sessions (or, for “over …”, against the shorter or shallower ones), 95 % interval, p Holm-adjusted over every comparison; hour and weekday in each visitor's own zone.</p>`;
  if (d.ranked.length === 0) {
    return `${STYLE}<section id="drivers">${head}<p class="note">Nothing to rank: ${d.conversions === 0 ? 'no session in the period converts' : `no value has ${count(d.min_sessions)} sessions and a conversion on each side`}.</p></section>`;
  }
  const significant = d.ranked.filter((r) => r.significant);
  const sentences =
    significant.length === 0
      ? '<p class="note">No trait goes with converting significantly (Holm-adjusted p &lt; 0.05).</p>'
      : `<ul>${significant.map((r) => `<li>${htmlText(r.sentence)}</li>`).join('')}</ul>`;
  const rows = d.ranked
    .map(
      (r) =>
        `<tr><td>${htmlText(r.trait)}: ${htmlText(r.label)}</td><td>${count(r.sessions)}</td><td>${count(r.conversions)}</td><td>${percent(r.rate)}</td><td${r.significant ? ' class="sig"' : ''}>${times(r.lift)}</td><td>${times(r.low)}–${times(r.high)}</td><td>${pText(r.p_adjusted)}</td></tr>`,
    )
    .join('');
  const more: string[] = [];
  if (d.ranked_left_out > 0) more.push(`${count(d.ranked_left_out)} weaker drivers`);
  if (d.apart.length + d.apart_left_out > 0)
    more.push(
      `${count(d.apart.length + d.apart_left_out)} values listed apart (fewer than ${count(d.min_sessions)} sessions on a side, or no conversion to give an interval)`,
    );
  return `${STYLE}<section id="drivers">${head}${sentences}${forestPlot(d)}
<table><thead><tr><th>Trait: value</th><th>Sessions</th><th>Conversions</th><th>Rate</th><th>Lift</th><th>95 % interval</th><th>p (Holm)</th></tr></thead><tbody>${rows}</tbody></table>
${more.length === 0 ? '' : `<p class="note">Not shown: ${more.join('; ')}. All of them: <code>stint drivers --goal ${htmlText(d.goal)}</code>.</p>`}</section>`;
}

/** Each ranked lift as a point with its interval as a bar, on a log scale, with a line at 1×. */
function forestPlot(d: ReportDrivers): string {
  const rowH = 20;
  const left = 260;
  const width = 760;
  const plotW = width - left - 20;
  const top = 10;
  const height = top + d.ranked.length * rowH + 24;
  const lo = Math.min(0.5, ...d.ranked.map((r) => r.low));
  const hi = Math.max(2, ...d.ranked.map((r) => r.high));
  const x = (v: number) => left + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * plotW;
  const ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100].filter((t) => t >= lo && t <= hi);
  const parts: string[] = [];
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${top}" y2="${height - 20}" stroke="${t === 1 ? '#6b7280' : '#eceef2'}"${t === 1 ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${tx}" y="${height - 6}" text-anchor="middle">${t}×</text>`,
    );
  }
  d.ranked.forEach((r, i) => {
    const y = top + i * rowH + rowH / 2;
    const colour = r.significant ? (r.lift > 1 ? '#15803d' : '#b91c1c') : '#9ca3af';
    const name = `${r.trait}: ${r.label}`;
    parts.push(
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end">${htmlText(name.length > 40 ? `${name.slice(0, 39)}…` : name)}</text>`,
      `<line x1="${x(r.low).toFixed(1)}" x2="${x(r.high).toFixed(1)}" y1="${y}" y2="${y}" stroke="${colour}" stroke-width="2"/>`,
      `<circle cx="${x(r.lift).toFixed(1)}" cy="${y}" r="4" fill="${colour}"><title>${htmlText(r.sentence)}</title></circle>`,
    );
  });
  return `<svg role="img" aria-label="Lifts with their 95 % intervals" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${parts.join('')}</svg>`;
}
