/**
 * One catalogue entry reaches the API and OpenAPI: for each analysis (and the report and the
 * session list) the server answers the route and refuses any other parameter, and the OpenAPI
 * it serves lists the route with those parameters (the CLI's side: test/cli/).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSES, type Analysis, paramsOf, QUERIES } from '../../src/analysis/catalog.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { StintError } from '../../src/core/errors.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

/** The query string of an entry's example (breakdown needs `by`, a funnel a step). */
function exampleQuery(entry: Analysis): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(entry.example ?? {}))
    for (const v of typeof value === 'string' ? [value] : value) q.append(name, v);
  return q.toString();
}

const get = (t: TestServer, url: string) => t.app.inject({ url, headers: t.auth(t.admin) });

describe('each catalogue entry', () => {
  it('is a route that answers, refuses any other parameter, and is in OpenAPI with its parameters', async () => {
    const t = await startTestServer();
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, { get?: { summary: string; parameters: { name: string; required: boolean }[] } }>;
    };
    for (const entry of [...ANALYSES, QUERIES.report, QUERIES.sessions]) {
      const route = `/api/v1/${entry.name}`;
      const ok = await get(t, `${route}?site=shop&${exampleQuery(entry)}`);
      expect(ok.statusCode, `${route}: ${ok.body}`).toBe(200);
      const names = paramsOf(entry).map((p) => p.name);
      const unknown = await get(t, `${route}?site=shop&colour=red`);
      expect(unknown.statusCode, route).toBe(400);
      expect(unknown.json().error).toEqual({
        code: 'bad_param',
        message: `Unknown parameter "colour"; this route takes: ${[...names, 'site', 'access_token'].join(', ')}`,
      });
      const op = doc.paths[route]?.get;
      expect(op, route).toBeDefined();
      expect(op!.summary).toBe(entry.summary);
      expect(op!.parameters.map((p) => p.name)).toEqual(['site', ...names]);
      for (const p of paramsOf(entry))
        expect(op!.parameters.find((x) => x.name === p.name)!.required, `${route} ${p.name}`).toBe(
          p.required === true,
        );
    }
  });
});

describe('a query string', () => {
  it('is checked at the edge: a value too long or repeated too often is a bad_param', async () => {
    const t = await startTestServer();
    const long = await get(t, `/api/v1/pages?site=shop&limit=${'1'.repeat(1001)}`);
    expect(long.json().error).toEqual({ code: 'bad_param', message: 'Parameter "limit" is too long' });
    const many = await get(t, `/api/v1/overview?site=shop&${'filter=source%3Dx&'.repeat(51)}`);
    expect(many.json().error).toEqual({ code: 'bad_param', message: 'Parameter "filter" is too long' });
    // A parameter given twice that is not repeatable: the first is taken, as before.
    const twice = await get(t, '/api/v1/pages?site=shop&limit=1&limit=oops');
    expect(twice.statusCode, twice.body).toBe(200);
  });

  it('is not judged before the credentials: a caller without them learns nothing', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/api/v1/overview?site=shop&colour=red' });
    expect(res.statusCode).toBe(401);
  });
});

describe('a parameter error', () => {
  /** The CLI's refusal of these arguments, in process (the store is never reached). */
  async function cliRefusal(args: string[]): Promise<StintError> {
    try {
      await buildProgram().parseAsync([...args, '--db', '/nonexistent/stint.duckdb'], { from: 'user' });
    } catch (err) {
      if (err instanceof StintError) return err;
      throw err;
    }
    throw new Error(`stint ${args.join(' ')} was not refused`);
  }

  it('names --x on the command line and x over the API, with the same reason', async () => {
    const t = await startTestServer();
    const cases: [string, string[], string][] = [
      ['paths?steps=0', ['paths', '--steps', '0'], 'steps'],
      ['ctr?click_event=click&limit=-1', ['ctr', '--limit', '-1'], 'limit'],
      ['retention?periods=1000', ['retention', '--periods', '1000'], 'periods'],
      ['timeseries?interval=fortnight', ['timeseries', '--interval', 'fortnight'], 'interval'],
      ['funnel?step=/&window=later', ['funnel', '--step', '/', '--window', 'later'], 'window'],
      ['report?interval=x', ['report', '--interval', 'x'], 'interval'],
    ];
    for (const [url, args, param] of cases) {
      const api = (await get(t, `/api/v1/${url}&site=shop`)).json().error as {
        message: string;
        hint?: string;
      };
      const cli = await cliRefusal(args);
      expect(cli.message, url).toContain(`--${param}`);
      expect(api.message, url).not.toContain(`--${param}`);
      expect(api.message, url).toBe(cli.message.replace(`--${param}`, param));
      if (cli.hint?.includes(`--${param} `))
        expect(api.hint, url).toBe(cli.hint.replace(new RegExp(`--${param} (\\S+)`), `${param}=$1`));
    }
  });
});
