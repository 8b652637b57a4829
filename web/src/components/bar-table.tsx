/**
 * A breakdown as a table with bars: a row per value, its sessions as a bar behind the label,
 * and one more metric. Clicking a row (a button, so keyboards reach it too) filters the whole
 * dashboard by that value. Labels are tracked strings (URLs, referrers…): rendered as text.
 *
 *   <BarTable dimension="device_type" rows={rows} onPick={(v) => addFilter(`device_type=${v}`)} />
 */
import { formatCount, formatMetric } from '../format.ts';

export interface BarRow {
  readonly key: string;
  readonly sessions: number | null;
  readonly [metric: string]: string | number | null;
}

export function BarTable({
  rows,
  label,
  onPick,
  labelOf = (key) => (key === '' ? '(none)' : key),
  metric = 'bounce_rate',
  metricLabel = 'Bounce',
}: {
  rows: readonly BarRow[];
  /** The first column's heading ("Source", "Page"…). */
  label: string;
  onPick: (key: string) => void;
  labelOf?: (key: string) => string;
  metric?: string;
  metricLabel?: string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.sessions ?? 0));
  return (
    <table class="bar-table">
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col" class="num">
            Sessions
          </th>
          <th scope="col" class="num">
            {metricLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const text = labelOf(r.key);
          const value = r[metric];
          return (
            <tr key={r.key}>
              <td class="bar-cell">
                <span class="bar" style={{ width: `${((r.sessions ?? 0) / max) * 100}%` }} />
                <button
                  type="button"
                  class="row-pick"
                  title={`Filter by ${label.toLowerCase()}: ${text}`}
                  onClick={() => onPick(r.key)}
                >
                  {text}
                </button>
              </td>
              <td class="num">{formatCount(r.sessions)}</td>
              <td class="num">{formatMetric(metric, typeof value === 'number' ? value : null)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
