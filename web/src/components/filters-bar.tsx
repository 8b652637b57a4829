/**
 * The filters in force, as chips (`device_type = mobile ×`). Clicking a table row adds one;
 * a chip's button removes it. The dashboard sends them as the API's `filter` parameters.
 */
import { navigate, type Route } from '../router.ts';

/** The dimension names as people read them. */
export const DIMENSION_LABELS: Record<string, string> = {
  traffic_source: 'Source',
  source: 'Source',
  channel: 'Channel',
  referrer_domain: 'Referrer',
  medium: 'Medium',
  campaign: 'Campaign',
  entry_page: 'Entry page',
  exit_page: 'Exit page',
  country: 'Country',
  device_type: 'Device',
  browser: 'Browser',
  os: 'OS',
  timezone: 'Time zone',
};

const FILTER = /^([^=!~]+?)\s*(!=|=|~)(.*)$/s;

export function describeFilter(f: string): { name: string; op: string; value: string } {
  const m = FILTER.exec(f);
  if (m === null) return { name: f, op: '', value: '' };
  const name = DIMENSION_LABELS[m[1]!] ?? m[1]!;
  return { name, op: m[2] === '=' ? 'is' : m[2] === '!=' ? 'is not' : 'contains', value: m[3]! };
}

/** Adds `dimension=value` to the route's filters (replacing another value of the same dimension). */
export function addFilter(route: Route, dimension: string, value: string): void {
  const kept = route.filters.filter((f) => !f.startsWith(`${dimension}=`));
  navigate({ filters: [...kept, `${dimension}=${value}`] });
}

export function FiltersBar({ route }: { route: Route }) {
  if (route.filters.length === 0)
    return (
      <div class="filters filters-empty">
        <span class="filters-hint">Click any row of a table to filter by it.</span>
      </div>
    );
  return (
    <section class="filters" aria-label="Filters">
      {route.filters.map((f) => {
        const { name, op, value } = describeFilter(f);
        return (
          <span class="chip" key={f}>
            <span class="chip-name">{name}</span> <span class="chip-op">{op}</span>{' '}
            <span class="chip-value">{value === '' ? '(none)' : value}</span>
            <button
              type="button"
              class="chip-remove"
              aria-label={`Remove filter ${name} ${op} ${value}`}
              onClick={() => navigate({ filters: route.filters.filter((x) => x !== f) })}
            >
              ×
            </button>
          </span>
        );
      })}
      <button type="button" class="link-button" onClick={() => navigate({ filters: [] })}>
        Clear all
      </button>
    </section>
  );
}
