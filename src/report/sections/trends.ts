/**
 * The HTML report's Trends section: per dimension (device, channel, country), each value's share
 * per bucket as a small inline SVG line, its last change, and whether that change is significant
 * (docs/insights/trends.md). Static, escaped HTML.
 *
 *   trendsSection(report.trends) // '<section><h2>Trends</h2>…</section>'
 */
import type { Trends } from '../../analysis/insights/trends.ts';
import { htmlText } from './html-text.ts';

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`;

/** A 120×24 line of shares (0 to the largest), as inline SVG. */
function line(shares: readonly (number | null)[]): string {
  const max = Math.max(0.0001, ...shares.map((s) => s ?? 0));
  const w = 120;
  const h = 24;
  const step = shares.length > 1 ? w / (shares.length - 1) : 0;
  const points = shares
    .map((s, i) => `${(i * step).toFixed(1)},${(h - 2 - ((s ?? 0) / max) * (h - 4)).toFixed(1)}`)
    .join(' ');
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="shares"><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${points}"/></svg>`;
}

export function trendsSection(trends: Trends | undefined): string {
  if (trends === undefined) return '';
  if (trends.buckets.length === 0)
    return '<section><h2>Trends</h2><p class="note">No sessions in the period.</p></section>';
  const first = trends.buckets[0]!;
  const last = trends.buckets[trends.buckets.length - 1]!;
  const tables = trends.dimensions
    .map(({ dimension, values }) => {
      const rows = values
        .map((v) => {
          const c = v.change;
          const mark = c?.significant
            ? ' <strong title="significant (Holm-adjusted p < 0.05)">★</strong>'
            : '';
          const diff =
            c === null ? '–' : `${c.difference >= 0 ? '+' : ''}${(c.difference * 100).toFixed(1)} pts${mark}`;
          const p =
            c?.p_adjusted == null ? '–' : c.p_adjusted < 0.001 ? '&lt;0.001' : c.p_adjusted.toFixed(3);
          return `<tr><td>${htmlText(v.value)}</td><td>${line(v.shares)}</td><td>${pct(c?.from_share)}</td><td>${pct(c?.to_share)}</td><td>${diff}</td><td>${p}</td></tr>`;
        })
        .join('');
      return `<div><h3>${htmlText(dimension)}</h3><table><thead><tr><th>Value</th><th>Share per ${htmlText(trends.interval)}</th><th>Before</th><th>Last</th><th>Change</th><th>p (Holm)</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    })
    .join('');
  return `<section id="trends-section"><h2>Trends</h2>
<p class="note">Shares per ${htmlText(trends.interval)}, ${htmlText(first)} to ${htmlText(last)}; the last ${htmlText(trends.interval)} against ${trends.compare === 'first' ? 'the first' : 'the one before'} (two-proportion z-test, Holm across each dimension's values); ★ marks a significant change.</p>
${tables}
</section>`;
}
