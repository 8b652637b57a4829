/**
 * A visitor address a server relays (as "IP" or as properties.ip) is never stored.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME, closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

describe('privacy', () => {
  it('never stores a visitor address a server relays as "IP" or as properties.ip', async () => {
    const t = await startTestServer({ STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' });
    const ips = ['198.51.100.41', '198.51.100.42'];
    const res = await t.post({
      events: [
        { url: '/relay-upper', timestamp: '2026-11-20T10:00:00Z', user_agent: CHROME, IP: ips[0] },
        {
          url: '/relay-props',
          timestamp: '2026-11-20T10:00:00Z',
          user_agent: CHROME,
          properties: { ip: ips[1] },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.settle();
    const files = (readdirSync(t.dir, { recursive: true }) as string[])
      .map((f) => join(t.dir, f))
      .filter((f) => statSync(f).isFile());
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const ip of ips) if (bytes.includes(ip)) found.push(`${ip} in ${file}`);
    }
    expect(found).toEqual([]);
  });
});
