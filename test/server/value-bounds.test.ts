/**
 * An event's `value`, sent as a JSON number or as a string, is a decimal number from -1e12 to
 * 1e12: anything else (hex, Infinity, 1.7e308, padding) is refused per event with `bad_value`,
 * so no event can make a site's totals overflow. Files are read by the same rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNormalizer } from '../../src/core/normalize.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

/** Refused by the collector and in files alike. */
const BAD = [
  '1.7e308',
  '0x10',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e13',
  '-1000000000001',
  '1_000',
  '0b11',
  '+',
  '.',
  '1e',
  '١٢',
  '  ',
];
/** Refused by the collector; in a file, spaces around a value are left out as they are around ids. */
const PADDED = [' 12 ', '12 ', '\t3'];
const GOOD: [unknown, number][] = [
  ['12', 12],
  ['-12.50', -12.5],
  ['+3', 3],
  ['.5', 0.5],
  ['5.', 5],
  ['1e12', 1e12],
  ['-1E12', -1e12],
  ['2.5e-3', 0.0025],
  [7, 7],
  [-1e12, -1e12],
  ['', 0],
  [null, 0],
];

describe('value bounds', () => {
  it('refuses each bad value with bad_value, from a browser key, and keeps the site totals numbers', async () => {
    const t = await startTestServer();
    const day = '2026-11-20';
    const events = [
      { timestamp: `${day}T10:00:00Z`, anonymous_id: 'v', url: '/a', value: '10' },
      ...[...BAD, ...PADDED].map((value) => ({
        timestamp: `${day}T10:01:00Z`,
        anonymous_id: 'v',
        url: '/b',
        value,
      })),
      ...[1.7e308, -1.7e308, 1e12 + 1].map((value) => ({
        timestamp: `${day}T10:02:00Z`,
        anonymous_id: 'v',
        url: '/c',
        value,
      })),
      { timestamp: `${day}T10:03:00Z`, anonymous_id: 'v', url: '/d', value: 2.5 },
    ];
    const res = await t.post({ events });
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      accepted: number;
      rejected: { index: number; code: string; message: string }[];
    };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r) => r.index)).toEqual(events.slice(1, -1).map((_, i) => i + 1));
    for (const r of body.rejected) {
      expect(r.code).toBe('bad_value');
      expect(r.message).toMatch(/decimal number from -1e12 to 1e12/);
    }
    // From a browser too: the string form had no bound at all.
    const browser = await t.app.inject({
      method: 'POST',
      url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
      headers: {
        origin: 'https://shop.example',
        'content-type': 'application/json',
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
      },
      payload: JSON.stringify({
        events: [
          { url: '/x', value: '1.7e308' },
          { url: '/y', value: '1.7e308' },
        ],
      }),
    });
    expect(browser.statusCode).toBe(400);
    expect((browser.json() as { rejected: { code: string }[] }).rejected.map((r) => r.code)).toEqual([
      'bad_value',
      'bad_value',
    ]);
    await t.settle();
    const o = await t.app.inject({
      url: `/api/v1/overview?site=shop&from=${day}&to=${day}`,
      headers: t.auth(t.admin),
    });
    const metrics = (o.json() as { metrics: Record<string, { value: number | null }> }).metrics;
    expect(metrics.total_value?.value).toBe(12.5);
    expect(metrics.avg_value?.value).toBe(12.5);
  });

  it('reads a file row by the same rule', () => {
    const normalize = createNormalizer();
    const row = (value: unknown) =>
      normalize({ timestamp: '2026-11-20T10:00:00Z', anonymous_id: 'v', value });
    for (const value of BAD) expect(row(value)).toMatchObject({ ok: false, reason: 'bad_value' });
    for (const [value, expected] of GOOD)
      expect(row(value)).toMatchObject({ ok: true, event: { value: expected } });
    expect(PADDED.map((value) => row(value))).toMatchObject([
      { ok: true, event: { value: 12 } },
      { ok: true, event: { value: 12 } },
      { ok: true, event: { value: 3 } },
    ]);
  });
});
