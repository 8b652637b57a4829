/**
 * Trends: device, channel and country shares per week (GET /api/v1/trends) as stacked share
 * charts, with each value's last change and a ★ where it is significant (Holm-adjusted p < 0.05).
 * `?i=trends&interval=day`.
 */
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { countryLabel, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import type { ViewProps } from '../index.ts';
import './trends.css';

type TrendsData = AnalysisResponse<'trends'>;
type Dimension = TrendsData['dimensions'][number];

const INTERVALS = ['day', 'week', 'month'];
const TITLES: Record<string, string> = { device_type: 'Devices', channel: 'Channels', country: 'Countries' };

export function Trends({ route, query }: ViewProps) {
  const interval = INTERVALS.includes(route.extra.interval ?? '') ? route.extra.interval! : 'week';
  const state = useApi<TrendsData>('/api/v1/trends', paramsOf(query, { interval }));
  return (
    <Card
      title="Trends: shares over time"
      wide
      actions={
        <label class="control inline-control">
          <span class="control-label">Per</span>
          <select
            value={interval}
            onChange={(e) => navigate({ extra: { ...route.extra, interval: e.currentTarget.value } })}
          >
            {INTERVALS.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Loaded state={state} what="the trends">
        {(data) =>
          data.buckets.length === 0 ? (
            <Empty title="No sessions in this period" hint="Pick a longer period, or remove a filter." />
          ) : (
            <>
              <p class="muted small">
                The last {data.interval} against the one before: two-proportion z-test per value,
                Holm-adjusted within each chart; ★ marks a significant change (p &lt; 0.05).
              </p>
              <div class="trends-grid">
                {data.dimensions.map((d) => (
                  <ShareChart key={d.dimension} d={d} buckets={data.buckets} />
                ))}
              </div>
            </>
          )
        }
      </Loaded>
    </Card>
  );
}

const nameOf = (dimension: string, value: string) => (dimension === 'country' ? countryLabel(value) : value);

function ShareChart({ d, buckets }: { d: Dimension; buckets: string[] }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { type: 'scroll', top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => formatPercent(v) },
      xAxis: { type: 'category', data: buckets, boundaryGap: false },
      yAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      series: d.values.map((v) => ({
        name: `${nameOf(d.dimension, v.value)}${v.change?.significant ? ' ★' : ''}`,
        type: 'line',
        stack: 'share',
        areaStyle: { opacity: 0.5 },
        symbol: 'none',
        data: v.shares.map((s) => s ?? 0),
      })),
    }),
    [d, buckets],
  );
  return (
    <div class="trend" data-testid={`trend-${d.dimension}`}>
      <h3>{TITLES[d.dimension] ?? d.dimension}</h3>
      <Chart
        option={option}
        label={`${TITLES[d.dimension] ?? d.dimension}: shares per bucket`}
        height={220}
      />
      <table class="trend-table">
        <thead>
          <tr>
            <th scope="col">Value</th>
            <th scope="col">Before</th>
            <th scope="col">Last</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {d.values.map((v) => (
            <tr key={v.value} class={v.change?.significant ? 'significant' : undefined}>
              <td>{nameOf(d.dimension, v.value)}</td>
              <td class="num">{formatPercent(v.change?.from_share ?? null)}</td>
              <td class="num">{formatPercent(v.change?.to_share ?? null)}</td>
              <td class="num" data-testid="trend-change">
                {v.change === null
                  ? '–'
                  : `${v.change.difference >= 0 ? '+' : '−'}${(Math.abs(v.change.difference) * 100).toFixed(1)} pts${v.change.significant ? ' ★' : ''}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
