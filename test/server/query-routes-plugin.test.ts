/**
 * The query routes need only their small deps interface (readSite): registered as
 * a Fastify plugin on a bare app over a real store, they answer every catalogue route with the
 * analysis's JSON, and refuse with the app's errors.
 */
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { API_SPELLING, CATALOG, planAnalysis, runAnalysis } from '../../src/analysis/catalog.ts';
import { createRules } from '../../src/core/rules.ts';
import { queryRoutes } from '../../src/server/routes/query.ts';
import { closeStores, ev, freshStore, importEvents } from '../helpers/store.ts';

afterEach(closeStores);

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

describe('the query routes as a plugin', () => {
  it('answer with the analysis run on the store readSite gives, after readSite', async () => {
    const store = await freshStore();
    await importEvents(
      store,
      [ev('a', '2026-11-02T10:00:00Z', { url: '/' }), ev('a', '2026-11-02T10:01:00Z', { url: '/pricing' })],
      createRules(),
    );
    const app = Fastify();
    const asked: string[] = [];
    app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) =>
      err instanceof Refused
        ? reply.code(err.status).send({ error: { code: err.code, message: err.message } })
        : reply.code(err.statusCode ?? 400).send({ error: { code: err.code, message: err.message } }),
    );
    await app.register(queryRoutes, {
      readSite: async (req) => {
        asked.push(req.url);
        if (req.headers.authorization === undefined) throw new Refused(401, 'unauthorized', 'Send a token');
        return { store };
      },
    });
    const get = (url: string) => app.inject({ url, headers: { authorization: 'Bearer x' } });

    const pages = await get('/api/v1/pages?limit=5');
    expect(pages.statusCode, pages.body).toBe(200);
    const planned = planAnalysis(CATALOG.pages, { limit: '5' }, API_SPELLING);
    expect(pages.json()).toEqual(await runAnalysis(CATALOG.pages, store, planned, API_SPELLING));
    expect(
      pages
        .json()
        .rows.map((r: { page: string }) => r.page)
        .sort(),
    ).toEqual(['/', '/pricing']);

    expect((await get('/api/v1/sessions')).json().sessions).toHaveLength(1);
    expect((await get('/api/v1/report')).json().overview.sessions.value).toBe(1);
    expect((await get('/api/v1/sessions/0123')).json().error.code).toBe('not_found');
    expect((await app.inject({ url: '/api/v1/pages?nope=1' })).statusCode).toBe(401);
    expect((await get('/api/v1/pages?nope=1')).json().error.code).toBe('bad_param');
    expect(asked).toContain('/api/v1/pages?nope=1');
    await app.close();
  });
});
