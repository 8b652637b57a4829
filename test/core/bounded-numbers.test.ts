/**
 * Numbers in flags and query parameters have bounds: a huge, odd or non-decimal one is a usage
 * error naming the flag and the bound (a 400 from the server), never a crash or a 5xx.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { maxRejectsFlag } from '../../src/cli/flag-values.ts';
import { wholeNumber } from '../../src/core/bounded.ts';
import { MAX_DURATION_MS, parseDuration } from '../../src/core/duration.ts';
import { stint } from '../helpers/cli.ts';
import { stintErrorOf } from '../helpers/errors.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

const LIMIT = { min: 1, max: 100_000, example: 10 };
const HUGE = '99999999999999999999';

describe('wholeNumber', () => {
  it('reads decimal digits, spaces around them allowed, up to the bound', () => {
    expect(wholeNumber(' 5 ', '--limit', LIMIT)).toBe(5);
    expect(wholeNumber('007', '--limit', LIMIT)).toBe(7);
    expect(wholeNumber('100000', '--limit', LIMIT)).toBe(100_000);
    expect(wholeNumber('0', '--max-rejects', { min: 0, max: 10, example: 1 })).toBe(0);
  });

  it('refuses a huge, signed, hex, exponent, fractional or empty value, naming the flag and bound', () => {
    for (const text of [
      HUGE,
      '100001',
      '1e400',
      '1e3',
      '-0',
      '+5',
      '0x10',
      '0b1',
      '5.0',
      '',
      ' ',
      'NaN',
      'Infinity',
      '1_000',
    ]) {
      const err = stintErrorOf(() => wholeNumber(text, '--limit', LIMIT));
      expect(err.code, text).toBe('STINT_BAD_FLAG');
      expect(err.message, text).toContain('--limit');
      expect(err.message, text).toContain('from 1 to 100000');
      expect(err.hint, text).toContain('at most 100000');
    }
    expect(stintErrorOf(() => wholeNumber(undefined, '--limit', LIMIT)).code).toBe('STINT_BAD_FLAG');
  });

  it('bounds --max-rejects to a billion', () => {
    expect(maxRejectsFlag('1000000000')).toBe(1_000_000_000);
    expect(maxRejectsFlag(undefined)).toBeUndefined();
    expect(stintErrorOf(() => maxRejectsFlag(HUGE)).message).toContain('--max-rejects');
  });
});

describe('parseDuration', () => {
  it('reads up to 100 years', () => {
    expect(MAX_DURATION_MS).toBe(36_500 * 86_400_000);
    expect(parseDuration('36500d', '--window')).toBe(MAX_DURATION_MS);
    expect(parseDuration(' 1H30M ')).toBe(5_400_000);
  });

  it('refuses longer, naming the flag and the bound', () => {
    for (const text of ['36501d', `${HUGE}d`, `${'9'.repeat(400)}ms`, '36500d1ms']) {
      const err = stintErrorOf(() => parseDuration(text, '--window'));
      expect(err.code, text).toBe('STINT_BAD_DURATION');
      expect(err.message, text).toContain('--window');
      expect(err.message, text).toContain('36500d');
      expect(err.hint, text).toContain('36500d');
    }
  });

  it('takes a lower bound for one setting', () => {
    expect(parseDuration('1d', 'X', 86_400_000)).toBe(86_400_000);
    expect(stintErrorOf(() => parseDuration('25h', 'X', 86_400_000)).message).toContain('at most 1d');
  });

  it('still refuses what is no duration', () => {
    for (const text of ['1e400d', '-5m', '0x10s', 'NaNs', '']) {
      expect(stintErrorOf(() => parseDuration(text, '--window')).code, text).toBe('STINT_BAD_DURATION');
    }
  });
});

describe('the CLI', () => {
  it('refuses a huge --events to stint demo instead of reading it as 1', () => {
    const r = stint(['demo', '--events', '1e20']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--events needs a whole number from 1 to');
    expect(r.stderr).not.toContain('looks like a bug');
  });
});

describe('the query API', () => {
  it('answers 400 naming the parameter for a huge limit, steps or window, never a 5xx', async () => {
    const t = await startTestServer();
    const now = Date.now();
    const res = await t.post({
      events: ['/a', '/b'].map((path, i) => ({
        anonymous_id: 'v1',
        timestamp: new Date(now - 60_000 + i * 1000).toISOString(),
        url: `https://shop.example${path}`,
      })),
    });
    expect(res.json()).toMatchObject({ accepted: 2 });
    await t.settle();
    const get = (url: string) => t.app.inject({ url: `/api/v1/${url}`, headers: t.auth(t.admin) });

    // The store has rows, so a bad number would reach SQL.
    const ok = await get('pages?site=shop&limit=100000');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().rows).toHaveLength(2);

    const cases: [string, string][] = [
      [`pages?site=shop&limit=${HUGE}`, 'limit '],
      [`breakdown?site=shop&by=browser&limit=${HUGE}`, 'limit '],
      [`ctr?site=shop&limit=${HUGE}`, 'limit '],
      [`paths?site=shop&limit=${HUGE}`, 'limit '],
      ['paths?site=shop&steps=1e20', 'steps '],
      [`paths?site=shop&steps=${HUGE}`, 'steps '],
      [`funnel?site=shop&step=/a&step=/b&window=${HUGE}d`, 'window '],
      ['pages?site=shop&limit=0x10', 'limit '],
    ];
    for (const [url, param] of cases) {
      const r = await get(url);
      expect(r.statusCode, `${url}: ${r.body}`).toBe(400);
      const { error } = r.json() as { error: { code: string; message: string; hint: string } };
      expect(error.message, url).toContain(param);
      expect(error.hint, url).toMatch(/at most/);
    }
  });
});
