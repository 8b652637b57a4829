/**
 * How numbers, durations, changes and countries read on the dashboard. Every function returns
 * plain text: the views render it as text, never as HTML.
 *
 *   formatMetric('bounce_rate', 0.412) // '41.2%'     formatDuration(83) // '1m 23s'
 */
const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });

export function formatCount(n: number | null): string {
  if (n === null) return '–';
  return Math.abs(n) >= 100_000 ? compact.format(n) : integer.format(n);
}

export function formatDuration(s: number | null): string {
  if (s === null) return '–';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function formatPercent(x: number | null): string {
  return x === null ? '–' : percent.format(x);
}

export type MetricKind = 'count' | 'rate' | 'duration' | 'decimal';

export const METRIC_KIND: Record<string, MetricKind> = {
  sessions: 'count',
  users: 'count',
  pageviews: 'count',
  events: 'count',
  bounce_rate: 'rate',
  engagement_rate: 'rate',
  conversion_rate: 'rate',
  avg_duration_s: 'duration',
  median_duration_s: 'duration',
  pages_per_session: 'decimal',
  avg_value: 'decimal',
  total_value: 'decimal',
};

export function formatMetric(metric: string, value: number | null): string {
  const kind = METRIC_KIND[metric] ?? 'decimal';
  if (value === null) return '–';
  if (kind === 'count') return formatCount(value);
  if (kind === 'rate') return formatPercent(value);
  if (kind === 'duration') return formatDuration(value);
  return Math.abs(value) >= 100_000 ? compact.format(value) : decimal.format(value);
}

/** A relative change as "+12.3%" / "−4%"; empty when there is none to compare with. */
export function formatChange(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return '';
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  return `${sign}${percent.format(Math.abs(change))}`;
}

let regionNames: Intl.DisplayNames | undefined;

/** An ISO 3166-1 alpha-2 code as its flag and name ("🇩🇪 Germany"); '' is "unknown". */
export function countryLabel(code: string): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code === '' ? 'unknown' : code;
  const upper = code.toUpperCase();
  const flag = String.fromCodePoint(...[...upper].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
  try {
    regionNames ??= new Intl.DisplayNames(['en'], { type: 'region' });
    return `${flag} ${regionNames.of(upper) ?? upper}`;
  } catch {
    return `${flag} ${upper}`;
  }
}
