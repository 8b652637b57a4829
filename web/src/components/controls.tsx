/**
 * The header's controls: site picker, date range (presets and custom dates), comparison period
 * and time zone. Each writes the URL (router.ts), so a view's state can be shared and reloaded.
 */
import type { SitesResponse } from '../../../src/api/types.ts';
import { addDays, browserZone, localDate, PRESET_LABELS, PRESETS, type Preset, rangeOf } from '../period.ts';
import { navigate, type Route } from '../router.ts';

/** The zones offered: the browser's, UTC, and every zone the browser knows. */
function zones(current: string): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set([current, browserZone(), 'UTC', ...all])];
}

export function Controls({
  route,
  sites,
  site,
}: {
  route: Route;
  sites: SitesResponse['sites'];
  site: string | undefined;
}) {
  const range = rangeOf(route, Date.now());
  // Live shows what happens now: no period, no comparison.
  const periodic = route.view !== 'live';
  return (
    <div class="controls">
      {route.share === undefined ? (
        <label class="control">
          <span class="control-label">Site</span>
          <select value={site ?? ''} onChange={(e) => navigate({ site: e.currentTarget.value, filters: [] })}>
            {/* The URL's site is there before the list of sites is. */}
            {[...new Set([...(site === undefined ? [] : [site]), ...sites.map((s) => s.name)])].map(
              (name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ),
            )}
          </select>
        </label>
      ) : null}
      {periodic ? (
        <>
          <label class="control">
            <span class="control-label">Period</span>
            <select
              value={route.period}
              onChange={(e) => {
                const period = e.currentTarget.value as Preset;
                navigate(period === 'custom' ? { period, from: range.from, to: range.to } : { period });
              }}
            >
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {PRESET_LABELS[p]}
                </option>
              ))}
            </select>
          </label>
          {route.period === 'custom' ? (
            <>
              <label class="control">
                <span class="control-label">From</span>
                <input
                  type="date"
                  value={range.from}
                  max={range.to}
                  onChange={(e) =>
                    e.currentTarget.value !== '' && navigate({ from: e.currentTarget.value, to: range.to })
                  }
                />
              </label>
              <label class="control">
                <span class="control-label">To</span>
                <input
                  type="date"
                  value={range.to}
                  min={range.from}
                  max={addDays(localDate(Date.now(), route.tz), 1)}
                  onChange={(e) =>
                    e.currentTarget.value !== '' && navigate({ from: range.from, to: e.currentTarget.value })
                  }
                />
              </label>
            </>
          ) : null}
          <label class="control">
            <span class="control-label">Compare</span>
            <select
              value={route.compare}
              onChange={(e) => navigate({ compare: e.currentTarget.value === 'none' ? 'none' : 'previous' })}
            >
              <option value="previous">Previous period</option>
              <option value="none">No comparison</option>
            </select>
          </label>
        </>
      ) : null}
      <label class="control">
        <span class="control-label">Time zone</span>
        <select value={route.tz} onChange={(e) => navigate({ tz: e.currentTarget.value })}>
          {zones(route.tz).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
