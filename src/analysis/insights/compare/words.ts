/**
 * A comparison's numbers in words, shared by the terminal, the HTML report and the dashboard:
 * rates in % (differences in percentage points), durations in s, ratios as ×, p below 0.001
 * as <0.001.
 *
 *   metricChange({ metric: 'conversion_rate', difference: 0.021, relative: 0.7 }) // '+2.1 pp (+70.0 %)'
 */
import type { MetricRow } from './metrics.ts';

export const isRate = (m: string) => m.endsWith('_rate');
export const isSeconds = (m: string) => m.endsWith('_s');

/** A metric's value: rates in %, durations in s, counts whole. */
export function metricValue(metric: string, v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  if (isRate(metric)) return `${(v * 100).toFixed(1)} %`;
  if (isSeconds(metric)) return `${v.toFixed(1)} s`;
  return plain(v);
}

/** A whole number as is, any other with two decimals, both with thousands separators. */
const plain = (v: number) =>
  Number.isInteger(v)
    ? v.toLocaleString('en-US')
    : v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `text` with a + for a positive `v`; a zero as rounded is unsigned (no -0.0). */
const signed = (text: string, v: number) =>
  /^-?0(\.0*)?$/.test(text) ? text.replace('-', '') : v > 0 ? `+${text}` : text;

/** B − A in the metric's unit (percentage points for rates), and the relative change. */
export function metricChange(row: Pick<MetricRow, 'metric' | 'difference' | 'relative'>): string {
  if (row.difference === null) return '–';
  const d = row.difference;
  const abs = isRate(row.metric)
    ? `${signed((d * 100).toFixed(1), d)} pp`
    : isSeconds(row.metric)
      ? `${signed(d.toFixed(1), d)} s`
      : signed(plain(d), d);
  return row.relative === null ? abs : `${abs} (${signed((row.relative * 100).toFixed(1), row.relative)} %)`;
}

export function metricInterval(row: Pick<MetricRow, 'metric' | 'interval'>): string {
  const i = row.interval;
  if (i === null) return '–';
  if (i.scale === 'ratio') return `×${i.low.toFixed(3)} to ×${i.high.toFixed(3)}`;
  const one = (v: number) =>
    isRate(row.metric)
      ? signed((v * 100).toFixed(1), v)
      : signed(v.toFixed(isSeconds(row.metric) ? 1 : 2), v);
  return `${one(i.low)} to ${one(i.high)}${isRate(row.metric) ? ' pp' : isSeconds(row.metric) ? ' s' : ''}`;
}

export function pValue(p: number | null): string {
  if (p === null) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

/** A metric's row as text: metric, A, B, change, 95 % interval, p, adjusted p. */
export function metricCells(m: MetricRow): string[] {
  return [
    m.metric,
    metricValue(m.metric, m.a),
    metricValue(m.metric, m.b),
    metricChange(m),
    metricInterval(m),
    pValue(m.p),
    pValue(m.p_adjusted),
  ];
}
