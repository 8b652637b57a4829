/**
 * What the collector makes of where a visitor is and came from: the country of the client
 * address (never stored), else of the event's time zone; a browser cannot name its own
 * country; a referrer from the site's own origins is internal. Sessions show source, channel
 * and country, and both are dimensions of the query API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME, closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const fromBrowser = (t: TestServer, events: unknown[], remoteAddress: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
    headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': CHROME },
    remoteAddress,
    payload: JSON.stringify({ events }),
  });

async function sessions(t: TestServer): Promise<Record<string, unknown>[]> {
  await t.settle();
  const res = await t.app.inject({ url: '/api/v1/sessions?site=shop&limit=50', headers: t.auth(t.admin) });
  expect(res.statusCode).toBe(200);
  return res.json().sessions;
}

describe('the country of a visit', () => {
  it("is the client address's, which is looked up and never stored", async () => {
    const t = await startTestServer();
    expect(
      (await fromBrowser(t, [{ url: 'https://shop.example/', country: 'FR' }], '81.2.69.160')).statusCode,
    ).toBe(200);
    const [s] = await sessions(t);
    expect(s?.country).toBe('GB');
    const one = await t.app.inject({
      url: `/api/v1/sessions/${String(s?.session_id)}?site=shop`,
      headers: t.auth(t.admin),
    });
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain('81.2.69.160');
  });

  it("is a server-side sender's own, or its ip field's; else the time zone's; else unknown", async () => {
    const t = await startTestServer();
    const res = await t.post({
      events: [
        { anonymous_id: 'named', url: 'https://shop.example/', country: 'fr', ip: '8.8.8.8' },
        { anonymous_id: 'by-ip', url: 'https://shop.example/', ip: '81.2.69.160', timezone: 'Asia/Tokyo' },
        { anonymous_id: 'by-zone', url: 'https://shop.example/', timezone: 'Asia/Tokyo' },
        { anonymous_id: 'none', url: 'https://shop.example/' },
      ],
    });
    expect(res.statusCode).toBe(200);
    const byId = Object.fromEntries((await sessions(t)).map((s) => [s.anonymous_id, s.country]));
    expect(byId).toEqual({ named: 'FR', 'by-ip': 'GB', 'by-zone': 'JP', none: '' });
    const countries = await t.app.inject({
      url: '/api/v1/breakdown?site=shop&by=country',
      headers: t.auth(t.admin),
    });
    expect(countries.statusCode).toBe(200);
    const rows = countries.json().rows as { key: string; sessions: number }[];
    expect(rows.map((r) => r.key).sort()).toEqual(['FR', 'GB', 'JP', 'unknown']);
  });
});

describe('the source of a visit', () => {
  it("never is the site itself: internal navigation from the site's origins stays Direct", async () => {
    const t = await startTestServer();
    const at = Date.UTC(2026, 2, 10, 10);
    await fromBrowser(
      t,
      [
        { timestamp: at, url: 'https://shop.example/' },
        { timestamp: at + 60_000, url: 'https://shop.example/pricing', referrer: 'https://shop.example/' },
      ],
      '203.0.113.7',
    );
    await fromBrowser(
      t,
      [
        { timestamp: at, url: 'https://shop.example/', referrer: 'https://www.google.co.uk/' },
        { timestamp: at + 60_000, url: 'https://shop.example/b', referrer: 'https://www.shop.example/' },
      ],
      '203.0.113.8',
    );
    const got = (await sessions(t)).map((s) => [s.source, s.channel, s.referrer]).sort();
    expect(got).toEqual([
      ['', 'Direct', ''],
      ['Google', 'Organic Search', 'https://www.google.co.uk/'],
    ]);
    const channels = await t.app.inject({
      url: '/api/v1/breakdown?site=shop&by=channel',
      headers: t.auth(t.admin),
    });
    expect((channels.json().rows as { key: string }[]).map((r) => r.key).sort()).toEqual([
      'Direct',
      'Organic Search',
    ]);
  });
});
