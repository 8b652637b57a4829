/**
 * The pieces of reading through a server, by example: the query string a command's values
 * make, each refusal of the API as the CLI's error (message, hint, exit code), and the name
 * of the downloaded HTML report.
 */
import { describe, expect, it } from 'vitest';
import { CATALOG, QUERIES } from '../../src/analysis/catalog.ts';
import { queryOf, refusal } from '../../src/cli/remote.ts';
import { reportFileName } from '../../src/server/routes/report-html.ts';

const remote = { base: new URL('http://127.0.0.1:8080/'), site: 'shop' };

describe('the query string of a command', () => {
  it('holds each value given, repeatable ones repeated, switches only when on', () => {
    const funnel = queryOf(
      CATALOG.funnel,
      {
        from: '2026-10-01',
        tz: 'UTC',
        filter: [],
        step: ['/', 'event:purchase'],
        any_order: true,
        by: undefined,
      },
      'shop',
    );
    expect(funnel.toString()).toBe(
      'site=shop&from=2026-10-01&tz=UTC&step=%2F&step=event%3Apurchase&any_order=true',
    );
    expect(queryOf(CATALOG.funnel, { step: ['/'], any_order: false }).toString()).toBe('step=%2F');
    expect(queryOf(QUERIES.report, { filter: ['source=a&b', 'device_type!=bot'] }).getAll('filter')).toEqual([
      'source=a&b',
      'device_type!=bot',
    ]);
  });
});

describe("the API's refusals as the CLI's errors", () => {
  const error = (code: string, message: string, hint?: string) => ({ error: { code, message, hint } });

  it('keeps the usage errors of the analyses, with their hint (exit 1)', () => {
    const e = refusal(remote, 400, error('STINT_BAD_FLAG', 'Unknown interval "x"', 'Use one of: hour, day'));
    expect([e.code, e.message, e.hint, e.exitCode]).toEqual([
      'STINT_BAD_FLAG',
      'Unknown interval "x"',
      'Use one of: hour, day',
      1,
    ]);
  });

  it('tells a refused token, a site it may not read, and no site named (exit 1)', () => {
    const token = refusal(remote, 401, error('unauthorized', 'This token or share link was revoked'));
    expect(token.message).toBe(
      'http://127.0.0.1:8080 refused the token: This token or share link was revoked',
    );
    expect(token.hint).toMatch(/--token or STINT_TOKEN/);
    expect(token.exitCode).toBe(1);
    expect(refusal(remote, 403, error('forbidden', 'This token may not read that site')).exitCode).toBe(1);
    expect(refusal(remote, 400, error('no_site', 'Name the site: ?site=NAME')).message).toBe(
      'Name the site: --site NAME',
    );
    const unknown = refusal(remote, 404, error('unknown_site', 'No site named "shp"'));
    expect([unknown.code, unknown.message, unknown.exitCode]).toEqual([
      'STINT_NO_SITE',
      'No site named "shp" at http://127.0.0.1:8080',
      1,
    ]);
  });

  it('tells a server that cannot answer now, and when to retry (exit 2)', () => {
    const busy = refusal(remote, 503, error('too_many_reads', 'Too many reads of this site wait'), '2');
    expect(busy.message).toBe(
      'http://127.0.0.1:8080 cannot answer now (503 too_many_reads): Too many reads of this site wait',
    );
    expect([busy.hint, busy.exitCode]).toEqual(['Retry in 2 s', 2]);
    expect(refusal(remote, 503, error('query_timeout', 'The read took longer')).code).toBe(
      'STINT_QUERY_TIMEOUT',
    );
    expect(refusal(remote, 429, error('rate_limited', 'More than 600 requests')).exitCode).toBe(2);
  });

  it('tells an answer that is no stint answer (a proxy page, another service)', () => {
    const other = refusal({ base: new URL('https://stats.example/stint/'), site: undefined }, 502, undefined);
    expect(other.message).toBe('https://stats.example/stint answered 502 without a stint answer');
    expect(other.exitCode).toBe(2);
  });
});

describe('the name of the downloaded report', () => {
  it("is the site and the period's first and last day in its zone", () => {
    const october = { from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z' };
    expect(reportFileName('shop', { range: october, tz: 'Europe/Berlin' })).toBe(
      'stint-report-shop-2026-10-01-2026-10-31.html',
    );
    const oneDay = { from: '2026-10-05T00:00:00.000Z', to: '2026-10-06T00:00:00.000Z' };
    expect(reportFileName('shop', { range: oneDay, tz: 'UTC' })).toBe(
      'stint-report-shop-2026-10-05-2026-10-05.html',
    );
    expect(reportFileName('shop', { range: { from: null, to: null }, tz: 'UTC' })).toBe(
      'stint-report-shop.html',
    );
    expect(reportFileName('a"b/c', { range: { from: null, to: null }, tz: 'UTC' })).toBe(
      'stint-report-a_b_c.html',
    );
  });
});
