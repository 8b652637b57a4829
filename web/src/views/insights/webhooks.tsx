/**
 * Webhooks (admins only; a share link's dashboard has no such tab): the site's hooks, their
 * recent deliveries with each attempt's status, and a "Send test" button that sends a hook a
 * ping now (POST /api/v1/webhooks/{id}/test) and shows it arrive in the delivery log.
 */
import { useEffect, useState } from 'preact/hooks';
import type { DeliveryView } from '../../../../src/server/webhooks/types.ts';
import { ApiError, currentToken } from '../../api.ts';
import { Card } from '../../components/card.tsx';
import { Empty, ErrorPanel, Skeleton } from '../../components/states.tsx';
import type { ViewProps } from '../index.ts';
import './webhooks.css';

interface HookRow {
  readonly id: string;
  readonly site: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly created_at: string;
  readonly state: 'active' | 'disabled';
  readonly disabled_reason?: string;
}

/** The webhooks API is not cached as the analyses are: a test must show at once. */
async function call<T>(method: 'GET' | 'POST', url: string): Promise<T> {
  const token = currentToken();
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
  } catch {
    throw new ApiError(0, 'network', 'The server did not answer. Is stint serve still running?');
  }
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code: string; message: string; hint?: string } }
    | undefined;
  if (!res.ok)
    throw new ApiError(
      res.status,
      body?.error?.code ?? `http_${res.status}`,
      body?.error?.message ?? res.statusText,
      body?.error?.hint,
    );
  return body as T;
}

type State =
  | { status: 'loading' }
  | { status: 'error'; error: ApiError }
  | { status: 'ok'; hooks: HookRow[]; deliveries: DeliveryView[] };

export function Webhooks({ query }: ViewProps) {
  const site = query.site;
  const [state, setState] = useState<State>({ status: 'loading' });
  const [reload, setReload] = useState(0);
  const [sent, setSent] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    const q = site === undefined ? '' : `&site=${encodeURIComponent(site)}`;
    Promise.all([
      call<{ webhooks: HookRow[] }>('GET', '/api/v1/webhooks'),
      call<{ deliveries: DeliveryView[] }>('GET', `/api/v1/webhooks/deliveries?limit=20${q}`),
    ]).then(
      ([h, d]) =>
        live &&
        setState({
          status: 'ok',
          hooks: h.webhooks.filter((x) => site === undefined || x.site === site),
          deliveries: d.deliveries,
        }),
      (err: unknown) =>
        live &&
        setState({
          status: 'error',
          error: err instanceof ApiError ? err : new ApiError(0, 'client', String(err)),
        }),
    );
    return () => {
      live = false;
    };
  }, [site, reload]);
  // While a delivery is pending, the log is read again every second.
  const pending = state.status === 'ok' && state.deliveries.some((d) => d.state === 'pending');
  useEffect(() => {
    if (!pending) return;
    const t = setTimeout(() => setReload((n) => n + 1), 1000);
    return () => clearTimeout(t);
  }, [pending, reload]);

  const test = async (id: string) => {
    try {
      const { delivery } = await call<{ delivery: string }>('POST', `/api/v1/webhooks/${id}/test`);
      setSent(`Ping ${delivery} queued for ${id}`);
    } catch (err) {
      setSent(err instanceof ApiError ? `Not sent: ${err.message}` : 'Not sent');
    }
    setReload((n) => n + 1);
  };

  if (state.status === 'loading') return <Skeleton kind="table" />;
  if (state.status === 'error')
    return state.error.status === 403 ? (
      <Empty
        title="Webhooks are for admins"
        hint="Sign in with an admin token (stint tokens create --admin) to see and test them."
      />
    ) : (
      <ErrorPanel error={state.error} what="the webhooks" />
    );
  return (
    <div class="webhooks">
      <Card title={`Webhooks${site === undefined ? '' : ` of ${site}`}`} wide>
        {state.hooks.length === 0 ? (
          <Empty
            title="No webhooks for this site"
            hint={`Add one: stint webhooks add --site ${site ?? 'NAME'} --url https://… --on anomalous-session`}
          />
        ) : (
          <div class="table-scroll">
            <table class="webhooks-table">
              <thead>
                <tr>
                  <th scope="col">Hook</th>
                  <th scope="col">URL</th>
                  <th scope="col">Sent on</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="visually-hidden">Test</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.hooks.map((h) => (
                  <tr key={h.id}>
                    <td class="mono">{h.id}</td>
                    <td class="truncate" title={h.url}>
                      {h.url}
                    </td>
                    <td>{h.events.join(', ')}</td>
                    <td>
                      <span class={`hook-state hook-${h.state}`} title={h.disabled_reason}>
                        {h.state}
                      </span>
                    </td>
                    <td>
                      <button
                        type="button"
                        class="hook-test"
                        disabled={h.state !== 'active'}
                        onClick={() => void test(h.id)}
                      >
                        Send test
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {sent === undefined ? null : (
          <p class="small muted" role="status">
            {sent}
          </p>
        )}
      </Card>
      <Card title="Recent deliveries" wide>
        {state.deliveries.length === 0 ? (
          <Empty
            title="No deliveries yet"
            hint="Findings are sent as the watcher finds them; Send test sends a ping now."
          />
        ) : (
          <div class="table-scroll">
            <table class="webhooks-table deliveries-table">
              <thead>
                <tr>
                  <th scope="col">Delivery</th>
                  <th scope="col">Type</th>
                  <th scope="col">State</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                  <th scope="col">Last attempt</th>
                </tr>
              </thead>
              <tbody>
                {state.deliveries.map((d) => {
                  const last = d.attempts.at(-1);
                  return (
                    <tr key={d.id}>
                      <td class="mono truncate" title={`${d.id} (hook ${d.hook})`}>
                        {d.id}
                      </td>
                      <td>{d.type}</td>
                      <td>
                        <span class={`delivery-state delivery-${d.state}`}>{d.state}</span>
                      </td>
                      <td class="num">{d.attempts.length}</td>
                      <td class="truncate">
                        {last === undefined
                          ? d.nextAt === undefined
                            ? '–'
                            : `due ${d.nextAt.slice(11, 19)} UTC`
                          : `${last.at.slice(0, 19).replace('T', ' ')} UTC · ${last.status === undefined ? (last.error ?? 'no answer') : `HTTP ${last.status}`} · ${last.ms} ms`}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
