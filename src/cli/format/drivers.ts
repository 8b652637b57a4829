/**
 * The terminal text of `stint drivers`: the sentences of the significant drivers first, then
 * the ranked table, then the values listed apart (too few sessions or conversions).
 *
 *   driversText(result) // 'purchase: 169 of 4,774 sessions convert (3.5 %)\n\n• sessions over 10 minutes …'
 */

import { times } from '../../analysis/insights/drivers/words.ts';
import type { Drivers } from '../../analysis/insights/drivers.ts';
import { label, printable } from '../printable.ts';

const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, what: string): string => `${count(n)} ${what}${n === 1 ? '' : 's'}`;
const percent = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** A p-value as it is read: 0.032, 4e-7, < 1e-300. */
export function pText(p: number): string {
  if (p === 0) return '< 1e-300';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(0);
}

export function driversText(r: Drivers): string {
  if (r.goal === null) {
    return [
      `no goal: ${printable(r.goal_from)}`,
      `give --goal with an event name${r.events.length === 0 ? '' : `, one of the commonest: ${r.events.map((e) => label(e.name)).join(', ')}`}`,
    ].join('\n');
  }
  const chosen = r.goal_from === 'given' ? '' : ` (${printable(r.goal_from)})`;
  const head = `${printable(r.goal)}${chosen}: ${count(r.conversions)} of ${count(r.sessions)} sessions convert${r.rate === null ? '' : ` (${percent(r.rate)})`}`;
  if (r.sessions === 0) return `${head}\nno sessions in the period`;
  if (r.conversions === 0) return `${head}\nno session in the period converts: nothing to rank`;
  const significant = r.ranked.filter((d) => d.significant);
  const lines = [head, ''];
  if (significant.length === 0)
    lines.push('no trait goes with converting significantly (Holm-adjusted p < 0.05)');
  for (const d of significant) lines.push(`• ${printable(d.sentence)}`);
  lines.push('');
  const width = Math.max(5, ...r.ranked.map((d) => label(d.label, 40).length));
  lines.push(
    `${'trait'.padEnd(10)}  ${'value'.padEnd(width)}  ${'sessions'.padStart(8)}  ${'conv'.padStart(6)}  ${'rate'.padStart(7)}  ${'lift'.padStart(7)}  ${'95 % interval'.padStart(15)}  ${'p (Holm)'.padStart(8)}`,
  );
  for (const d of r.ranked) {
    lines.push(
      `${d.trait.padEnd(10)}  ${label(d.label, 40).padEnd(width)}  ${count(d.sessions).padStart(8)}  ${count(d.conversions).padStart(6)}  ${percent(d.rate).padStart(7)}  ${times(d.lift).padStart(7)}  ${`${times(d.low)}–${times(d.high)}`.padStart(15)}  ${pText(d.p_adjusted).padStart(8)}${d.significant ? ' *' : ''}`,
    );
  }
  lines.push(
    '',
    `ranked by Holm-adjusted p over ${count(r.ranked.length)} comparisons, then by the size of the lift; * p < 0.05; hour and weekday in each visitor's own zone (${count(r.in_report_zone)} sessions without one in ${r.tz})`,
  );
  if (r.apart.length > 0) {
    lines.push(
      '',
      `listed apart, not ranked (fewer than ${count(r.min_sessions)} sessions on a side, or no conversion to give an interval):`,
    );
    for (const a of r.apart) {
      lines.push(
        `  ${a.trait.padEnd(10)}  ${label(a.label, 40)}  ${count(a.sessions)} sessions, ${plural(a.conversions, 'conversion')}${a.reason === 'few_sessions' ? '' : a.conversions === 0 ? ': none converts' : ': every conversion is here, no finite lift'}`,
      );
    }
    if (r.apart_left_out > 0) lines.push(`  … and ${count(r.apart_left_out)} more values with few sessions`);
  }
  return lines.join('\n');
}
