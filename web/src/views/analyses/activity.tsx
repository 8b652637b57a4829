/**
 * Activity heatmap: sessions by weekday and hour of their start in each visitor's own local time
 * (GET /api/v1/activity), with the busiest hour named, so a team sees when its visitors come.
 */
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatCount } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';
import { busiest, hour, WEEKDAYS } from './model.ts';

type ActivityData = AnalysisResponse<'activity'>;

const ZONES = [
  ['visitor', 'each visitor’s zone'],
  ['report', 'the report’s zone'],
] as const;

export function Activity({ route, query }: ViewProps) {
  const zone = route.extra.zone === 'report' ? 'report' : 'visitor';
  const state = useApi<ActivityData>('/api/v1/activity', paramsOf(query, { zone }));
  return (
    <Card
      title={
        zone === 'report'
          ? `When visitors come: weekday × hour, in ${query.tz}`
          : 'When visitors come: weekday × hour, in their own time zone'
      }
      wide
      actions={
        <label class="control inline-control">
          <span class="control-label">Hours in</span>
          <select
            value={zone}
            onChange={(e) => navigate({ extra: { ...route.extra, zone: e.currentTarget.value } })}
          >
            {ZONES.map(([z, label]) => (
              <option key={z} value={z}>
                {label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Loaded state={state} skeleton="chart" what="the activity">
        {(data) =>
          data.total === 0 ? (
            <Empty title="No sessions in this period" hint="Pick a longer period, or remove a filter." />
          ) : (
            <Heatmap data={data} />
          )
        }
      </Loaded>
    </Card>
  );
}

function Heatmap({ data }: { data: ActivityData }) {
  const dark = useDark();
  const top = busiest(data.sessions);
  const max = Math.max(1, top.sessions);
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { value: [number, number, number] }) =>
          `${WEEKDAYS[p.value[1]]} ${hour(p.value[0])}–${hour((p.value[0] + 1) % 24)}\n${formatCount(p.value[2])} sessions`,
      },
      xAxis: {
        type: 'category',
        data: Array.from({ length: 24 }, (_, h) => String(h)),
        name: 'local hour',
        nameLocation: 'middle',
        nameGap: 24,
        splitArea: { show: false },
      },
      yAxis: {
        type: 'category',
        // Monday on top.
        inverse: true,
        data: WEEKDAYS.map((d) => d.slice(0, 3)),
      },
      visualMap: {
        min: 0,
        max,
        calculable: false,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        textStyle: { color: dark ? '#a1a8b3' : '#5b6470' },
        inRange: { color: dark ? ['#1d2030', '#8b93ff'] : ['#f1f0fd', '#4f46e5'] },
      },
      series: [
        {
          type: 'heatmap',
          // Drawn at once: a progressive paint would run on after the chart is disposed (zone switch).
          progressive: 0,
          data: data.sessions.flatMap((row, d) => row.map((n, h) => [h, d, n])),
          itemStyle: { borderColor: dark ? '#171a21' : '#ffffff', borderWidth: 1 },
          emphasis: { itemStyle: { borderColor: dark ? '#e6e8ec' : '#1c2024' } },
        },
      ],
    }),
    [data, dark, max],
  );
  return (
    <>
      <p class="activity-headline">
        {formatCount(data.total)} sessions. Busiest:{' '}
        <strong data-testid="busiest">
          {WEEKDAYS[top.weekday - 1]} {hour(top.hour)}–{hour((top.hour + 1) % 24)}
        </strong>{' '}
        ({formatCount(top.sessions)} sessions).
      </p>
      <Chart
        option={option}
        label={`Sessions by weekday and local hour: ${formatCount(data.total)} sessions`}
        height={300}
      />
      {data.in_report_zone === 0 || data.zone === 'report' ? null : (
        <p class="muted small">
          {formatCount(data.in_report_zone)} sessions without a known time zone are counted in {data.tz}.
        </p>
      )}
    </>
  );
}
