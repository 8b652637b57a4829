/**
 * Compare: the dashboard's period against its comparison period (the previous one of equal
 * length, as the overview holds it), or before against after a change date, every metric with
 * its test, 95 % interval and Holm-adjusted p, significant ones marked (GET /api/v1/compare).
 * For a change, the interrupted time series of one metric: the daily values and the two fitted lines.
 */
import { useMemo } from 'preact/hooks';
import {
  metricChange,
  metricInterval,
  metricValue,
  pValue,
} from '../../../../src/analysis/insights/compare/words.ts';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatMetric } from '../../format.ts';
import { addDays, daysIn } from '../../period.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';
import './compare.css';

type CompareData = AnalysisResponse<'compare'>;
type Comparison = CompareData['comparisons'][number];
type Series = NonNullable<Comparison['its']>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function Compare({ route, query }: ViewProps) {
  const change = DATE.test(route.extra.change ?? '') ? route.extra.change : undefined;
  const mode = route.extra.mode === 'change' ? 'change' : 'previous';
  const days = daysIn(query.range);
  const previous = { from: addDays(query.range.from, -days), to: addDays(query.range.from, -1) };
  // Before/after: the change's default day is the middle of the period.
  const at = change ?? addDays(query.range.from, Math.floor(days / 2));
  const params =
    mode === 'change'
      ? paramsOf(query, { change: at })
      : paramsOf(query, {
          a: `${previous.from}..${previous.to}`,
          b: `${query.range.from}..${query.range.to}`,
        });
  const state = useApi<CompareData>('/api/v1/compare', params);
  const set = (extra: Record<string, string>) =>
    navigate({ extra: { ...route.extra, ...extra } }, { replace: true });
  return (
    <>
      <fieldset class="compare-controls">
        <legend class="visually-hidden">What to compare</legend>
        <label>
          <input
            type="radio"
            name="compare-mode"
            checked={mode === 'previous'}
            onChange={() => set({ mode: 'previous' })}
          />{' '}
          This period against the previous {days} days
        </label>
        <label>
          <input
            type="radio"
            name="compare-mode"
            checked={mode === 'change'}
            onChange={() => set({ mode: 'change' })}
          />{' '}
          Before and after a change on
        </label>
        <input
          type="date"
          aria-label="Change date"
          value={at}
          min={query.range.from}
          max={query.range.to}
          onChange={(e) => {
            const v = (e.target as HTMLInputElement).value;
            if (DATE.test(v)) set({ mode: 'change', change: v });
          }}
        />
      </fieldset>
      <Loaded state={state} what="the comparison">
        {(data) => {
          const c = data.comparisons[0];
          if (c === undefined || c.a.sessions + c.b.sessions === 0)
            return (
              <Card title="Compare" wide>
                <Empty title="No sessions to compare" hint="Pick a longer period, or remove a filter." />
              </Card>
            );
          return (
            <>
              <CompareTable data={data} c={c} />
              {c.its === null ? null : (
                <ItsCard series={c.its} metric={route.extra.metric ?? 'conversion_rate'} set={set} />
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function CompareTable({ data, c }: { data: CompareData; c: Comparison }) {
  const side = (s: Comparison['a']) => (data.mode === 'change' ? s.label : s.label.replace('..', ' – '));
  const title =
    data.mode === 'change'
      ? `After the change (from ${c.b.from.slice(0, 10)}) against before`
      : `${side(c.b)} against ${side(c.a)}`;
  return (
    <Card title={title} wide>
      <div class="table-scroll">
        <table class="compare-table">
          <thead>
            <tr>
              <th>Metric</th>
              <th class="num">{side(c.a)}</th>
              <th class="num">{side(c.b)}</th>
              <th class="num">Change</th>
              <th class="num">95 % interval</th>
              <th class="num">p</th>
              <th class="num">Adjusted p</th>
              <th>Significant</th>
            </tr>
          </thead>
          <tbody>
            {c.metrics.map((m) => (
              <tr key={m.metric} data-metric={m.metric} class={m.significant ? 'significant' : undefined}>
                <th scope="row" title={m.note}>
                  {m.metric.replaceAll('_', ' ')}
                </th>
                <td class="num" data-testid="a">
                  {metricValue(m.metric, m.a)}
                </td>
                <td class="num" data-testid="b">
                  {metricValue(m.metric, m.b)}
                </td>
                <td class="num">{metricChange(m)}</td>
                <td class="num">{metricInterval(m)}</td>
                <td class="num" data-testid="p">
                  {pValue(m.p)}
                </td>
                <td class="num" data-testid="p-adjusted">
                  {pValue(m.p_adjusted)}
                </td>
                <td>
                  {m.significant ? <span class="compare-sig">significant</span> : m.p === null ? '' : 'no'}
                  {m.small_sample ? <span class="compare-small"> small sample</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted small">
        {c.a.sessions.toLocaleString('en-US')} against {c.b.sessions.toLocaleString('en-US')} sessions.
        Significant: Holm-adjusted p below 0.05 ({data.adjustment}). Totals (sessions, users, pageviews,
        events, total value) get no test. Hover a metric for its test.
      </p>
      {c.warnings.length === 0 ? null : (
        <ul class="compare-warnings">
          {c.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function ItsCard({
  series,
  metric,
  set,
}: {
  series: Series;
  metric: string;
  set: (extra: Record<string, string>) => void;
}) {
  const dark = useDark();
  const m = series.metrics.find((x) => x.metric === metric) ?? series.metrics[0]!;
  const option = useMemo(() => {
    const split = series.change_index;
    const fitted = m.fitted ?? [];
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0, right: 0, data: ['Daily value', 'Fit before', 'Fit after'] },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => formatMetric(m.metric, typeof v === 'number' ? v : null),
      },
      xAxis: { type: 'category', data: series.days },
      yAxis: {
        type: 'value',
        scale: true,
        // Counts per day keep ECharts' own labels (rounded ones would repeat: 12, 12, 12).
        ...(m.metric === 'sessions'
          ? {}
          : { axisLabel: { formatter: (v: number) => formatMetric(m.metric, v) } }),
        splitLine: { lineStyle: { opacity: 0.4 } },
      },
      series: [
        {
          name: 'Daily value',
          type: 'line',
          data: m.values,
          symbolSize: 5,
          lineStyle: { opacity: 0.35 },
          itemStyle: { color: dark ? '#a1a8b3' : '#5b6470' },
        },
        {
          name: 'Fit before',
          type: 'line',
          showSymbol: false,
          data: fitted.map((v, i) => (i < split ? v : null)),
          lineStyle: { width: 3 },
          itemStyle: { color: dark ? '#8b93ff' : '#4f46e5' },
        },
        {
          name: 'Fit after',
          type: 'line',
          showSymbol: false,
          data: fitted.map((v, i) => (i >= split ? v : null)),
          lineStyle: { width: 3 },
          itemStyle: { color: dark ? '#4ade80' : '#0f7b48' },
        },
      ],
    };
  }, [series, m, dark]);
  const jump = m.fit?.level_change;
  return (
    <Card
      title="Interrupted time series"
      wide
      actions={
        <select
          aria-label="Metric of the time series"
          value={m.metric}
          onChange={(e) => set({ metric: (e.target as HTMLSelectElement).value })}
        >
          {series.metrics.map((x) => (
            <option key={x.metric} value={x.metric}>
              {x.metric.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      }
    >
      <p class="compare-its-headline" data-testid="its-jump">
        {jump === undefined
          ? m.note
          : `Jump on ${series.days[series.change_index] ?? ''} beyond the trend: ${metricChange({ metric: m.metric, difference: jump.estimate, relative: null })} (95 % interval ${metricInterval({ metric: m.metric, interval: { low: jump.low, high: jump.high, scale: 'difference' } })}, p ${pValue(jump.p)})`}
      </p>
      <Chart
        option={option}
        label={`Daily ${m.metric.replaceAll('_', ' ')} with the fitted lines before and after the change`}
        height={300}
      />
    </Card>
  );
}
