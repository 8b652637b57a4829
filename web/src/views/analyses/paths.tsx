/**
 * Paths: how sessions move through their first pages, as a Sankey (a column per step, a page
 * keeps one colour across steps), and the most common sequences as a table. The server folds
 * the less common pages of a step into "(other)": drawn muted, last in its column, so it never
 * hides the main paths. `?steps=` picks the depth.
 */
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatCount, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';

type PathsData = AnalysisResponse<'paths'>;
type Sankey = Extract<PathsData, { sankey: unknown }>['sankey'];

export const OTHER = '(other)';
const STEPS = ['2', '3', '4', '5', '6'];
const PALETTE = ['#4f46e5', '#0d9488', '#d97706', '#db2777', '#2563eb', '#65a30d', '#9333ea', '#dc2626'];
const PALETTE_DARK = ['#8b93ff', '#5eead4', '#fbbf24', '#f472b6', '#60a5fa', '#a3e635', '#c084fc', '#f87171'];

/** A node id (`2:/pricing`) as its page. */
export const pageOf = (id: string): string => id.slice(id.indexOf(':') + 1);

export function Paths({ route, query }: ViewProps) {
  const steps = STEPS.includes(route.extra.steps ?? '') ? route.extra.steps! : '4';
  const state = useApi<PathsData>('/api/v1/paths', paramsOf(query, { steps, limit: '10' }));
  return (
    <>
      <Card
        title="Paths through the first pages"
        wide
        actions={
          <label class="control inline-control">
            <span class="control-label">Steps</span>
            <select
              value={steps}
              onChange={(e) => navigate({ extra: { ...route.extra, steps: e.currentTarget.value } })}
            >
              {STEPS.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <Loaded state={state} skeleton="chart" what="the paths">
          {(data) =>
            !('sankey' in data) || data.sankey.nodes.length === 0 ? (
              <Empty title="No page views in this period" hint="Pick a longer period, or remove a filter." />
            ) : (
              <SankeyChart sankey={data.sankey} steps={Number(steps)} />
            )
          }
        </Loaded>
      </Card>
      <Card title="Most common sequences" wide>
        <Loaded state={state} what="the paths">
          {(data) =>
            !('top' in data) || data.top.length === 0 ? (
              <Empty title="No sequences yet" />
            ) : (
              <table class="top-paths">
                <thead>
                  <tr>
                    <th scope="col">Pages, in order</th>
                    <th scope="col" class="num">
                      Sessions
                    </th>
                    <th scope="col" class="num">
                      Share
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.top.map((p) => (
                    <tr key={p.pages.join('\n')}>
                      <td class="sequence">
                        {p.pages.map((page, i) => (
                          <span key={i}>
                            {i === 0 ? null : <span class="arrow"> → </span>}
                            <span class="seq-page">{page}</span>
                          </span>
                        ))}
                      </td>
                      <td class="num">{formatCount(p.sessions)}</td>
                      <td class="num">{formatPercent(p.share)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </Card>
    </>
  );
}

function SankeyChart({ sankey, steps }: { sankey: Sankey; steps: number }) {
  const dark = useDark();
  const option = useMemo(() => sankeyOption(sankey, steps, dark), [sankey, steps, dark]);
  const perStep = Math.max(
    ...Array.from({ length: steps }, (_, i) => sankey.nodes.filter((n) => n.step === i + 1).length),
  );
  return (
    <Chart
      option={option}
      label={`Paths of sessions through their first ${steps} pages: ${sankey.nodes.length} pages, ${sankey.links.length} moves`}
      height={Math.max(320, perStep * 44)}
    />
  );
}

/** The Sankey's option: nodes in the server's order with "(other)" last in each step, kept there. */
export function sankeyOption(sankey: Sankey, steps: number, dark: boolean) {
  const muted = dark ? '#5b6470' : '#b8bec8';
  const palette = dark ? PALETTE_DARK : PALETTE;
  // A page's colour, by its sessions over all steps (the busiest pages get the first colours).
  const totals = new Map<string, number>();
  for (const n of sankey.nodes)
    if (n.page !== OTHER) totals.set(n.page, (totals.get(n.page) ?? 0) + n.sessions);
  const colour = new Map(
    [...totals].sort((a, b) => b[1] - a[1]).map(([page], i) => [page, palette[i % palette.length]!]),
  );
  const nodes = [...sankey.nodes].sort(
    (a, b) =>
      a.step - b.step || Number(a.page === OTHER) - Number(b.page === OTHER) || b.sessions - a.sessions,
  );
  const sessionsOf = new Map(sankey.nodes.map((n) => [n.id, n.sessions]));
  const last = Math.max(...nodes.map((n) => n.step));
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (p: {
        dataType?: string;
        name?: string;
        data?: { source?: string; target?: string; value?: number };
      }) =>
        p.dataType === 'edge'
          ? `${pageOf(p.data?.source ?? '')} → ${pageOf(p.data?.target ?? '')}\n${formatCount(p.data?.value ?? 0)} sessions`
          : `${pageOf(p.name ?? '')} (page ${(p.name ?? '').split(':')[0]})\n${formatCount(sessionsOf.get(p.name ?? '') ?? 0)} sessions`,
    },
    series: [
      {
        type: 'sankey',
        layoutIterations: 0,
        nodeAlign: 'left',
        draggable: false,
        left: 8,
        right: 8,
        top: 8,
        bottom: 8,
        nodeWidth: 12,
        nodeGap: 12,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'source', opacity: dark ? 0.35 : 0.28, curveness: 0.5 },
        label: {
          color: dark ? '#e6e8ec' : '#1c2024',
          fontSize: 12,
          overflow: 'truncate',
          width: steps > 4 ? 90 : 150,
          formatter: (p: { name: string }) => pageOf(p.name),
        },
        data: nodes.map((n) => ({
          name: n.id,
          depth: n.step - 1,
          value: n.sessions,
          itemStyle: { color: n.page === OTHER ? muted : colour.get(n.page), borderWidth: 0 },
          label: {
            position: n.step === last && last === steps ? 'left' : 'right',
            ...(n.page === OTHER ? { color: dark ? '#a1a8b3' : '#5b6470', fontStyle: 'italic' } : {}),
          },
        })),
        links: sankey.links.map((l) => ({
          source: l.source,
          target: l.target,
          value: l.sessions,
          ...(pageOf(l.source) === OTHER || pageOf(l.target) === OTHER
            ? { lineStyle: { color: muted, opacity: 0.22 } }
            : {}),
        })),
      },
    ],
  };
}
