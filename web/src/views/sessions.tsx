/**
 * Sessions explorer: the period's sessions, newest first, filtered like every view, a page at a
 * time ("More" follows the API's cursor). A row opens `/sessions/ID`, the session's journey;
 * clicking an entry page, source, channel or country filters the dashboard by it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SessionsResponse } from '../../../src/api/types.ts';
import { ApiError, getJson, useApi } from '../api.ts';
import { Card } from '../components/card.tsx';
import { addFilter } from '../components/filters-bar.tsx';
import { Empty, ErrorPanel, Skeleton } from '../components/states.tsx';
import { countryLabel, formatDuration } from '../format.ts';
import { paramsOf } from '../query.ts';
import { linkTo, navigate, type Route } from '../router.ts';
import type { ViewProps } from './index.ts';
import { Journey } from './journey.tsx';
import { dateTime, shortDateTime, text } from './session-text.ts';
import './sessions.css';

type Row = SessionsResponse['sessions'][number];
const PAGE = '50';

export function Sessions(props: ViewProps) {
  const id = props.route.rest[0];
  return id === undefined ? <SessionList {...props} /> : <Journey id={id} {...props} />;
}

function SessionList({ route, query }: ViewProps) {
  const params = paramsOf(query, { limit: PAGE });
  const first = useApi<SessionsResponse>('/api/v1/sessions', params);
  const key = JSON.stringify(params);
  // The pages after the first, each asked for with the previous page's cursor.
  const [more, setMore] = useState<{ key: string; rows: Row[]; next: string | null; error?: ApiError }>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setMore(undefined), [key]);
  if (first.status === 'loading') return <Skeleton kind="table" label="Loading sessions" />;
  if (first.status === 'error') return <ErrorPanel error={first.error} what="the sessions" />;
  const extra = more?.key === key ? more : undefined;
  const rows = [...first.data.sessions, ...(extra?.rows ?? [])];
  const next = extra === undefined ? first.data.next : extra.next;
  const loadMore = async () => {
    if (next === null) return;
    setBusy(true);
    try {
      const page = await getJson<SessionsResponse>('/api/v1/sessions', { ...params, cursor: next });
      setMore({ key, rows: [...(extra?.rows ?? []), ...page.sessions], next: page.next });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(0, 'client', String(err));
      setMore({ key, rows: extra?.rows ?? [], next, error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="view sessions">
      <Card title={`Sessions, newest first (${rows.length}${next === null ? '' : '+'} shown)`} wide>
        {rows.length === 0 ? (
          <Empty
            title="No sessions in this period"
            hint={
              query.filters.length > 0
                ? 'No session matches the filters: remove one above, or pick a longer period.'
                : 'Pick a longer period above, or check that the tracker sends events to this site.'
            }
          />
        ) : (
          <div class="table-scroll">
            <table class="sessions-table">
              <thead>
                <tr>
                  <th scope="col">Start ({query.tz})</th>
                  <th scope="col" class="num">
                    Duration
                  </th>
                  <th scope="col" class="num">
                    Pages
                  </th>
                  <th scope="col">Entry page</th>
                  <th scope="col">Source</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Country</th>
                  <th scope="col">Device · browser</th>
                  <th scope="col" class="num">
                    Value
                  </th>
                  <th scope="col">Bounce</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((s) => (
                  <SessionRow key={s.session_id} s={s} route={route} tz={query.tz} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {extra?.error === undefined ? null : <ErrorPanel error={extra.error} what="more sessions" />}
        {next === null ? null : (
          <p class="more">
            <button type="button" class="primary" disabled={busy} onClick={loadMore}>
              {busy ? 'Loading…' : 'More sessions'}
            </button>
          </p>
        )}
      </Card>
    </div>
  );
}

function SessionRow({ s, route, tz }: { s: Row; route: Route; tz: string }) {
  const open = linkTo({ rest: [s.session_id] });
  const source = text(s.source);
  const country = text(s.country);
  return (
    // A click anywhere but on a filter opens the journey; the start time is its link for keyboards.
    <tr
      class="session-row"
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('button, a') === null) navigate({ rest: [s.session_id] });
      }}
    >
      <td class="mono nowrap">
        <a {...open} title={`Open the journey of the session of ${dateTime(s.start, tz)}`}>
          {shortDateTime(s.start, tz)}
        </a>
      </td>
      <td class="num">{formatDuration(Number(s.duration_s ?? 0))}</td>
      <td class="num">{String(s.pageviews)}</td>
      <td>
        <Pick route={route} dimension="entry_page" value={text(s.entry_page)} />
      </td>
      <td>
        <Pick route={route} dimension="traffic_source" value={source === '' ? '(direct)' : source} />
      </td>
      <td>
        <Pick route={route} dimension="channel" value={text(s.channel)} />
      </td>
      <td>
        <Pick
          route={route}
          dimension="country"
          value={country === '' ? 'unknown' : country}
          label={countryLabel(country)}
        />
      </td>
      <td class="truncate">{[text(s.device_type), text(s.browser)].filter((x) => x !== '').join(' · ')}</td>
      <td class="num">{Number(s.value ?? 0) === 0 ? '–' : String(s.value)}</td>
      <td>{s.bounce === true || s.bounce === 1 ? 'bounce' : ''}</td>
    </tr>
  );
}

/** A value that filters the dashboard when clicked (the text is a tracked string: rendered as text). */
function Pick({
  route,
  dimension,
  value,
  label = value,
}: {
  route: Route;
  dimension: string;
  value: string;
  label?: string;
}) {
  if (value === '') return <span class="muted">–</span>;
  return (
    <button
      type="button"
      class="cell-pick"
      title={`Filter by ${label}`}
      onClick={() => addFilter(route, dimension, value)}
    >
      {label}
    </button>
  );
}
