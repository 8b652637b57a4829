/**
 * The report: what the stored sessions say under the rules they were computed with: the
 * overview against the previous period, the time series, sources, entry and exit pages,
 * devices, pages, paths, retention and funnels, then the insights (analysis/insights/
 * report-insights.ts) unless `brief`. `stint report --json`, `GET /api/v1/report` and the HTML
 * report all show this one object (docs/store.md, "Report JSON").
 *
 *   const report = await buildReport(store, parseQueryOptions({ from: '2026-10-01' }), 'day');
 */
import { describeRules } from '../core/describe-rules.ts';
import type { Store } from '../store/store.ts';
import { breakdown, fitUnit, timeseries } from './breakdown.ts';
import { type FunnelSpec, funnel } from './funnel.ts';
import { reportInsights } from './insights/report-insights.ts';
import { overview, pinPeriod } from './overview.ts';
import { pages } from './pages.ts';
import { sankey, topPaths } from './paths.ts';
import type { SessionDimension, TimeUnit } from './plans.ts';
import type { QueryOptions } from './query-options.ts';
import { retention } from './retention.ts';

export async function buildReport(
  store: Store,
  asked: QueryOptions,
  interval: TimeUnit,
  funnels: readonly FunnelSpec[] = [],
  { top = 10, brief = false }: { top?: number; brief?: boolean } = {},
) {
  const rules = await store.rules();
  const options = await pinPeriod(store, asked);
  const o = await overview(store, options);
  const { fromMs, toMs } = options;
  const unit = fromMs === undefined || toMs === undefined ? interval : fitUnit(fromMs, toMs, interval);
  const by = (dimension: SessionDimension) =>
    breakdown(store, options, { kind: 'dimension', dimension }, top);
  return {
    rules_version: rules?.version ?? null,
    rules: rules === undefined ? null : describeRules(rules.rules),
    tz: options.tz,
    range: o.range,
    previous_range: o.previous_range,
    overview: o.metrics,
    timeseries: { interval: unit, rows: await timeseries(store, options, unit) },
    sources: await by('traffic_source'),
    entry_pages: await by('entry_page'),
    exit_pages: await by('exit_page'),
    devices: await by('device_type'),
    channels: await by('channel'),
    countries: await by('country'),
    pages: await pages(store, options, top),
    paths: { top: await topPaths(store, options, 3, top), sankey: await sankey(store, options, 4, 8) },
    retention: await retention(store, options, { cohort: 'week', periods: 8 }),
    ...(funnels.length === 0
      ? {}
      : { funnels: await Promise.all(funnels.map((f) => funnel(store, options, f))) }),
    ...(brief ? {} : await reportInsights(store, options, top)),
  };
}

export type Report = Awaited<ReturnType<typeof buildReport>>;
