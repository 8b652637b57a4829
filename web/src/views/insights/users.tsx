/**
 * Users: the period's users by engagement level (GET /api/v1/users), a level's list, and, for
 * the user clicked, their profile (GET /api/v1/profile): hour × weekday in their own zone, the
 * best hour to reach them and the pages they are likely to open next. `?i=users&segment=core&user=ID`.
 */
import { useMemo } from 'preact/hooks';
import type { AnalysisResponse } from '../../../../src/api/types.ts';
import { useApi } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Chart } from '../../components/chart.tsx';
import { Empty, Loaded } from '../../components/states.tsx';
import { formatCount, formatDuration, formatPercent } from '../../format.ts';
import { paramsOf } from '../../query.ts';
import { navigate } from '../../router.ts';
import { useDark } from '../../theme.ts';
import '../analyses/charts.ts';
import type { ViewProps } from '../index.ts';
import './users.css';

type UsersData = AnalysisResponse<'users'>;
type ProfileData = AnalysisResponse<'profile'>;

const LEVELS = ['new', 'casual', 'core', 'power'] as const;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const clock = (h: number) => {
  const m = Math.round(h * 60) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

export function Users({ route, query }: ViewProps) {
  const segment = LEVELS.find((l) => l === route.extra.segment);
  const user = route.extra.user;
  const state = useApi<UsersData>(
    '/api/v1/users',
    paramsOf(query, { limit: '50', ...(segment === undefined ? {} : { segment }) }),
  );
  const set = (patch: Record<string, string | undefined>) => {
    const extra: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...route.extra, ...patch })) if (v !== undefined) extra[k] = v;
    navigate({ extra });
  };
  return (
    <div class="insight-users">
      <Card title="Users by engagement level" wide>
        <Loaded state={state} what="the users">
          {(data) =>
            data.total === 0 ? (
              <Empty title="No users in this period" hint="Pick a longer period, or remove a filter." />
            ) : (
              <>
                <div class="levels">
                  <button
                    type="button"
                    class={segment === undefined ? 'level active' : 'level'}
                    aria-pressed={segment === undefined}
                    onClick={() => set({ segment: undefined, user: undefined })}
                  >
                    <span class="level-name">all</span>
                    <span class="level-count" data-testid="level-all">
                      {formatCount(data.total)}
                    </span>
                  </button>
                  {LEVELS.map((l) => (
                    <button
                      type="button"
                      key={l}
                      class={segment === l ? 'level active' : 'level'}
                      aria-pressed={segment === l}
                      onClick={() => set({ segment: l, user: undefined })}
                    >
                      <span class="level-name">{l}</span>
                      <span class="level-count" data-testid={`level-${l}`}>
                        {formatCount(data.counts[l])}
                      </span>
                    </button>
                  ))}
                </div>
                <p class="muted small">
                  As of {data.now?.slice(0, 10)}: new, first seen in the last 7 days; power, active on 10+ of
                  the last 28 days and seen in the last 7; core, 3+ of 28 and seen in the last 14; casual, the
                  rest.
                </p>
                <UserTable data={data} selected={user} pick={(id) => set({ user: id })} />
              </>
            )
          }
        </Loaded>
      </Card>
      {user === undefined ? null : <ProfilePanel identity={user} query={query} />}
    </div>
  );
}

function UserTable({
  data,
  selected,
  pick,
}: {
  data: UsersData;
  selected: string | undefined;
  pick: (id: string) => void;
}) {
  if (data.rows.length === 0) return <Empty title="No users of this level" />;
  return (
    <table class="users-table">
      <thead>
        <tr>
          <th scope="col">User</th>
          <th scope="col">Level</th>
          <th scope="col">Sessions</th>
          <th scope="col">Active days (28)</th>
          <th scope="col">Last seen</th>
        </tr>
      </thead>
      <tbody>
        {data.rows.map((r) => (
          <tr key={r.identity} class={r.identity === selected ? 'selected' : undefined}>
            <td>
              <button type="button" class="link-button" onClick={() => pick(r.identity)}>
                {r.identity}
              </button>
            </td>
            <td>{r.segment}</td>
            <td class="num">{formatCount(r.sessions)}</td>
            <td class="num">{formatCount(r.active_days_28)}</td>
            <td>{r.last_seen.slice(0, 16).replace('T', ' ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProfilePanel({ identity, query }: { identity: string; query: ViewProps['query'] }) {
  const state = useApi<ProfileData>('/api/v1/profile', paramsOf(query, { identity }));
  return (
    <Card title={`Profile: ${identity}`} wide id="profile-panel">
      <Loaded state={state} what="the profile">
        {(p) =>
          p.sessions === 0 ? <Empty title="No sessions of this user in the period" /> : <Profile p={p} />
        }
      </Loaded>
    </Card>
  );
}

function Profile({ p }: { p: ProfileData }) {
  const dark = useDark();
  const s = p.schedule;
  const best = s.best_hour;
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 8, top: 8, bottom: 40, containLabel: true },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), name: 'local hour' },
      yAxis: { type: 'category', inverse: true, data: WEEKDAYS.map((d) => d.slice(0, 3)) },
      visualMap: {
        min: 0,
        max: Math.max(1, ...s.grid.flat()),
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 100,
        show: false,
        inRange: { color: dark ? ['#1d2030', '#8b93ff'] : ['#f1f0fd', '#4f46e5'] },
      },
      series: [
        { type: 'heatmap', progressive: 0, data: s.grid.flatMap((row, d) => row.map((n, h) => [h, d, n])) },
      ],
    }),
    [s, dark],
  );
  return (
    <div class="profile">
      <dl class="profile-facts">
        <dt>Level</dt>
        <dd data-testid="profile-level">
          {p.segment} ({p.active_days_28} active days of the last 28)
        </dd>
        <dt>Sessions</dt>
        <dd data-testid="profile-sessions">
          {formatCount(p.sessions)}, {formatDuration(p.avg_duration_s)} on average
        </dd>
        <dt>Seen</dt>
        <dd>
          {p.first_seen?.slice(0, 10)} to {p.last_seen?.slice(0, 10)}
        </dd>
        <dt>Zone</dt>
        <dd>
          {p.zone}
          {p.zone_source === 'query' ? ' (none of their own: the report’s)' : ''}
        </dd>
        <dt>Usual hour</dt>
        <dd>
          {s.usual_hour === null ? '–' : clock(s.usual_hour)}
          {s.hour_spread === null ? '' : ` ± ${s.hour_spread.toFixed(1)} h`}
        </dd>
        <dt>Best hour</dt>
        <dd data-testid="profile-best-hour">
          {best === null
            ? '–'
            : `${clock(best.hour)}–${clock(best.hour + 1)}: ${formatPercent(best.share)} of starts (${formatPercent(best.low)}–${formatPercent(best.high)}), ${best.clear ? 'clearly' : 'not clearly'} ahead`}
        </dd>
        <dt>Device</dt>
        <dd>{p.preferred_device ?? '–'}</dd>
        <dt>Usual days</dt>
        <dd>{s.usual_weekdays.map((d) => WEEKDAYS[d - 1]!.slice(0, 3)).join(', ') || '–'}</dd>
      </dl>
      <Chart
        option={option}
        label={`Sessions of ${p.identity} by weekday and hour in ${p.zone}`}
        height={240}
      />
      <div class="profile-lists">
        <div>
          <h3>Likely next pages after {p.last_page ?? '–'}</h3>
          <ol data-testid="next-pages">
            {p.next_pages.map((n) => (
              <li key={n.page}>
                {n.page} <span class="muted">{formatPercent(n.probability)}</span>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>Top pages</h3>
          <ol>
            {p.top_pages.map((x) => (
              <li key={x.page}>
                {x.page} <span class="muted">{formatCount(x.views)}</span>
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h3>Top events</h3>
          <ol>
            {p.top_events.map((x) => (
              <li key={x.event}>
                {x.event} <span class="muted">{formatCount(x.count)}</span>
              </li>
            ))}
          </ol>
        </div>
      </div>
    </div>
  );
}
