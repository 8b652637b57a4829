/**
 * The watcher inside a real server (in process): with an `anomalies` entry in the catalogue
 * (here a stand-in giving a literal result, until the analysis lands), a hook on
 * anomalous-day gets each anomalous day once, signed, however many intervals pass; a hook on
 * diagnose-finding gets nothing while the catalogue has no `diagnose`. The stand-in reads the
 * store through the read slots (4 rounds and more: a slot never given back would stop the 4th).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Analysis, CATALOG } from '../../../src/analysis/catalog.ts';
import type { AnomaliesResult } from '../../../src/server/webhooks/detectors.ts';
import { sql } from '../../../src/sql/query.ts';
import type { Store } from '../../../src/store/store.ts';
import { closeServers, startTestServer } from '../../helpers/server.ts';
import { type Receiver, startReceiver, until } from '../../helpers/webhook-receiver.ts';

const RESULT: AnomaliesResult = {
  sessions: [],
  days: [
    {
      day: '2026-11-05',
      metric: 'sessions',
      value: 900,
      expected: 300,
      z: 6.1,
      reason: 'three times the usual Thursday',
    },
  ],
};
const catalog = CATALOG as unknown as Record<string, Analysis | undefined>;
let runs = 0;
const counted: number[] = [];
let receiver: Receiver;

beforeAll(() => {
  catalog.anomalies = {
    name: 'anomalies',
    summary: 'stand-in',
    params: [],
    plan: (read: { query(): unknown }) => ({ query: read.query() }),
    // It reads the site's store as an analysis does (through the server's read slots).
    run: async (store: Store) => {
      const [row] = await store.query(store.dialect.compile(sql`SELECT count(*) AS n FROM sessions`));
      counted.push(Number(row!.n));
      runs++;
      return RESULT;
    },
  } as unknown as Analysis;
});
afterAll(async () => {
  delete catalog.anomalies;
  await closeServers();
  await receiver?.close();
});

describe('the webhooks watcher in a server', () => {
  it('sends each anomalous day once, at the interval, signed', async () => {
    const t = await startTestServer({ STINT_WEBHOOK_INTERVAL: '100ms' });
    receiver = await startReceiver('');
    const add = (events: string[]) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: { ...t.auth(t.admin), 'content-type': 'application/json' },
        payload: JSON.stringify({ site: 'shop', url: receiver.url, events }),
      });
    const days = (await add(['anomalous-day'])).json() as { webhook: { id: string }; secret: string };
    receiver.secret = days.secret;
    // No `diagnose` in this catalogue: its hook is sent nothing (any arrival would be in `all`).
    expect((await add(['diagnose-finding'])).statusCode).toBe(201);
    await until(() => receiver.unique.size === 1, 'the anomalous day');
    const before = runs;
    await until(() => runs >= before + 3, 'three more intervals');
    expect(receiver.all).toHaveLength(1);
    expect(counted.every((n) => n === 0)).toBe(true);
    const [got] = [...receiver.unique.values()];
    expect(got!.event).toBe('anomalous-day');
    expect(JSON.parse(got!.body)).toMatchObject({
      type: 'anomalous-day',
      site: 'shop',
      data: {
        finding: 'day:2026-11-05:sessions',
        day: '2026-11-05',
        metric: 'sessions',
        value: 900,
        expected: 300,
      },
    });
    const log = await t.app.inject({
      url: `/api/v1/webhooks/deliveries?hook=${days.webhook.id}`,
      headers: t.auth(t.admin),
    });
    expect((log.json() as { deliveries: { state: string }[] }).deliveries.map((d) => d.state)).toEqual([
      'delivered',
    ]);
  });
});
