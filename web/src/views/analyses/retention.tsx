/**
 * Retention matrix: visitors in cohorts by their first session (by day, week or month, or by
 * source, device or engagement), and the share of each cohort back in each following period,
 * heat-coloured by that share. A period that has not ended yet for a cohort has no value: its
 * cell is blank, never tinted. `?cohort=week&periods=8` in the URL.
 */
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatCount, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import type { ViewProps } from '../index.ts';
import { tint } from './model.ts';

type RetentionData = AnalysisResponse<'retention'>;

const COHORTS = [
  ['week', 'Week of first visit'],
  ['day', 'Day of first visit'],
  ['month', 'Month of first visit'],
  ['source', 'Source'],
  ['device', 'Device'],
  ['engagement', 'Engagement'],
] as const;
const PERIODS = ['4', '8', '12', '26'];

export function Retention({ route, query }: ViewProps) {
  const cohort = COHORTS.some(([c]) => c === route.extra.cohort) ? route.extra.cohort! : 'week';
  const periods = PERIODS.includes(route.extra.periods ?? '') ? route.extra.periods! : '8';
  const state = useApi<RetentionData>('/api/v1/retention', paramsOf(query, { cohort, periods }));
  const set = (patch: Record<string, string>) => navigate({ extra: { ...route.extra, ...patch } });
  return (
    <Card
      title="Retention"
      wide
      actions={
        <>
          <label class="control inline-control">
            <span class="control-label">Cohorts by</span>
            <select value={cohort} onChange={(e) => set({ cohort: e.currentTarget.value })}>
              {COHORTS.map(([c, label]) => (
                <option key={c} value={c}>
                  {label}
                </option>
              ))}
            </select>
          </label>
          <label class="control inline-control">
            <span class="control-label">Periods</span>
            <select value={periods} onChange={(e) => set({ periods: e.currentTarget.value })}>
              {PERIODS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        </>
      }
    >
      <Loaded state={state} what="the retention">
        {(data) =>
          data.rows.length === 0 ? (
            <Empty title="No new visitors in this period" hint="Pick a longer period, or remove a filter." />
          ) : (
            <Matrix data={data} />
          )
        }
      </Loaded>
    </Card>
  );
}

function Matrix({ data }: { data: RetentionData }) {
  const dark = useDark();
  const unit = data.period;
  const columns = Array.from({ length: data.periods + 1 }, (_, k) => k);
  return (
    <>
      <p class="muted small">
        Share of each cohort's visitors with a session in the {unit} after their first ({unit} 0 is the first
        visit's own). Blank cells: that {unit} has not ended yet.
      </p>
      <div class="table-scroll">
        <table class="retention-table">
          <thead>
            <tr>
              <th scope="col">Cohort</th>
              <th scope="col" class="num">
                Visitors
              </th>
              {columns.map((k) => (
                <th key={k} scope="col" class="num">
                  {unit[0]!.toUpperCase()}
                  {unit.slice(1)} {k}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((row) => (
              <tr key={row.cohort}>
                <th scope="row" class="cohort">
                  {row.cohort === '' ? '(none)' : row.cohort}
                </th>
                <td class="num">{formatCount(row.size)}</td>
                {columns.map((k) => {
                  const share = row.share[k];
                  // Not over yet for anyone in the cohort: no value, no colour.
                  if (share === null || share === undefined)
                    return <td key={k} class="num cell future" aria-label="not over yet" />;
                  return (
                    <td
                      key={k}
                      class="num cell"
                      style={tint(share, dark)}
                      title={`${formatCount(row.active[k] ?? null)} of ${formatCount(row.size)} visitors`}
                    >
                      {formatPercent(share)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
