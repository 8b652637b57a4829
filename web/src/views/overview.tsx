/**
 * Overview: the headline numbers with their change against the previous period, a metric over
 * time (the previous period dashed beside it), and the breakdowns: sources, channels, entry and
 * exit pages, countries, devices, browsers and operating systems. Clicking a KPI charts it;
 * clicking a row filters the dashboard by it.
 */
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../src/api/types.ts';
import { currentToken, urlOf, useApi } from '../api.ts';
import { type BarRow, BarTable } from '../components/bar-table.tsx';
import { Card } from '../components/card.tsx';
import { Chart } from '../components/chart.tsx';
import { addFilter } from '../components/filters-bar.tsx';
import { Empty, ErrorPanel, Loaded, Skeleton } from '../components/states.tsx';
import { countryLabel, formatChange, formatMetric } from '../format.ts';
import { addDays, daysIn, intervalFor, localDate } from '../period.ts';
import { paramsOf, type Query } from '../query.ts';
import { navigate, type Route } from '../router.ts';
import { useDark } from '../theme.ts';
import type { ViewProps } from './index.ts';

type OverviewData = AnalysisResponse<'overview'>;
type Metric = keyof OverviewData['metrics'];

/** The KPI cards, in order; `lowerIsBetter` turns the change's colour around. */
const KPIS: readonly { metric: Metric; label: string; lowerIsBetter?: boolean }[] = [
  { metric: 'sessions', label: 'Sessions' },
  { metric: 'users', label: 'Visitors' },
  { metric: 'pageviews', label: 'Pageviews' },
  { metric: 'bounce_rate', label: 'Bounce rate', lowerIsBetter: true },
  { metric: 'engagement_rate', label: 'Engagement rate' },
  { metric: 'avg_duration_s', label: 'Avg. duration' },
  { metric: 'conversion_rate', label: 'Conversion rate' },
  { metric: 'total_value', label: 'Value' },
];

/** The breakdowns, by the breakdown route's dimension names (`by`). */
const BREAKDOWNS: readonly { by: string; title: string; label: string; labelOf?: (k: string) => string }[] = [
  { by: 'traffic_source', title: 'Sources', label: 'Source' },
  { by: 'channel', title: 'Channels', label: 'Channel' },
  { by: 'entry_page', title: 'Entry pages', label: 'Page' },
  { by: 'exit_page', title: 'Exit pages', label: 'Page' },
  { by: 'country', title: 'Countries', label: 'Country', labelOf: countryLabel },
  { by: 'device_type', title: 'Devices', label: 'Device' },
  { by: 'browser', title: 'Browsers', label: 'Browser' },
  { by: 'os', title: 'Operating systems', label: 'OS' },
];

export function Overview({ route, query }: ViewProps) {
  const metric = (route.extra.metric as Metric | undefined) ?? 'sessions';
  return (
    <div class="view overview">
      {/* First in the tree, so its request is the first one sent (the server answers in order). */}
      <Kpis route={route} query={query} metric={metric} />
      <Card title={`${KPIS.find((k) => k.metric === metric)?.label ?? metric} over time`} wide>
        <Series query={query} metric={metric} />
      </Card>
      <div class="grid">
        {BREAKDOWNS.map((b) => (
          <Breakdown key={b.by} {...b} query={query} route={route} />
        ))}
      </div>
      <p class="report-link">
        {/* The standalone report of the same period and filters (a link: the token goes as access_token). */}
        <a
          href={urlOf('/api/v1/report.html', { ...paramsOf(query), access_token: currentToken() ?? '' })}
          download
        >
          Download the HTML report
        </a>
      </p>
    </div>
  );
}

function Kpis({ route, query, metric }: { route: Route; query: Query; metric: Metric }) {
  const overview = useApi<OverviewData>('/api/v1/overview', paramsOf(query));
  const empty = overview.status === 'ok' && (overview.data.metrics.sessions.value ?? 0) === 0;
  return (
    <>
      <section class="kpis" aria-label="Headline numbers">
        {overview.status === 'loading' ? (
          KPIS.map((k) => (
            <div class="kpi" key={k.metric}>
              <span class="kpi-label">{k.label}</span>
              <Skeleton kind="kpi" />
            </div>
          ))
        ) : overview.status === 'error' ? (
          <div class="kpi-error">
            <ErrorPanel error={overview.error} what="the headline numbers" />
          </div>
        ) : (
          KPIS.map((k) => (
            <Kpi
              key={k.metric}
              {...k}
              data={overview.data}
              compare={query.compare}
              selected={metric === k.metric}
              route={route}
            />
          ))
        )}
      </section>
      {empty ? <NoSessions query={query} /> : null}
    </>
  );
}

function Kpi({
  metric,
  label,
  lowerIsBetter,
  data,
  compare,
  selected,
  route,
}: {
  metric: Metric;
  label: string;
  lowerIsBetter?: boolean;
  data: OverviewData;
  compare: boolean;
  selected: boolean;
  route: Route;
}) {
  const m = data.metrics[metric];
  const change = compare ? m.change : null;
  const good = change === null || change === 0 ? '' : change > 0 !== (lowerIsBetter === true) ? 'up' : 'down';
  return (
    <button
      type="button"
      class={selected ? 'kpi selected' : 'kpi'}
      aria-pressed={selected}
      data-metric={metric}
      onClick={() => navigate({ extra: { ...route.extra, metric } }, { replace: true })}
    >
      <span class="kpi-label">{label}</span>
      <span class="kpi-value" data-value={m.value ?? ''}>
        {formatMetric(metric, m.value)}
      </span>
      {compare ? (
        <span class={`kpi-change ${good}`}>
          {change === null ? 'no earlier data' : `${formatChange(change)} vs previous`}
        </span>
      ) : null}
    </button>
  );
}

/**
 * Nothing in the period: says why it may be, and when the site has sessions at another time
 * (imported logs of past years), offers their last 30 days: the API's period without from/to.
 */
function NoSessions({ query }: { query: Query }) {
  const filtered = query.filters.length > 0;
  const { from: _from, to: _to, ...rest } = paramsOf(query);
  const latest = useApi<OverviewData>(filtered ? undefined : '/api/v1/overview', rest);
  const range =
    latest.status === 'ok' && (latest.data.metrics.sessions.value ?? 0) > 0 ? latest.data.range : null;
  const jump =
    range?.from == null || range.to == null
      ? undefined
      : {
          from: localDate(Date.parse(range.from), query.tz),
          to: localDate(Date.parse(range.to) - 1, query.tz),
        };
  return (
    <Empty
      title="No sessions in this period"
      hint={
        filtered ? (
          'No session matches the filters: remove one above, or pick a longer period.'
        ) : jump === undefined ? (
          'Pick a longer period above, or check that the tracker sends events to this site.'
        ) : (
          <>
            This site has sessions from another time.{' '}
            <button
              type="button"
              class="link-button inline"
              onClick={() => navigate({ period: 'custom', from: jump.from, to: jump.to })}
            >
              Show its latest 30 days ({jump.from} to {jump.to})
            </button>
          </>
        )
      }
    />
  );
}

type SeriesData = AnalysisResponse<'timeseries'>;

function Series({ query, metric }: { query: Query; metric: Metric }) {
  const interval = intervalFor(query.range);
  const params = paramsOf(query, { interval, metric });
  const current = useApi<SeriesData>('/api/v1/timeseries', params);
  const days = daysIn(query.range);
  const previousQuery = {
    ...query,
    range: { from: addDays(query.range.from, -days), to: addDays(query.range.from, -1) },
  };
  // Asked once this period's series is in: the panels still loading get the server's next read slot.
  const previous = useApi<SeriesData>(
    query.compare && current.status !== 'loading' ? '/api/v1/timeseries' : undefined,
    paramsOf(previousQuery, { interval, metric }),
  );
  const dark = useDark();
  const option = useMemo(() => {
    if (current.status !== 'ok') return undefined;
    const rows = current.data.rows;
    const prev = query.compare && previous.status === 'ok' ? previous.data.rows : [];
    const value = (r: (typeof rows)[number]) => r[metric] ?? (METRIC_IS_COUNT[metric] ? 0 : null);
    const accent = dark ? '#8b93ff' : '#4f46e5';
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      legend: { show: prev.length > 0, top: 0, right: 0, data: ['This period', 'Previous period'] },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => formatMetric(metric, typeof v === 'number' ? v : null),
      },
      xAxis: {
        type: 'category',
        boundaryGap: false,
        data: rows.map((r) => (interval === 'hour' ? r.key.slice(11, 16) || r.key : r.key)),
      },
      yAxis: {
        type: 'value',
        axisLabel: { formatter: (v: number) => formatMetric(metric, v) },
        // Counts are whole: no axis of 0, 0.2, 0.4… labelled 0, 0, 0.
        ...(METRIC_IS_COUNT[metric] === true ? { minInterval: 1 } : {}),
        splitLine: { lineStyle: { opacity: 0.4 } },
      },
      series: [
        {
          name: 'This period',
          type: 'line',
          smooth: false,
          showSymbol: rows.length < 40,
          data: rows.map(value),
          lineStyle: { width: 2, color: accent },
          itemStyle: { color: accent },
          areaStyle: { opacity: 0.12, color: accent },
        },
        ...(prev.length === 0
          ? []
          : [
              {
                name: 'Previous period',
                type: 'line',
                showSymbol: false,
                data: prev.slice(0, rows.length).map(value),
                lineStyle: { width: 1.5, type: 'dashed', color: dark ? '#9aa0aa' : '#8a8f98' },
                itemStyle: { color: dark ? '#9aa0aa' : '#8a8f98' },
              },
            ]),
      ],
    };
  }, [current, previous, metric, interval, dark, query.compare]);
  if (current.status === 'loading') return <Skeleton kind="chart" />;
  if (current.status === 'error') return <ErrorPanel error={current.error} what="the time series" />;
  return (
    <Chart option={option!} label={`${metric} per ${interval}, ${query.range.from} to ${query.range.to}`} />
  );
}

const METRIC_IS_COUNT: Record<string, boolean> = {
  sessions: true,
  users: true,
  pageviews: true,
  events: true,
};

function Breakdown({
  by,
  title,
  label,
  labelOf,
  query,
  route,
}: {
  by: string;
  title: string;
  label: string;
  labelOf?: (k: string) => string;
  query: Query;
  route: Route;
}) {
  const state = useApi<AnalysisResponse<'breakdown'>>(
    '/api/v1/breakdown',
    paramsOf(query, { by, limit: '10' }),
  );
  return (
    <Card title={title} id={`card-${by}`}>
      <Loaded state={state} what={title.toLowerCase()}>
        {(data) =>
          data.rows.length === 0 ? (
            <Empty title="Nothing here yet" hint="No session in this period has a value for this." />
          ) : (
            <BarTable
              rows={data.rows as unknown as BarRow[]}
              label={label}
              onPick={(key) => addFilter(route, by, key)}
              {...(labelOf === undefined ? {} : { labelOf })}
            />
          )
        }
      </Loaded>
    </Card>
  );
}
