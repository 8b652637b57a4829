/**
 * Anomalies tab: the period's flagged sessions, highest score first, each with its reasons in
 * words and a link to its journey in the Sessions view (`/sessions/ID`), and the days far from
 * their weekday baseline (GET /api/v1/anomalies).
 */
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatCount, formatDuration } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { linkTo } from '../../router.ts';
import type { ViewProps } from '../index.ts';
import { dateTime, shortDateTime } from '../session-text.ts';
import './anomalies.css';

type AnomaliesData = AnalysisResponse<'anomalies'>;

export function Anomalies({ query }: ViewProps) {
  const state = useApi<AnomaliesData>('/api/v1/anomalies', { ...paramsOf(query), limit: '50' });
  return (
    <div class="anomalies-tab">
      <Loaded state={state} skeleton="table" what="the anomalies">
        {(data) => (
          <>
            <Card title="Fraud-like and anomalous sessions" wide>
              <SessionList data={data} tz={query.tz} />
            </Card>
            <Card title="Days far from their weekday baseline" wide>
              <DayList data={data} />
            </Card>
          </>
        )}
      </Loaded>
    </div>
  );
}

function SessionList({ data, tz }: { data: AnomaliesData; tz: string }) {
  if (data.sessions.length === 0) {
    return (
      <Empty
        title={`No session flagged among ${formatCount(data.scored)}`}
        hint="Nothing crosses the thresholds in this period: see docs/insights/anomalies.md to tune them."
      />
    );
  }
  const reasons = Object.entries(data.by_reason).sort((a, b) => b[1] - a[1]);
  return (
    <>
      <p class="anomalies-headline">
        <strong data-testid="flagged">{formatCount(data.flagged)}</strong> of {formatCount(data.scored)}{' '}
        sessions flagged
        {reasons.length === 0
          ? ''
          : `: ${reasons.map(([code, n]) => `${code.replace('_', ' ')} ${n}`).join(', ')}`}
        {data.flagged > data.sessions.length ? ` (the top ${data.sessions.length} below)` : ''}.
      </p>
      <div class="table-scroll">
        <table class="anomalies-table">
          <thead>
            <tr>
              <th class="num">score</th>
              <th class="anomalies-start">start</th>
              <th>reasons</th>
              <th class="anomalies-who">user</th>
              <th class="num">pages</th>
              <th class="num">duration</th>
            </tr>
          </thead>
          <tbody>
            {data.sessions.map((s) => (
              <tr key={s.session_id} data-session={s.session_id}>
                <td class="num">
                  <span class={s.score >= 3 ? 'anomaly-score high' : 'anomaly-score'}>
                    {s.score.toFixed(1)}
                  </span>
                </td>
                <td class="mono nowrap">
                  <a
                    {...linkTo({ view: 'sessions', rest: [s.session_id], extra: {} })}
                    title={`Open the journey of the session of ${dateTime(s.start, tz)}`}
                  >
                    {shortDateTime(s.start, tz)}
                  </a>
                </td>
                <td>
                  <ul class="anomaly-reasons">
                    {s.reasons.map((r) => (
                      <li key={r.code} data-code={r.code}>
                        {r.text}
                      </li>
                    ))}
                  </ul>
                </td>
                <td class="truncate" title={s.user_id || s.identity}>
                  {s.user_id || s.identity}
                </td>
                <td class="num">{formatCount(s.pageviews)}</td>
                <td class="num">{formatDuration(s.duration_s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function DayList({ data }: { data: AnomaliesData }) {
  if (data.days.length === 0) {
    return (
      <Empty
        title="No anomalous day"
        hint="Every day's sessions and conversions are near the same weekdays before it."
      />
    );
  }
  return (
    <ul class="anomalous-days">
      {data.days.map((d) => (
        <li key={`${d.day}-${d.metric}`} data-day={d.day}>
          <strong class="mono">{d.day}</strong>{' '}
          <span class={d.z > 0 ? 'day-up' : 'day-down'}>{d.metric}</span>: {d.reason}
        </li>
      ))}
    </ul>
  );
}
