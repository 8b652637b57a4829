/**
 * `min_timestamp` (default 2000-01-01): an event from before it is refused with bad_timestamp,
 * from a write key too, so a clock at 0 cannot stretch a site's data back to 1970.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.ts';
import { stintErrorOf } from '../helpers/errors.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NOW = Date.UTC(2026, 10, 23, 12);

describe('min_timestamp', () => {
  it('refuses, per event and from a write key, a time before 2000-01-01 by default', async () => {
    const t = await startTestServer({}, undefined, { now: () => NOW });
    const res = await t.post({
      events: [
        { anonymous_id: 'v', url: '/a', timestamp: 0 },
        { anonymous_id: 'v', url: '/b', timestamp: '1999-12-31T23:59:59.999Z' },
        { anonymous_id: 'v', url: '/c', timestamp: '2000-01-01T00:00:00Z' },
        { anonymous_id: 'v', url: '/d', timestamp: '2026-11-23T11:00:00Z' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      accepted: 2,
      rejected: [
        {
          index: 0,
          code: 'bad_timestamp',
          message: "1970-01-01T00:00:00.000Z is before 2000-01-01T00:00:00.000Z, the server's min_timestamp",
        },
        { index: 1, code: 'bad_timestamp' },
      ],
    });
  });

  it('is a setting: a date or an ISO time, from the environment or the file', async () => {
    expect(resolveConfig({}, {}).minTimestampMs).toBe(Date.UTC(2000, 0, 1));
    expect(resolveConfig({}, { STINT_MIN_TIMESTAMP: '2020-06-01' }).minTimestampMs).toBe(
      Date.UTC(2020, 5, 1),
    );
    expect(resolveConfig({}, { STINT_MIN_TIMESTAMP: '2020-06-01T00:00:00+02:00' }).minTimestampMs).toBe(
      Date.UTC(2020, 4, 31, 22),
    );
    for (const bad of ['yesterday', '1600000000', '1969-12-31', '2020-13-01'])
      expect(stintErrorOf(() => resolveConfig({}, { STINT_MIN_TIMESTAMP: bad })).message).toMatch(
        /STINT_MIN_TIMESTAMP/,
      );
    const t = await startTestServer({ STINT_MIN_TIMESTAMP: '2026-01-01' }, undefined, { now: () => NOW });
    const res = await t.post({
      events: [
        { anonymous_id: 'v', url: '/a', timestamp: '2025-12-31T23:00:00Z' },
        { anonymous_id: 'v', url: '/b', timestamp: '2026-01-01T00:00:00Z' },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 1, rejected: [{ index: 0, code: 'bad_timestamp' }] });
  });
});
