/**
 * The terminal text of `stint trends`: per dimension, each value's share in the last buckets
 * with a sparkline of all, and its change at the end marked `*` when significant.
 *
 *   trendsText(await trends(store, options, { interval: 'week', compare: 'previous', limit: 5 }))
 */
import type { Trends } from '../../analysis/insights/trends.ts';
import { label } from '../printable.ts';
import { sparkline } from './sparkline.ts';

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);

export function trendsText(t: Trends): string {
  if (t.buckets.length === 0) return 'no sessions in the period';
  const first = t.buckets[0]!;
  const last = t.buckets[t.buckets.length - 1]!;
  const lines = [
    `shares per ${t.interval}, ${first} to ${last} (${t.buckets.length} bucket${t.buckets.length === 1 ? '' : 's'}); last against ${t.compare === 'first' ? 'the first' : 'the one before'}, Holm-adjusted, * p < 0.05`,
  ];
  for (const { dimension, values } of t.dimensions) {
    const width = Math.max(dimension.length, ...values.map((v) => label(v.value).length));
    lines.push(
      '',
      `${dimension.padEnd(width)}  ${'from'.padStart(6)}  ${'to'.padStart(6)}  ${'change'.padStart(7)}  ${'p adj'.padStart(7)}  shares`,
    );
    for (const v of values) {
      const c = v.change;
      const change = c === null ? '–' : `${c.difference >= 0 ? '+' : ''}${(c.difference * 100).toFixed(1)}`;
      const p = c?.p_adjusted == null ? '–' : c.p_adjusted < 0.001 ? '<0.001' : c.p_adjusted.toFixed(3);
      lines.push(
        `${label(v.value).padEnd(width)}  ${pct(c?.from_share ?? null).padStart(6)}  ${pct(c?.to_share ?? null).padStart(6)}  ${change.padStart(7)}  ${p.padStart(7)}${c?.significant ? '*' : ' '} ${sparkline(v.shares.map((s) => s ?? 0))}`,
      );
    }
  }
  return lines.join('\n');
}
