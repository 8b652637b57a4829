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
import { sankeyOption } from './model.ts';

type PathsData = AnalysisResponse<'paths'>;
type Sankey = Extract<PathsData, { sankey: unknown }>['sankey'];

const STEPS = ['2', '3', '4', '5', '6'];

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
