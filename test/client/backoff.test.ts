/**
 * The waits between retries: full jitter (a random share of base·2^retry, capped), or the
 * server's Retry-After (seconds or an HTTP date, capped too).
 */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs } from '../../src/client/index.ts';

const policy = { backoffMs: 500, maxBackoffMs: 30_000 };

describe('retryDelayMs', () => {
  it('is a random share of 500·2^retry, at most maxBackoffMs', () => {
    // retry:         0    1     2     3     4      5      6      20
    const ceilings = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
    const retries = [0, 1, 2, 3, 4, 5, 6, 20];
    expect(retries.map((r) => retryDelayMs(r, undefined, policy, () => 0.999999))).toEqual(
      ceilings.map((c) => Math.floor(c * 0.999999)),
    );
    expect(retries.map((r) => retryDelayMs(r, undefined, policy, () => 0))).toEqual(retries.map(() => 0));
    expect(retryDelayMs(3, undefined, policy, () => 0.25)).toBe(1000);
  });

  it("takes the server's Retry-After as it is, up to maxBackoffMs", () => {
    expect(retryDelayMs(0, 2000, policy, () => 0.5)).toBe(2000);
    expect(retryDelayMs(4, 0, policy, () => 0.5)).toBe(0);
    expect(retryDelayMs(0, 3_600_000, policy, () => 0.5)).toBe(30_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 20, 8);
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Fri, 20 Nov 2026 08:00:05 GMT', 5000],
    ['Fri, 20 Nov 2026 07:59:00 GMT', 0],
  ])('reads %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
  it.each([null, '', 'soon', '-1', '1.5'])('reads %j as none', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});
