/**
 * What every answer carries and how the server's own refusals look: `nosniff` always and
 * `no-store` on everything but the API document; Node's refusals (431, a request that is no
 * HTTP) and Fastify's (empty JSON, unknown content type) in `{ error: { code, message } }`;
 * a compressed body refused with 415 naming Content-Encoding; an admin token of 32+ characters.
 */
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.ts';
import { stintErrorOf } from '../helpers/errors.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

/** Sends raw bytes to 127.0.0.1:port and reads the answer until the server closes. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(request);
  });
}

const bodyOf = (answer: string): unknown => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

describe('answer headers', () => {
  it('has nosniff on every answer, no-store on all but the API document', async () => {
    const t = await startTestServer();
    const answers = await Promise.all([
      t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.sites.shop.reader) }),
      t.app.inject({ url: '/api/v1/sessions?site=shop', headers: t.auth(t.admin) }),
      t.app.inject({ url: '/api/v1/sessions?site=shop', headers: t.auth(t.share) }),
      t.app.inject({ url: '/api/v1/overview?site=shop' }),
      t.app.inject({ url: '/metrics', headers: t.auth(t.admin) }),
      t.app.inject({ url: '/healthz' }),
      t.app.inject({ url: '/nope' }),
      t.post({ url: '/a', anonymous_id: 'v' }),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 403, 401, 200, 200, 404, 200]);
    for (const a of answers) {
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['cache-control']).toBe('no-store');
    }
    const doc = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(doc.headers['x-content-type-options']).toBe('nosniff');
    expect(doc.headers['cache-control']).toBeUndefined();
  });

  it("answers Node's and Fastify's own refusals in the API's error shape", async () => {
    const t = await startTestServer();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const big = await raw(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1\.1 431 /);
    expect(big).toMatch(/\r\nx-content-type-options: nosniff\r\n/i);
    expect(bodyOf(big)).toEqual({ error: { code: 'headers_too_large', message: expect.any(String) } });
    const junk = await raw(port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(junk).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(junk)).toEqual({
      error: { code: 'bad_request', message: expect.stringContaining('not valid HTTP') },
    });
    for (const [headers, payload, status] of [
      [{ 'content-type': 'application/json' }, '', 400],
      [{ 'content-type': 'application/xml' }, '<a/>', 415],
      [{ 'content-type': 'application/json' }, '{"url":', 400],
    ] as const) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { ...t.auth(t.sites.shop.writeKey), ...headers },
        payload,
      });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('refuses a compressed body with 415 naming Content-Encoding, readable by the browser', async () => {
    const t = await startTestServer();
    const body = gzipSync(JSON.stringify({ url: '/a' }));
    for (const encoding of ['gzip', 'br', 'deflate', 'GZIP']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
        headers: {
          origin: 'https://shop.example',
          'content-type': 'text/plain',
          'content-encoding': encoding,
        },
        payload: body,
      });
      expect(res.statusCode).toBe(415);
      expect(res.headers['access-control-allow-origin']).toBe('https://shop.example');
      expect(res.json()).toEqual({
        error: { code: 'unsupported_content_encoding', message: expect.stringContaining('Content-Encoding') },
      });
    }
    const identity = await t.post(JSON.stringify({ url: '/a', anonymous_id: 'v' }), {
      ...t.auth(t.sites.shop.writeKey),
      'content-encoding': 'identity',
    });
    expect(identity.statusCode).toBe(200);
  });

  it('refuses an admin token shorter than 32 characters at start, without repeating it', () => {
    const short = 'hunter2-but-longer-still-31chars';
    expect(short.length).toBe(32);
    expect(resolveConfig({}, { STINT_ADMIN_TOKEN: short }).adminToken).toBe(short);
    const err = stintErrorOf(() => resolveConfig({}, { STINT_ADMIN_TOKEN: short.slice(1) }));
    expect(err.message).toMatch(/STINT_ADMIN_TOKEN is 31 characters long; an admin token needs at least 32/);
    expect(`${err.message} ${err.hint}`).not.toContain(short.slice(1));
    expect(err.hint).toMatch(/openssl rand -hex 32/);
  });
});
