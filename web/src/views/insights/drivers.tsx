/**
 * What converts (GET /api/v1/drivers): a goal picker from the events seen, the sentences of the
 * significant drivers, and the ranked lifts as a forest plot (each lift a point with its 95 %
 * interval as a bar, on a log scale, a dashed line at 1×). The goal lives in the URL (`?goal=`).
 */
import { ScatterChart } from 'echarts/charts';
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { use } from '../../echarts.ts';
import { formatCount, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';
import './drivers.css';

use([ScatterChart]);

type DriversData = AnalysisResponse<'drivers'>;
type Driver = DriversData['ranked'][number];

/** The forest plot shows the strongest this many. */
const PLOTTED = 25;

const times = (x: number): string => `${x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;

export function Drivers({ route, query }: ViewProps) {
  const goal = route.extra.goal;
  const state = useApi<DriversData>('/api/v1/drivers', paramsOf(query, goal === undefined ? {} : { goal }));
  const seen = state.status === 'ok' ? state.data.events.map((e) => e.name) : [];
  const current = state.status === 'ok' ? (state.data.goal ?? '') : (goal ?? '');
  const choices = current === '' || seen.includes(current) ? seen : [current, ...seen];
  return (
    <Card
      title="What converts"
      wide
      actions={
        <label class="control inline-control">
          <span class="control-label">Goal</span>
          <select
            value={current}
            onChange={(e) => navigate({ extra: { ...route.extra, goal: e.currentTarget.value } })}
          >
            {current === '' ? <option value="">(pick an event)</option> : null}
            {choices.map((name) => (
              <option key={name} value={name}>
                {name === '' ? '(none)' : name}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Loaded state={state} skeleton="chart" what="what converts">
        {(data) =>
          data.goal === null ? (
            <Empty
              title="Pick a goal"
              hint={`No goal was given and ${data.goal_from}: pick the event a session converts with.`}
            />
          ) : data.sessions === 0 ? (
            <Empty title="No sessions in this period" hint="Pick a longer period, or remove a filter." />
          ) : data.conversions === 0 ? (
            <Empty
              title={`No session converts to ${data.goal} in this period`}
              hint="Pick another goal or a longer period."
            />
          ) : (
            <DriversBody data={data} />
          )
        }
      </Loaded>
    </Card>
  );
}

function DriversBody({ data }: { data: DriversData }) {
  const significant = data.ranked.filter((d) => d.significant);
  const plotted = data.ranked.slice(0, PLOTTED);
  return (
    <div class="drivers">
      <p class="drivers-headline" data-testid="drivers-headline">
        <strong>{data.goal}</strong>
        {data.goal_from === 'given' ? '' : ` (${data.goal_from})`}: {formatCount(data.conversions)} of{' '}
        {formatCount(data.sessions)} sessions convert ({formatPercent(data.rate)}).
      </p>
      {significant.length === 0 ? (
        <p class="muted">No trait goes with converting significantly (Holm-adjusted p &lt; 0.05).</p>
      ) : (
        <ul class="drivers-sentences" data-testid="drivers-sentences">
          {significant.map((d) => (
            <li key={`${d.trait} ${d.kind} ${d.value}`}>{d.sentence}</li>
          ))}
        </ul>
      )}
      {plotted.length === 0 ? null : <Forest drivers={plotted} />}
      <p class="muted small">
        Lift: the conversion rate against all other sessions (for “over …” and “… or more pages”, against the
        shorter or shallower ones), with its 95 % interval; ranked by the Holm-adjusted p over{' '}
        {formatCount(data.ranked.length)} comparisons, then by the size of the lift.
        {data.ranked.length > PLOTTED ? ` The strongest ${PLOTTED} are drawn.` : ''} Hour and weekday in each
        visitor's own time zone. {formatCount(data.apart.length + data.apart_left_out)} values with fewer than{' '}
        {formatCount(data.min_sessions)} sessions on a side, or no conversion to give an interval, are left
        unranked.
      </p>
    </div>
  );
}

function Forest({ drivers }: { drivers: readonly Driver[] }) {
  const dark = useDark();
  const option = useMemo(() => {
    const labels = drivers.map(
      (d) => `${d.trait}: ${d.label.length > 36 ? `${d.label.slice(0, 35)}…` : d.label}`,
    );
    const colour = (d: Driver) =>
      d.significant ? (d.lift > 1 ? '#16a34a' : '#dc2626') : dark ? '#6b7280' : '#9ca3af';
    // A line series draws the intervals of one colour: [low, row] to [high, row], '-' between rows breaks it.
    const bars = (keep: (d: Driver) => boolean) =>
      drivers.flatMap((d, i) => (keep(d) ? [[d.low, i], [d.high, i], '-'] : []));
    const intervals = (keep: (d: Driver) => boolean, color: string) => ({
      type: 'line',
      data: bars(keep),
      symbol: 'none',
      lineStyle: { width: 2, color },
      silent: true,
    });
    // The axis from a round lift under the lowest bound to one over the highest: 0.2×, 0.5×, 1×, 2×, 5×…
    const ROUND = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
    const lowest = Math.min(0.5, ...drivers.map((d) => d.low));
    const highest = Math.max(2, ...drivers.map((d) => d.high));
    const lo = [...ROUND].reverse().find((r) => r <= lowest) ?? lowest;
    const hi = ROUND.find((r) => r >= highest) ?? highest;
    return {
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 32, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { seriesIndex: number; dataIndex: number }) => {
          const d = p.seriesIndex === 0 ? drivers[p.dataIndex] : undefined;
          return d === undefined
            ? ''
            : `${d.sentence}\n${formatCount(d.conversions)} of ${formatCount(d.sessions)} convert; p (Holm) ${d.p_adjusted < 0.001 ? d.p_adjusted.toExponential(0) : d.p_adjusted.toFixed(3)}`;
        },
      },
      xAxis: {
        type: 'log',
        min: lo,
        max: hi,
        name: 'lift (×)',
        nameLocation: 'middle',
        nameGap: 22,
        axisLabel: { formatter: (v: number) => `${Number(v.toPrecision(2))}×` },
      },
      yAxis: { type: 'category', inverse: true, data: labels, axisTick: { show: false } },
      series: [
        {
          type: 'scatter',
          z: 3,
          symbolSize: 9,
          data: drivers.map((d, i) => ({ value: [d.lift, i], itemStyle: { color: colour(d) } })),
        },
        {
          type: 'line',
          data: [
            [1, 0],
            [1, drivers.length - 1],
          ],
          symbol: 'none',
          silent: true,
          lineStyle: { type: 'dashed', width: 1, color: dark ? '#a1a8b3' : '#5b6470' },
        },
        intervals((d) => !d.significant, dark ? '#6b7280' : '#9ca3af'),
        intervals((d) => d.significant && d.lift > 1, '#16a34a'),
        intervals((d) => d.significant && d.lift <= 1, '#dc2626'),
      ],
    };
  }, [drivers, dark]);
  return (
    <Chart
      option={option}
      label={`Lifts of the ${drivers.length} strongest drivers with their 95 % intervals; strongest: ${drivers[0] === undefined ? '' : `${drivers[0].label} ${times(drivers[0].lift)}`}`}
      height={Math.max(200, 40 + drivers.length * 22)}
    />
  );
}
