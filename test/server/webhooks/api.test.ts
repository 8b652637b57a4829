/**
 * The webhooks API: admin tokens only (a site's read token and a share link are refused), the
 * secret answered once by the POST, bad input refused with a reason, a test ping delivered and
 * its attempts in the delivery log, and every route in the OpenAPI document.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../src/api/openapi.ts';
import { closeServers, startTestServer } from '../../helpers/server.ts';
import { type Receiver, startReceiver, until } from '../../helpers/webhook-receiver.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await closeServers();
  await receiver?.close();
  receiver = undefined;
});

describe('/api/v1/webhooks', () => {
  it('adds, lists, tests and removes a hook with an admin token; the log shows the ping', async () => {
    const t = await startTestServer();
    receiver = await startReceiver('');
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, token = t.admin) =>
      t.app.inject({
        method,
        url,
        headers: {
          ...t.auth(token),
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      });
    const made = await call('POST', '/api/v1/webhooks', {
      site: 'shop',
      url: receiver.url,
      events: ['anomalous-session', 'diagnose-finding'],
    });
    expect(made.statusCode, made.body).toBe(201);
    const { webhook, secret } = made.json() as { webhook: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({
      site: 'shop',
      url: receiver.url,
      events: ['anomalous-session', 'diagnose-finding'],
      state: 'active',
    });
    receiver.secret = secret;

    const listed = (await call('GET', '/api/v1/webhooks')).json() as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks.map((h) => h.id)).toEqual([webhook.id]);
    expect(JSON.stringify(listed)).not.toContain(secret);

    const ping = await call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    expect(ping.statusCode, ping.body).toBe(202);
    const { delivery } = ping.json() as { delivery: string };
    await until(() => receiver!.unique.has(delivery), 'the ping');
    expect(receiver.unique.get(delivery)!.verified).toBe(true);
    await until(async () => {
      const log = (await call('GET', `/api/v1/webhooks/deliveries?hook=${webhook.id}`)).json() as {
        deliveries: { id: string; state: string }[];
      };
      return log.deliveries.some((d) => d.id === delivery && d.state === 'delivered');
    }, 'the log line');

    expect((await call('DELETE', `/api/v1/webhooks/${webhook.id}`)).json()).toEqual({ removed: webhook.id });
    expect((await call('DELETE', `/api/v1/webhooks/${webhook.id}`)).statusCode).toBe(404);
    expect((await call('POST', `/api/v1/webhooks/${webhook.id}/test`)).statusCode).toBe(404);
  });

  it('refuses read tokens, share links and no token; and bad input with a reason', async () => {
    const t = await startTestServer();
    const get = (token?: string) =>
      t.app.inject({ url: '/api/v1/webhooks', headers: token === undefined ? {} : t.auth(token) });
    expect((await get()).statusCode).toBe(401);
    expect((await get(t.sites.shop.reader)).statusCode).toBe(403);
    expect((await get(t.share)).statusCode).toBe(403);
    const post = (payload: unknown) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: { ...t.auth(t.admin), 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const noEvent = await post({ site: 'shop', url: 'https://x.example/h', events: ['sometimes'] });
    expect(noEvent.statusCode).toBe(400);
    expect(noEvent.json().error.message).toMatch(/Cannot send a hook "sometimes".*anomalous-session/);
    expect(
      (await post({ site: 'shop', url: 'ftp://x.example/h', events: ['anomalous-day'] })).statusCode,
    ).toBe(400);
    expect(
      (await post({ site: 'nosuch', url: 'https://x.example/h', events: ['anomalous-day'] })).json().error
        .code,
    ).toBe('unknown_site');
    expect((await post({ url: 'https://x.example/h' })).statusCode).toBe(400);
    const limit = await t.app.inject({
      url: '/api/v1/webhooks/deliveries?limit=0',
      headers: t.auth(t.admin),
    });
    expect(limit.statusCode).toBe(400);
  });

  it('are in the OpenAPI document, with the admin credential', () => {
    const doc = openApiDocument({}) as { paths: Record<string, Record<string, { security?: unknown }>> };
    expect(Object.keys(doc.paths['/api/v1/webhooks']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}']!)).toEqual(['delete']);
    expect(Object.keys(doc.paths['/api/v1/webhooks/{id}/test']!)).toEqual(['post']);
    expect(doc.paths['/api/v1/webhooks/deliveries']!.get!.security).toEqual([{ bearer: [] }]);
  });
});
