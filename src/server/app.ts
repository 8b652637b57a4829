/**
 * `stint serve` as a Fastify app: the collector (`POST /api/v1/events`, `/events/ndjson`), the
 * query API (`/api/v1/report`, one route per analysis, `/sessions`, `/live`), `/healthz`,
 * `/metrics` and `/api/v1/openapi.json`. This file takes Fastify (fastify.ts) and registers the plugins
 * (routes/, sites.ts, auth.ts); they share one context (context.ts) and nothing else.
 *
 * Each site has its own store file (`DATA/sites/NAME.duckdb`): one site's data is never in a
 * query of another's. Bad input is answered with 4xx and a reason; a 5xx never carries a stack.
 *
 *   const server = await createServer(config);
 *   await server.app.listen({ port: config.port, host: config.host });
 *   process.on('SIGTERM', () => server.close());
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseQueryOptions } from '../analysis/query-options.ts';
import { listSessions, sessionJourney } from '../analysis/sessions.ts';
import { ANALYSES, type AnalysisFlags, analysisOptions } from '../cli/analyses.ts';
import { buildReport, parseFunnels, parseInterval } from '../cli/report.ts';
import { wholeNumber } from '../core/bounded.ts';
import { StintError } from '../core/errors.ts';
import { limitAddresses } from './auth.ts';
import type { ServerConfig } from './config.ts';
import { createContext } from './context.ts';
import { registerErrorAnswers } from './errors.ts';
import { buildFastify } from './fastify.ts';
import { HttpError } from './http-error.ts';
import { openApiDocument } from './openapi.ts';
import type { Registry } from './registry.ts';
import { applyRetention, startRetention } from './retention.ts';
import { collectRoutes } from './routes/collect.ts';
import { eraseRoutes } from './routes/erase.ts';
import { liveRoutes } from './routes/live.ts';
import { serviceRoutes } from './routes/service.ts';

export { redactedUrl } from './redact.ts';

export interface StintServer {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  /** Waits until every site has sessionized everything it accepted. */
  settle(): Promise<void>;
  /** Applies every site's retention now, by the server's clock (it runs at start and every 24 h). */
  applyRetention(): Promise<void>;
  /** Stops accepting, answers what is in flight, commits what is queued, closes the stores. */
  close(): Promise<void>;
}

export async function createServer(
  config: ServerConfig,
  options: { logger?: boolean; now?: () => number } = {},
): Promise<StintServer> {
  const app = buildFastify(config, options.logger);
  /** The server's clock (tests pass their own: nothing may depend on today's date). */
  const ctx = createContext(config, options.now ?? Date.now, app.log);
  const { registry, metrics, auth, sites, state } = ctx;

  // No answer is sniffed as another type, and none but the public API document is cached (most
  // carry a site's data). While closing, every answer ends its connection, so close() need not
  // wait for idle keep-alives.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (req.url.split('?')[0] !== '/api/v1/openapi.json') reply.header('cache-control', 'no-store');
    if (state.closing) reply.header('connection', 'close');
  });

  registerErrorAnswers(app, { registry, metrics, asParameters });

  // Rate limits: per client address on every route, and per key or token on the API (auth.ts).
  await limitAddresses(app, config);
  // Every route that reads gives its read slot back when its handler is done (read-limits.ts).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/')) route.handler = ctx.reads.releasing(route.handler);
  });

  await app.register(collectRoutes(ctx));
  const { readSite } = auth;
  for (const def of ANALYSES) {
    const { names, defaults, required } = analysisParams(def);
    app.get(`/api/v1/${def.name}`, async (req, reply) => {
      const { store } = await readSite(req, reply);
      const flags = flagsOf(req, names, ['site', 'access_token'], defaults);
      for (const [name, about] of required) {
        if (flags[names.get(name)!] === undefined)
          throw new HttpError(400, 'bad_param', `Parameter "${name}" is required: ${about}`);
      }
      return (await def.plan(flags as unknown as AnalysisFlags)(store)).json;
    });
  }
  // Credentials first: a caller without them learns nothing, not even the parameters.
  app.get('/api/v1/report', async (req, reply) => {
    const { store } = await readSite(req, reply);
    const flags = flagsOf(req, new Map([...QUERY_PARAMS, ['interval', 'interval'], ['funnel', 'funnel']]), [
      'site',
      'access_token',
    ]);
    const options = parseQueryOptions(flags);
    const interval = parseInterval(flags.interval as string | undefined);
    // As `stint report --funnel`: each `funnel` is one funnel's comma-separated steps.
    const funnels = parseFunnels((flags.funnel as string[] | undefined) ?? []);
    return buildReport(store, options, interval, funnels);
  });
  app.get('/api/v1/sessions', async (req, reply) => {
    const { store } = await readSite(req, reply);
    const flags = flagsOf(req, new Map([...QUERY_PARAMS, ['limit', 'limit'], ['cursor', 'cursor']]), [
      'site',
      'access_token',
    ]);
    const options = parseQueryOptions(flags);
    const limit =
      flags.limit === undefined
        ? 50
        : wholeNumber(flags.limit as string, 'limit', { min: 1, max: 1000, example: 50 });
    return listSessions(store, options, { limit, cursor: flags.cursor as string | undefined });
  });
  app.get('/api/v1/sessions/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const { store } = await readSite(req, reply);
    if (!/^[0-9a-f]{32}$/.test(id)) throw new HttpError(404, 'not_found', 'No such session');
    const journey = await sessionJourney(store, id);
    if (journey === undefined) throw new HttpError(404, 'not_found', 'No such session');
    return journey;
  });
  await app.register(liveRoutes(ctx));
  await app.register(eraseRoutes(ctx));
  await app.register(
    serviceRoutes(ctx, () =>
      openApiDocument(
        ANALYSES.map((d) => ({
          name: d.name,
          summary: d.summary,
          params: [...analysisParams(d).names.keys()],
        })),
      ),
    ),
  );

  const locked = await sites.openAll();
  /** Each site's retention, applied at start and every 24 h (retention.ts). */
  let retention: ReturnType<typeof startRetention> | undefined;
  const retentionDeps = {
    sites: () => registry.sites(),
    siteStore: sites.open,
    now: ctx.now,
    log: app.log,
    metrics: ctx.erasureMetrics,
  };

  async function close(): Promise<void> {
    state.closing = true;
    sites.stopWatching();
    ctx.salts.close();
    retention?.stop();
    await retention?.running();
    await sites.removed();
    for (const stop of [...state.live]) stop();
    await app.close();
    await sites.close();
  }

  if (locked !== undefined) {
    await close();
    const { message } = locked;
    throw new StintError(
      'STINT_STORE_LOCKED',
      `The data directory ${config.data} is in use: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
      'Stop the other stint serve first, or give this one a --data directory of its own',
    );
  }
  retention = startRetention(retentionDeps);

  return {
    app,
    registry,
    settle: () => sites.settle(),
    applyRetention: () => applyRetention(retentionDeps),
    close,
  };
}

/** The analyses' query parameters: CLI flag names with `_` for `-` (`any_order`, `click_event`). */
const QUERY_PARAMS = new Map([
  ['from', 'from'],
  ['to', 'to'],
  ['tz', 'tz'],
  ['filter', 'filter'],
]);

/** An analysis's query parameters (name → flag attribute) and the defaults its command gives. */
function analysisParams(def: (typeof ANALYSES)[number]): {
  names: Map<string, string>;
  defaults: Record<string, unknown>;
  /** The parameters the command requires, each with its help text. */
  required: Map<string, string>;
} {
  const names = new Map<string, string>();
  const defaults: Record<string, unknown> = {};
  const required = new Map<string, string>();
  for (const o of analysisOptions(def)) {
    const long = o.long?.replace(/^--/, '');
    if (long === undefined || long === 'db' || long === 'json') continue;
    const name = long.replaceAll('-', '_');
    names.set(name, o.attributeName());
    if (o.defaultValue !== undefined) defaults[o.attributeName()] = o.defaultValue;
    if (o.mandatory) required.set(name, o.description);
  }
  return { names, defaults, required };
}

const REPEATED = new Set(['filter', 'step', 'funnel']);

/** Query parameters as the CLI's flag values; an unknown or oversized one is a 400. */
function flagsOf(
  req: FastifyRequest,
  names: Map<string, string>,
  allowed: readonly string[],
  defaults: Record<string, unknown> = {},
): Record<string, unknown> {
  const flags: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (allowed.includes(key)) continue;
    const target = names.get(key);
    if (target === undefined) {
      throw new HttpError(
        400,
        'bad_param',
        `Unknown parameter "${key}"; this route takes: ${[...names.keys(), ...allowed].join(', ')}`,
      );
    }
    const values = (Array.isArray(value) ? value : [value]).map(String);
    if (values.length > 50 || values.some((v) => v.length > 1000))
      throw new HttpError(400, 'bad_param', `Parameter "${key}" is too long`);
    if (REPEATED.has(key)) flags[target] = values;
    else if (key === 'any_order') flags[target] = values[0] === '' || /^(1|true|yes)$/i.test(values[0]!);
    else flags[target] = values[0];
  }
  return flags;
}

/**
 * A message about CLI flags, as one about query parameters: `--click-event` is `click_event`,
 * and `--limit 10` (an example: a number, a path or a date) is `limit=10`.
 */
export function asParameters(text: string): string {
  return text.replace(
    /(^|[\s("'])--([a-z][a-z0-9-]*)(?:( )([0-9/][^\s,;)"']*))?/g,
    (_, before, flag, space, value) => {
      const name = flag.replaceAll('-', '_');
      return `${before}${name}${space === undefined ? '' : `=${value}`}`;
    },
  );
}
