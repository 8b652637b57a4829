/**
 * Live: the site's open sessions, events per second and latest events, from the server-sent
 * events of `GET /api/v1/live` (one message a second; EventSource cannot send a header, so the
 * token goes as `access_token`, which the server's log never shows). Paths are shown as text.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { LiveUpdate } from '../../../src/api/types.ts';
import { currentToken, urlOf } from '../api.ts';
import { Card } from '../components/card.tsx';
import { Chart } from '../components/chart.tsx';
import { Empty, Skeleton } from '../components/states.tsx';
import { formatCount } from '../format.ts';
import { useDark } from '../theme.ts';
import type { ViewProps } from './index.ts';

/** Seconds of events per second kept for the chart. */
const WINDOW = 120;

type Connection = 'connecting' | 'open' | 'retrying';

export function Live({ query }: ViewProps) {
  const [update, setUpdate] = useState<LiveUpdate | undefined>(undefined);
  const [rates, setRates] = useState<{ t: string; v: number }[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const token = currentToken();

  useEffect(() => {
    setUpdate(undefined);
    setRates([]);
    setConnection('connecting');
    const params: Record<string, string> = { ...(query.site === undefined ? {} : { site: query.site }) };
    if (token !== undefined) params.access_token = token;
    const source = new EventSource(urlOf('/api/v1/live', params));
    source.onopen = () => setConnection('open');
    source.onmessage = (e: MessageEvent<string>) => {
      const u = JSON.parse(e.data) as LiveUpdate;
      setConnection('open');
      setUpdate(u);
      const t = new Date().toLocaleTimeString('en-GB', { hour12: false, timeZone: query.tz });
      setRates((r) => [...r.slice(-(WINDOW - 1)), { t, v: u.events_per_second }]);
    };
    // EventSource retries by itself; say so meanwhile.
    source.onerror = () => setConnection('retrying');
    return () => source.close();
  }, [query.site, query.tz, token]);

  const dark = useDark();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${String(v)} events/s` },
      xAxis: { type: 'category', boundaryGap: false, data: rates.map((r) => r.t) },
      yAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { opacity: 0.4 } } },
      series: [
        {
          name: 'Events per second',
          type: 'line',
          showSymbol: false,
          data: rates.map((r) => r.v),
          lineStyle: { width: 2, color: dark ? '#5eead4' : '#0d9488' },
          itemStyle: { color: dark ? '#5eead4' : '#0d9488' },
          areaStyle: { opacity: 0.15, color: dark ? '#5eead4' : '#0d9488' },
        },
      ],
    }),
    [rates, dark],
  );

  const time = (iso: string) =>
    new Date(iso).toLocaleTimeString('en-GB', { hour12: false, timeZone: query.tz });
  // Newest first by event time (the server lists them as they arrived; ISO times sort as text).
  const latest =
    update === undefined ? [] : [...update.latest].reverse().sort((a, b) => b.ts.localeCompare(a.ts));
  const withVisitor = latest.some((e) => e.visitor !== undefined);

  return (
    <div class="view live">
      <p class={`live-status ${connection}`} role="status">
        <span class="dot" aria-hidden="true" />
        {connection === 'open'
          ? 'Live: updated every second'
          : connection === 'connecting'
            ? 'Connecting…'
            : 'Connection lost; retrying…'}
      </p>
      <section class="kpis" aria-label="Live numbers">
        <LiveKpi
          label="Open sessions"
          value={update === undefined ? undefined : formatCount(update.open_sessions)}
          metric="open_sessions"
        />
        <LiveKpi
          label="Events per second"
          value={update === undefined ? undefined : String(update.events_per_second)}
          metric="events_per_second"
        />
        <LiveKpi
          label="Latest event"
          value={
            update === undefined
              ? undefined
              : update.latest_event_time === null
                ? '–'
                : time(update.latest_event_time)
          }
          metric="latest_event_time"
        />
      </section>
      <Card title="Events per second" wide>
        {rates.length === 0 ? (
          <Skeleton kind="chart" />
        ) : (
          <Chart option={option} label="Events per second, last two minutes" height={200} />
        )}
      </Card>
      <Card title="Latest events" wide>
        {update === undefined ? (
          <Skeleton kind="table" />
        ) : latest.length === 0 ? (
          <Empty title="No events yet" hint="Events appear here within a second of reaching the server." />
        ) : (
          <table class="events-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Page</th>
                {withVisitor ? <th scope="col">Visitor</th> : null}
              </tr>
            </thead>
            <tbody>
              {latest.map((e, i) => (
                // Events have no id here; their time, name and place in the list tell them apart.
                <tr key={`${e.ts}-${i}`}>
                  <td class="mono">{time(e.ts)}</td>
                  <td>{e.event}</td>
                  <td class="path">{e.path === '' ? '–' : e.path}</td>
                  {withVisitor ? <td class="mono truncate">{e.visitor ?? ''}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function LiveKpi({ label, value, metric }: { label: string; value: string | undefined; metric: string }) {
  return (
    <div class="kpi static" data-metric={metric}>
      <span class="kpi-label">{label}</span>
      {value === undefined ? <Skeleton kind="kpi" /> : <span class="kpi-value">{value}</span>}
    </div>
  );
}
