/**
 * The server's error answers (src/server/errors.ts): every HttpError written in src names a
 * catalogue code and no status (so a code cannot have two), and answers carry the
 * catalogue's code and status: an unknown site is 404 `unknown_site`, a request naming none 400 `no_site`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ERRORS, entryOfWire, StintError } from '../../src/core/errors.ts';
import { HttpError, registerErrorAnswers } from '../../src/server/errors.ts';
import { ROOT } from '../helpers/cli.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

/** Every .ts file under src/, with its text. */
function sources(): [string, string][] {
  const files: [string, string][] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, d.name);
      if (d.isDirectory()) walk(path);
      else if (d.name.endsWith('.ts')) files.push([path.slice(ROOT.length + 1), readFileSync(path, 'utf8')]);
    }
  };
  walk(join(ROOT, 'src'));
  return files;
}

describe('HttpError', () => {
  it("takes a catalogue code and answers with that code's status", () => {
    expect(new HttpError('bad_param', 'x').statusCode).toBe(400);
    expect(new HttpError('unknown_site', 'x').statusCode).toBe(404);
    expect(new HttpError('too_many_reads', 'x').statusCode).toBe(503);
    expect(new HttpError('bad_param', 'x', { parameter: 'limit' }).details).toEqual({ parameter: 'limit' });
  });

  it('refuses a code not in the catalogue', () => {
    expect(() => new HttpError('no_such_code' as never, 'x')).toThrow(/no_such_code/);
  });

  it('is written in src only with a code of the catalogue, and never with a status', () => {
    let constructions = 0;
    for (const [file, text] of sources()) {
      expect(text, file).not.toMatch(/[Hh]ttpError\(\s*\d/);
      for (const m of text.matchAll(/new HttpError\(\s*'([a-z0-9_]+)'/g)) {
        constructions++;
        expect(entryOfWire(m[1]!), `${file}: ${m[1]}`).toBeDefined();
      }
    }
    expect(constructions).toBeGreaterThan(30);
    // The two codes that had a second status before the catalogue: an unknown site, NDJSON sent to
    // the JSON route.
    expect(new HttpError('unknown_site', 'x').statusCode).toBe(404);
    expect(new HttpError('no_site', 'x').statusCode).toBe(400);
    expect(new HttpError('bad_content_type', 'x').statusCode).toBe(415);
    expect(new HttpError('bad_body', 'x').statusCode).toBe(400);
  });
});

describe('the error answers', () => {
  /** A bare app with the server's error answers, and routes that throw what they are given. */
  async function appThrowing(errors: Record<string, Error>) {
    const refused: string[] = [];
    const app = Fastify();
    registerErrorAnswers(app, {
      registry: { siteByPublicKey: () => undefined },
      metrics: { refusedRequest: (code) => refused.push(code) },
    });
    for (const [name, err] of Object.entries(errors))
      app.get(`/api/v1/${name}`, async () => {
        throw err;
      });
    await app.ready();
    return { app, refused };
  }

  it("answers each error with its catalogue code and status, in the API's shape", async () => {
    const { app } = await appThrowing({
      param: new HttpError('bad_param', 'Parameter "x" is too long', { parameter: 'x' }),
      flag: new StintError('STINT_BAD_FLAG', '--limit needs a number', 'Give --limit 10'),
      site: new StintError('STINT_NO_SITE', 'No site named "x"'),
      store: new StintError('STINT_STORE_LOCKED', 'The store /secret/path is in use'),
      timeout: new StintError('STINT_QUERY_TIMEOUT', 'interrupted'),
      busy: new HttpError('busy', ERRORS.STINT_BUSY.message),
      bug: new TypeError('x is undefined'),
      // A code from a caller that is no TypeScript: answered as before the catalogue.
      odd: new StintError('STINT_FROM_JAVASCRIPT' as never, 'odd'),
    });
    const get = async (name: string) => {
      const res = await app.inject({ url: `/api/v1/${name}` });
      return { status: res.statusCode, body: res.json(), retry: res.headers['retry-after'] };
    };
    expect(await get('param')).toMatchObject({
      status: 400,
      body: {
        error: { code: 'bad_param', message: 'Parameter "x" is too long', details: { parameter: 'x' } },
      },
    });
    // Sent as thrown: the query routes throw messages that already name query parameters.
    expect(await get('flag')).toEqual({
      status: 400,
      body: { error: { code: 'STINT_BAD_FLAG', message: '--limit needs a number', hint: 'Give --limit 10' } },
      retry: undefined,
    });
    expect(await get('site')).toMatchObject({ status: 404, body: { error: { code: 'unknown_site' } } });
    // The server's own files: nothing of them reaches the client.
    expect(await get('store')).toEqual({
      status: 503,
      body: { error: { code: 'unavailable', message: ERRORS.STINT_UNAVAILABLE.message } },
      retry: '5',
    });
    expect(await get('timeout')).toMatchObject({ status: 503, body: { error: { code: 'query_timeout' } } });
    expect(await get('busy')).toEqual({
      status: 503,
      body: { error: { code: 'busy', message: ERRORS.STINT_BUSY.message } },
      retry: '1',
    });
    expect(await get('bug')).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: ERRORS.STINT_INTERNAL.message } },
      retry: undefined,
    });
    expect(await get('odd')).toMatchObject({
      status: 400,
      body: { error: { code: 'STINT_FROM_JAVASCRIPT' } },
    });
    const none = await app.inject({ url: '/nope?x=1' });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /nope' } });
    await app.close();
  });

  it('gives every answer the status its code has in the catalogue', async () => {
    const t = await startTestServer();
    const answers = [
      await t.app.inject({ url: '/api/v1/overview', headers: t.auth(t.admin) }),
      await t.app.inject({ url: '/api/v1/overview?site=nosuch', headers: t.auth(t.admin) }),
      await t.app.inject({ url: '/api/v1/overview?site=shop&nope=1', headers: t.auth(t.admin) }),
      await t.app.inject({ url: '/api/v1/overview?site=shop' }),
      await t.app.inject({ url: '/api/v1/overview?site=blog', headers: t.auth(t.sites.shop.reader) }),
      await t.app.inject({ url: '/api/v1/sessions/zz?site=shop', headers: t.auth(t.admin) }),
      await t.app.inject({ method: 'DELETE', url: '/api/v1/visitors/v1', headers: t.auth(t.admin) }),
      await t.app.inject({
        method: 'DELETE',
        url: '/api/v1/visitors/v1?site=nosuch',
        headers: t.auth(t.admin),
      }),
      await t.post('{"url":', { ...t.auth(t.sites.shop.writeKey), 'content-type': 'application/json' }),
      await t.post('{"url":"/a"}', {
        ...t.auth(t.sites.shop.writeKey),
        'content-type': 'application/x-ndjson',
      }),
      await t.post({ url: '/a' }, { ...t.auth(t.admin) }),
      await t.app.inject({ url: '/nope' }),
    ];
    const seen = answers.map((res) => {
      const { code } = res.json().error as { code: string };
      expect(res.statusCode, `${code}: ${res.body}`).toBe(entryOfWire(code)?.status);
      return `${res.statusCode} ${code}`;
    });
    expect(seen).toEqual([
      '400 no_site',
      '404 unknown_site',
      '400 bad_param',
      '401 unauthorized',
      '403 forbidden',
      '404 not_found',
      '400 no_site',
      '404 unknown_site',
      '400 invalid_json',
      '415 bad_content_type',
      '400 no_site',
      '404 not_found',
    ]);
    // Fastify's own 413 names the limit and its setting, in the message and in details.
    const big = await t.post(`"${'x'.repeat(1_100_000)}"`, {
      ...t.auth(t.sites.shop.writeKey),
      'content-type': 'application/json',
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toMatchObject({
      code: 'body_too_large',
      message: expect.stringContaining("(1048576 bytes, the server's body_limit)"),
      details: { limit: 1048576, setting: 'body_limit' },
    });
    // An admin token sending events names a site; one the server does not have is unknown (404).
    const unknown = await t.post({ url: '/a', site: 'nope' }, { ...t.auth(t.admin) });
    expect(unknown.statusCode, unknown.body).toBe(404);
    expect(unknown.json().error).toEqual({ code: 'unknown_site', message: 'No site named "nope"' });
  });
});
