/**
 * A stored event's host and ad click id come from its URL in SQL when the store reads events
 * back (store/duckdb/columns.ts), and from the same patterns in TypeScript when a file is
 * read (core/attribution/url-facts.ts): both give the same answer for any URL.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clickIdOf, siteHostOf } from '../../src/core/attribution/url-facts.ts';
import { CLICK_SQL, HOST_SQL } from '../../src/store/duckdb/columns.ts';

let instance: DuckDBInstance;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
});
afterAll(() => instance.closeSync());

const part = (chars: string, max = 8) =>
  fc.array(fc.constantFrom(...chars.split('')), { maxLength: max }).map((a) => a.join(''));
const url = fc
  .tuple(
    fc.constantFrom('', 'https:', 'http:', 'android-app:', 'x+y.z-1:', '1bad:', ''),
    fc.constantFrom('//', '//', '/', ''),
    fc.constantFrom('', 'user:pw@', 'a@b@'),
    fc.constantFrom('', 'www.', 'WWW.', 'wwwx.'),
    part('abcXYZ.-é', 10),
    fc.constantFrom('', ':443', ':', ':80x'),
    part('/ab?#&=', 6),
    fc.constantFrom(
      '',
      '?gclid=1',
      '?a=1&fbclid',
      '?x=&msclkid=2#f',
      '#?gclid=1',
      '?li_fat_id=3&gclid=4',
      '?gclidx=1',
      '&dclid=1',
    ),
  )
  .map((parts) => parts.join(''));

it('gives the host and the click id of any URL as TypeScript does', async () => {
  const c = await instance.connect();
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(url, { minLength: 1, maxLength: 40 }), async (urls) => {
        await c.run('CREATE OR REPLACE TEMP TABLE u (i INTEGER, url VARCHAR)');
        const appender = await c.createAppender('u', 'main', 'temp');
        urls.forEach((u, i) => {
          appender.appendInteger(i);
          appender.appendVarchar(u);
          appender.endRow();
        });
        appender.closeSync();
        const rows = (
          await c.runAndReadAll(`SELECT ${HOST_SQL}, ${CLICK_SQL} FROM u ORDER BY i`)
        ).getRowsJS();
        expect(rows).toEqual(urls.map((u) => [siteHostOf(u), clickIdOf(u)]));
      }),
      { numRuns: 150 },
    );
  } finally {
    c.closeSync();
  }
});
