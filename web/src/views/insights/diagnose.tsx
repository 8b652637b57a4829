/**
 * Diagnose: does the sessionization fit the data (GET /api/v1/diagnose)? The findings, most
 * severe first, with evidence and fix; the gap histogram (log scale both ways) with the timeouts
 * in force and suggested marked; and the sessions each timeout from 5 min to 2 h would give.
 */
import { BarChart } from 'echarts/charts';
import { MarkLineComponent } from 'echarts/components';
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { use } from '../../echarts.ts';
import { formatCount } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';
import { roughDuration, timeoutText } from './diagnose-format.ts';
import './diagnose.css';

use([BarChart, MarkLineComponent]);

type DiagnoseData = AnalysisResponse<'diagnose'>;
type Bin = DiagnoseData['gaps']['bins'][number];

const binOf = (bins: readonly Bin[], ms: number | null): number =>
  ms === null ? -1 : bins.findIndex((b) => ms / 1000 >= b.from_s && (b.to_s === null || ms / 1000 < b.to_s));

export function Diagnose({ query }: ViewProps) {
  const state = useApi<DiagnoseData>('/api/v1/diagnose', paramsOf(query));
  return (
    <Loaded state={state} skeleton="chart" what="the diagnosis">
      {(data) => (
        <div class="diagnose-grid">
          <Card title="Findings: does the sessionization fit the data?" wide>
            <Findings data={data} />
          </Card>
          {data.sessions === 0 ? null : (
            <>
              <Card title="Gaps between consecutive events of an identity" wide>
                <Gaps data={data} />
              </Card>
              <Card title="Sessions per timeout" wide>
                <Curve data={data} />
              </Card>
            </>
          )}
        </div>
      )}
    </Loaded>
  );
}

function Findings({ data }: { data: DiagnoseData }) {
  if (data.findings.length === 0) return <Empty title="No findings" hint="The settings fit the data." />;
  return (
    <ul class="diagnose-findings">
      {data.findings.map((f) => (
        <li key={f.code} class={`diagnose-finding ${f.severity}`} data-testid="finding" data-code={f.code}>
          <div class="diagnose-finding-head">
            <span class={`diagnose-severity ${f.severity}`}>{f.severity}</span>
            <strong>{f.title}</strong>
            <code class="diagnose-code">{f.code}</code>
          </div>
          <p>{f.evidence}</p>
          {f.fix === '' ? null : (
            <p class="diagnose-fix">
              <span class="muted">Fix: </span>
              {f.fix}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function Gaps({ data }: { data: DiagnoseData }) {
  const dark = useDark();
  const bins = data.gaps.bins;
  const used = bins.map((b, i) => (b.within + b.between > 0 ? i : -1)).filter((i) => i >= 0);
  const lo = Math.max(0, Math.min(used[0] ?? 0, binOf(bins, data.timeout.current_ms)) - 1);
  const hi = Math.min(
    bins.length - 1,
    Math.max(used[used.length - 1] ?? 0, binOf(bins, data.timeout.suggested_ms)) + 1,
  );
  const shown = bins.slice(lo, hi + 1);
  const { current_ms: current, suggested_ms: suggested } = data.timeout;
  const option = useMemo(() => {
    const labels = shown.map((b) => (b.bin < 0 ? '<1s' : roughDuration(b.from_s * 1000)));
    const mark = (ms: number | null, name: string, color: string) => {
      const at = binOf(shown, ms);
      return at < 0 || ms === null
        ? []
        : [
            {
              xAxis: labels[at],
              name,
              lineStyle: { color, type: 'dashed', width: 2 },
              label: { formatter: `${name} ${timeoutText(ms)}`, color },
            },
          ];
    };
    return {
      animation: false,
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { color: dark ? '#a1a8b3' : '#5b6470' } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: labels, axisLabel: { interval: 1 } },
      yAxis: { type: 'log', name: 'gaps (log)', min: 1, logBase: 10 },
      series: [
        {
          name: 'inside a session',
          type: 'bar',
          // Overlaid, not stacked (a log axis does not stack): a bin rarely holds both kinds.
          barGap: '-100%',
          data: shown.map((b) => (b.within === 0 ? null : b.within)),
          itemStyle: { color: dark ? '#8b93ff' : '#4f46e5' },
          markLine: {
            symbol: 'none',
            silent: true,
            data: [
              ...mark(current, 'in force', dark ? '#e6e8ec' : '#1c2024'),
              ...mark(suggested, 'suggested', dark ? '#4ade80' : '#0f7b48'),
            ],
          },
        },
        {
          name: 'between sessions',
          type: 'bar',
          data: shown.map((b) => (b.between === 0 ? null : b.between)),
          itemStyle: { color: '#f59e0b' },
        },
      ],
    };
  }, [shown, dark, current, suggested]);
  return (
    <>
      <p class="diagnose-headline">
        {formatCount(data.gaps.within + data.gaps.between)} gaps. Timeout in force:{' '}
        <strong data-testid="current">{current === null ? '–' : timeoutText(current)}</strong>; suggested by
        the valley:{' '}
        <strong data-testid="suggested">
          {suggested === null ? 'none (no clear valley)' : timeoutText(suggested)}
        </strong>
        {data.timeout.valley_from_s === null || data.timeout.valley_to_s === null
          ? null
          : ` (the valley spans ${roughDuration(data.timeout.valley_from_s * 1000)}–${roughDuration(data.timeout.valley_to_s * 1000)})`}
        .
      </p>
      <Chart
        option={option}
        label={`Histogram of ${formatCount(data.gaps.within + data.gaps.between)} gaps between consecutive events, log scale`}
        height={300}
      />
      <p class="muted small">{data.timeout.method}.</p>
    </>
  );
}

function Curve({ data }: { data: DiagnoseData }) {
  const dark = useDark();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: data.sensitivity.map((p) => timeoutText(p.timeout_ms)),
      },
      yAxis: { type: 'value', name: 'sessions', scale: true },
      series: [
        {
          type: 'line',
          name: 'sessions',
          data: data.sensitivity.map((p) => p.sessions),
          label: { show: true, color: dark ? '#e6e8ec' : '#1c2024' },
          itemStyle: { color: dark ? '#8b93ff' : '#4f46e5' },
        },
      ],
    }),
    [data, dark],
  );
  const now = data.sensitivity.find((p) => p.timeout_ms === data.timeout.current_ms);
  return (
    <>
      <p class="diagnose-headline">
        {now === undefined ? null : (
          <>
            <strong data-testid="sessions-now">{formatCount(now.sessions)}</strong> sessions with the timeout
            in force.{' '}
          </>
        )}
        Counted from the gaps: a timeout splits at every longer gap; the other rules' splits stay as they are.
      </p>
      <Chart option={option} label="Sessions for each timeout from 5 minutes to 2 hours" height={240} />
    </>
  );
}
