/**
 * Property names that are also names of every JavaScript object's own methods (`constructor`,
 * `toString`, `valueOf`, `hasOwnProperty`, …) are stored like any other name, whether sent in
 * `properties` (or Plausible's `props`) or beside the fields. `__proto__`, which no JSON object
 * of the API may hold, is refused with a reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NAMES = [
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupGetter__',
  'prototype',
];

describe('property names', () => {
  it('stores names of object methods like any other, in properties and beside the fields', async () => {
    const t = await startTestServer();
    const properties = Object.fromEntries(NAMES.map((n, i) => [n, `p${i}`]));
    const res = await t.post({
      events: [
        { timestamp: '2026-11-20T10:00:00Z', anonymous_id: 'v', url: '/a', properties },
        { timestamp: '2026-11-20T10:01:00Z', anonymous_id: 'v', url: '/b', constructor: 'top', valueOf: 3 },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: [] });
    await t.settle();
    const get = async (path: string) => {
      const r = await t.app.inject({ url: path, headers: t.auth(t.admin) });
      expect(r.statusCode).toBe(200);
      return r.json();
    };
    const range = 'from=2026-11-20&to=2026-11-20';
    const { sessions } = (await get(`/api/v1/sessions?site=shop&${range}`)) as {
      sessions: { session_id: string }[];
    };
    expect(sessions).toHaveLength(1);
    const journey = (await get(`/api/v1/sessions/${sessions[0]!.session_id}?site=shop`)) as {
      events: { properties: Record<string, unknown> }[];
    };
    expect(journey.events.map((e) => e.properties)).toEqual([properties, { constructor: 'top', valueOf: 3 }]);
    const breakdown = (await get(`/api/v1/breakdown?site=shop&${range}&by=prop.constructor`)) as {
      rows: { key: string; sessions: number }[];
    };
    expect(breakdown.rows.map((r) => [r.key, r.sessions])).toEqual([['p0', 1]]);
    const filtered = (await get(`/api/v1/overview?site=shop&${range}&filter=prop.toString=p1`)) as {
      metrics: { sessions: { value: number } };
    };
    expect(filtered.metrics.sessions.value).toBe(1);
  });

  it('refuses __proto__ with a reason that names it', async () => {
    const t = await startTestServer();
    for (const body of [
      '{"timestamp": "2026-11-20T10:00:00Z", "anonymous_id": "v", "properties": {"__proto__": "x"}}',
      '{"timestamp": "2026-11-20T10:00:00Z", "anonymous_id": "v", "__proto__": "x"}',
    ]) {
      const res = await t.post(body);
      expect(res.statusCode).toBe(400);
      const { error } = res.json() as { error: { code: string; message: string } };
      expect(error.code).toBe('forbidden_name');
      expect(error.message).toContain('__proto__');
    }
  });

  it("reads Plausible's props as properties, beside or instead of them", async () => {
    const t = await startTestServer();
    const res = await t.post({
      events: [
        { timestamp: '2026-11-20T10:00:00Z', anonymous_id: 'v', url: '/a', props: { plan: 'pro', seats: 3 } },
        {
          timestamp: '2026-11-20T10:01:00Z',
          anonymous_id: 'v',
          url: '/b',
          properties: { plan: 'team' },
          props: { plan: 'ignored', coupon: 'x' },
        },
        { timestamp: '2026-11-20T10:02:00Z', anonymous_id: 'v', url: '/c', props: { url: '/d' } },
      ],
    });
    expect(res.statusCode).toBe(200);
    const answer = res.json() as { accepted: number; rejected: { index: number; message: string }[] };
    expect(answer.accepted).toBe(2);
    expect(answer.rejected).toEqual([
      expect.objectContaining({
        index: 2,
        message: 'props.url is a field of its own: send it beside "props"',
      }),
    ]);
    await t.settle();
    const range = 'from=2026-11-20&to=2026-11-20';
    const list = await t.app.inject({ url: `/api/v1/sessions?site=shop&${range}`, headers: t.auth(t.admin) });
    const [session] = (list.json() as { sessions: { session_id: string }[] }).sessions;
    const journey = await t.app.inject({
      url: `/api/v1/sessions/${session!.session_id}?site=shop`,
      headers: t.auth(t.admin),
    });
    const { events } = journey.json() as { events: { properties: Record<string, unknown> }[] };
    expect(events.map((e) => e.properties)).toEqual([
      { plan: 'pro', seats: 3 },
      { plan: 'team', coupon: 'x' },
    ]);
  });
});
