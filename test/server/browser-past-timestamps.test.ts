/**
 * A browser's timestamp older than max_past is clamped to the time it arrived.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME, closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

describe('past timestamps from a browser', () => {
  it('clamps a browser timestamp older than max_past (default 7d), and takes STINT_MAX_PAST', async () => {
    for (const [settings, daysAgo] of [
      [{}, 30],
      [{ STINT_MAX_PAST: '1d' }, 3],
    ] as const) {
      const t = await startTestServer(settings);
      expect(t.config.maxPastMs).toBe('STINT_MAX_PAST' in settings ? 86_400_000 : 7 * 86_400_000);
      const old = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
        headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': CHROME },
        payload: JSON.stringify({ url: '/old', timestamp: old }),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().warnings).toEqual([expect.objectContaining({ index: 0, code: 'clamped_past' })]);
    }
  });
});
