/**
 * Funnel builder: steps in order (a page `/pricing`, a pattern `/docs/*` or an event
 * `event:purchase`), in order or any order, within a session or a time window across sessions.
 * Shows each step's count as bars, and a table with the conversion from the first step and the
 * drop-off. The funnel lives in the URL: `?a=funnel&funnel=/,/pricing,event:purchase&window=7d`.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded, Skeleton } from '../../components/states.tsx';
import { formatCount, formatDuration, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate, type Route } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';

type FunnelData = AnalysisResponse<'funnel'>;
type PagesData = AnalysisResponse<'pages'>;

const WINDOWS = [
  ['', 'Within a session'],
  ['1h', 'Within 1 hour'],
  ['1d', 'Within 1 day'],
  ['7d', 'Within 7 days'],
  ['30d', 'Within 30 days'],
] as const;

/** The URL's steps (comma-separated, as `stint report --funnel` takes them). */
export const stepsOf = (route: Route): string[] =>
  (route.extra.funnel ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export function Funnel({ route, query }: ViewProps) {
  const steps = stepsOf(route);
  // The pages most viewed: suggestions for steps, and the first funnel when the URL has none.
  const pages = useApi<PagesData>('/api/v1/pages', paramsOf(query, { limit: '20' }));
  const suggested = pages.status === 'ok' ? pages.data.rows.map((r) => r.page) : [];
  // `funnel` stays in the address even when empty: a funnel whose steps were all removed is not
  // filled again with the suggestions.
  const set = (patch: Record<string, string | undefined>, replace = false) => {
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...route.extra, ...patch }))
      if (v !== undefined && (v !== '' || k === 'funnel')) extra[k] = v;
    navigate({ extra }, { replace });
  };
  const none = route.extra.funnel === undefined;
  useEffect(() => {
    if (none && suggested.length > 0) set({ funnel: suggested.slice(0, 3).join(',') }, true);
  }, [none, suggested.length]);
  const anyOrder = route.extra.any_order === '1';
  const window = route.extra.window ?? '';
  return (
    <>
      <Card title="Funnel steps" wide>
        <StepsEditor steps={steps} suggested={suggested} onChange={(s) => set({ funnel: s.join(',') })} />
        <div class="funnel-options">
          <label class="check">
            <input
              type="checkbox"
              checked={anyOrder}
              onChange={(e) => set({ any_order: e.currentTarget.checked ? '1' : undefined })}
            />{' '}
            Any order (a step counts wherever it happens)
          </label>
          <label class="control inline-control">
            <span class="control-label">Window</span>
            <select value={window} onChange={(e) => set({ window: e.currentTarget.value })}>
              {WINDOWS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
      </Card>
      {steps.length === 0 ? (
        pages.status === 'loading' ? (
          <Skeleton kind="chart" />
        ) : (
          <Empty
            title="Add a step to start"
            hint="A page such as /pricing, a pattern such as /docs/*, or event:NAME."
          />
        )
      ) : (
        <Result query={query} steps={steps} anyOrder={anyOrder} window={window} />
      )}
    </>
  );
}

function StepsEditor({
  steps,
  suggested,
  onChange,
}: {
  steps: string[];
  suggested: string[];
  onChange: (steps: string[]) => void;
}) {
  const [adding, setAdding] = useState('');
  const add = () => {
    const s = adding.trim().replaceAll(',', '');
    if (s === '') return;
    onChange([...steps, s]);
    setAdding('');
  };
  return (
    <div class="steps-editor">
      <ol class="step-list">
        {steps.map((s, i) => (
          <li key={`${i}-${s}`} class="step-chip">
            <span class="step-no">{i + 1}</span>
            <span class="step-text">{s}</span>
            <button
              type="button"
              class="chip-remove"
              aria-label={`Remove step ${i + 1}: ${s}`}
              onClick={() => onChange(steps.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <form
        class="step-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label class="field inline-field">
          <span class="visually-hidden">A step: a page, a pattern or event:NAME</span>
          <input
            list="funnel-pages"
            placeholder="/pricing, /docs/*, event:signup"
            value={adding}
            onInput={(e) => setAdding(e.currentTarget.value)}
          />
        </label>
        <datalist id="funnel-pages">
          {suggested.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <button type="submit" class="primary" disabled={adding.trim() === '' || steps.length >= 20}>
          Add step
        </button>
      </form>
    </div>
  );
}

function Result({
  query,
  steps,
  anyOrder,
  window,
}: {
  query: ViewProps['query'];
  steps: string[];
  anyOrder: boolean;
  window: string;
}) {
  const params = {
    ...paramsOf(query),
    step: steps,
    ...(anyOrder ? { any_order: 'true' } : {}),
    ...(window === '' ? {} : { window }),
  };
  const funnel = useApi<FunnelData>('/api/v1/funnel', params);
  return (
    <Card title="Conversion" wide>
      <Loaded state={funnel} skeleton="chart" what="the funnel">
        {(f) =>
          f.rows.length === 0 || f.rows[0]!.entered === 0 ? <NoEntries f={f} /> : <FunnelResult f={f} />
        }
      </Loaded>
    </Card>
  );
}

function NoEntries({ f }: { f: FunnelData }) {
  return (
    <Empty
      title={`No ${f.unit} reached the first step`}
      hint={`Nothing matched "${f.steps[0] ?? ''}" in this period: check the step, or pick a longer period.`}
    />
  );
}

function FunnelResult({ f }: { f: FunnelData }) {
  const dark = useDark();
  const first = f.rows[0]!.entered;
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => formatCount(typeof v === 'number' ? v : null),
      },
      xAxis: {
        type: 'category',
        data: f.rows.map((r) => `${r.step}. ${r.name}`),
        axisLabel: { interval: 0, width: 110, overflow: 'truncate' },
      },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { opacity: 0.4 } } },
      series: [
        {
          name: f.unit,
          type: 'bar',
          barMaxWidth: 64,
          data: f.rows.map((r) => r.entered),
          itemStyle: { color: dark ? '#8b93ff' : '#4f46e5', borderRadius: [4, 4, 0, 0] },
          label: {
            show: true,
            position: 'top',
            formatter: (p: { value: number }) => formatPercent(first === 0 ? null : p.value / first),
          },
        },
      ],
    }),
    [f, dark, first],
  );
  return (
    <>
      <p class="funnel-headline">
        <strong>{formatPercent(f.conversion_rate)}</strong> of {formatCount(first)} {f.unit} went through all{' '}
        {f.rows.length} steps{f.any_order ? ', in any order' : ''}
        {f.window_s === null ? ', within a session' : `, within ${formatDuration(f.window_s)} of the first`}.
      </p>
      <Chart option={option} label={`Funnel: ${f.unit} at each of ${f.rows.length} steps`} height={260} />
      <div class="table-scroll">
        <table class="funnel-table">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col" class="num">
                {f.unit === 'visitors' ? 'Visitors' : 'Sessions'}
              </th>
              <th scope="col" class="num">
                From first
              </th>
              <th scope="col" class="num">
                Drop-off
              </th>
              <th scope="col" class="num">
                Drop %
              </th>
              <th scope="col" class="num">
                Median time
              </th>
            </tr>
          </thead>
          <tbody>
            {f.rows.map((r) => (
              <tr key={r.step} data-step={r.step}>
                <td class="truncate">
                  {r.step}. {r.name}
                </td>
                <td class="num">{formatCount(r.entered)}</td>
                <td class="num">{formatPercent(first === 0 ? null : r.entered / first)}</td>
                <td class="num">{r.step === f.rows.length ? '–' : formatCount(r.drop_off)}</td>
                <td class="num">{r.step === f.rows.length ? '–' : formatPercent(r.drop_off_share)}</td>
                <td class="num">{formatDuration(r.median_time_from_previous_s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
