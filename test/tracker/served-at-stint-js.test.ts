/**
 * `GET /stint.js` on `stint serve`: the built tracker, gzipped when the client takes it, cached
 * for an hour by ETag, and with no CORS header (a <script> tag needs none).
 */
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { takesGzip } from '../../src/server/routes/tracker.ts';
import { buildTracker } from '../../src/server/tracker.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

describe('GET /stint.js', () => {
  it('sends the minified tracker as JavaScript, cached for an hour by its ETag', async () => {
    const { app } = await startTestServer();
    const res = await app.inject({ url: '/stint.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.body).toBe(await buildTracker());

    const again = await app.inject({
      url: '/stint.js',
      headers: { 'if-none-match': String(res.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('is gzipped for a client that takes gzip, under an ETag of its own', async () => {
    const { app } = await startTestServer();
    const plain = await app.inject({ url: '/stint.js' });
    const res = await app.inject({ url: '/stint.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers.etag).not.toBe(plain.headers.etag);
    expect(gunzipSync(res.rawPayload).toString()).toBe(plain.body);
  });

  it('reads Accept-Encoding with its qualities', () => {
    expect(
      ['gzip', 'br, gzip;q=0.5', '*', 'gzip;q=0', 'br', '', 'x-gzip2'].map((h) => [h, takesGzip(h)]),
    ).toEqual([
      ['gzip', true],
      ['br, gzip;q=0.5', true],
      ['*', true],
      ['gzip;q=0', false],
      ['br', false],
      ['', false],
      ['x-gzip2', false],
    ]);
  });
});
