/**
 * The watcher inside a real server (in process) with the real `anomalies` analysis: a site's
 * traffic with a bot, a credential stuffer and a shared account injected goes in through the
 * collector; a hook on anomalous-session gets each of those sessions once, signed, with its
 * reasons in words, however many intervals pass, and no ordinary visit. The server's clock is
 * set just after the traffic, so the watcher's trailing week holds all of it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ANOMALY_DAY0, anomalyTraffic } from '../../helpers/anomaly-traffic.ts';
import { closeServers, startTestServer } from '../../helpers/server.ts';
import { type Receiver, startReceiver, until } from '../../helpers/webhook-receiver.ts';

const NOW = ANOMALY_DAY0 + 6 * 86_400_000 + 20 * 3_600_000;
let receiver: Receiver;

afterAll(async () => {
  await closeServers();
  await receiver?.close();
});

interface Delivery {
  type: string;
  site: string;
  data: { finding: string; identity: string; session_id: string; summary: string };
}

describe('the webhooks watcher in a server', () => {
  it('sends each anomalous session once, signed, with its reasons', async () => {
    const started = performance.now();
    const t = await startTestServer({ STINT_WEBHOOK_INTERVAL: '100ms' }, undefined, {
      now: () => NOW + Math.round(performance.now() - started),
    });
    const sent = await t.post({ events: anomalyTraffic() });
    expect(sent.statusCode, sent.body).toBe(200);
    await t.settle();
    receiver = await startReceiver('');
    const hook = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: { ...t.auth(t.admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ site: 'shop', url: receiver.url, events: ['anomalous-session'] }),
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const { webhook, secret } = hook.json() as { webhook: { id: string }; secret: string };
    receiver.secret = secret;
    // The bot, the stuffer and the shared account's three sessions.
    await until(() => receiver.unique.size === 5, 'the five anomalous sessions');
    const deliveries = () => [...receiver.unique.values()].map((r) => JSON.parse(r.body) as Delivery);
    const who = (d: Delivery) => d.data.identity;
    expect(deliveries().every((d) => d.type === 'anomalous-session' && d.site === 'shop')).toBe(true);
    const bot = deliveries().find((d) => who(d) === 'bot')!;
    expect(bot.data.finding).toBe(`session:${bot.data.session_id}`);
    expect(bot.data.summary).toContain('37 pageviews in 40 s');
    expect(deliveries().find((d) => who(d) === 'stuffer')!.data.summary).toBe('5 login_failed in 2 min');
    // Later rounds find the same sessions and send none of them again.
    const log = async () =>
      (
        (
          await t.app.inject({
            url: `/api/v1/webhooks/deliveries?hook=${webhook.id}`,
            headers: t.auth(t.admin),
          })
        ).json() as { deliveries: { state: string }[] }
      ).deliveries;
    await until(async () => (await log()).length === 5, 'five deliveries logged');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(receiver.all).toHaveLength(5);
    expect(receiver.all.every((r) => r.verified)).toBe(true);
    expect((await log()).map((d) => d.state)).toEqual(Array(5).fill('delivered'));
  });
});
