/**
 * `stint serve` as a Fastify app: the collector (`POST /api/v1/events`, `/events/ndjson`), the
 * query API (`/api/v1/report`, `/report.html`, one route per analysis, `/sessions`, `/live`), `/healthz`,
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

import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../api/openapi.ts';
import { StintError } from '../core/errors.ts';
import { limitAddresses } from './auth.ts';
import { EVENT_SCHEMA } from './collect.ts';
import type { ServerConfig } from './config.ts';
import { createContext } from './context.ts';
import { buildDashboard } from './dashboard.ts';
import { registerErrorAnswers } from './errors.ts';
import { buildFastify } from './fastify.ts';
import type { Registry } from './registry.ts';
import { applyRetention, startRetention } from './retention.ts';
import { collectRoutes } from './routes/collect.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { eraseRoutes } from './routes/erase.ts';
import { liveRoutes } from './routes/live.ts';
import { registerQueryRoutes } from './routes/query.ts';
import { registerReportHtmlRoute } from './routes/report-html.ts';
import { serviceRoutes } from './routes/service.ts';
import { trackerRoutes } from './routes/tracker.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { createWebhooks } from './webhooks/index.ts';
import { webhookReads } from './webhooks/stores.ts';

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
  // Collectors of a ClickHouse store read their shared salts before they take a visit.
  await ctx.salts.ready();

  // No answer is sniffed as another type, and none but the public API document and the
  // dashboard's files (which say so themselves) is cached (most carry a site's data). While
  // closing, every answer ends its connection, so close() need not wait for idle keep-alives.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (req.url.split('?')[0] !== '/api/v1/openapi.json' && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    if (state.closing) reply.header('connection', 'close');
  });

  registerErrorAnswers(app, { registry, metrics });

  // Rate limits: per client address on every route, and per key or token on the API (auth.ts).
  await limitAddresses(app, config);
  // Every route that reads gives its read slot back when its handler is done (read-limits.ts).
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/')) route.handler = ctx.reads.releasing(route.handler);
  });

  await app.register(collectRoutes(ctx));
  const { readSite } = auth;
  registerQueryRoutes(app, { readSite });
  registerReportHtmlRoute(app, { readSite });
  await app.register(liveRoutes(ctx));
  await app.register(eraseRoutes(ctx));
  await app.register(serviceRoutes(ctx, () => openApiDocument(EVENT_SCHEMA)));
  const webhooks = createWebhooks({ config, now: ctx.now, log: app.log, readSite: webhookReads(ctx) });
  await app.register(webhookRoutes(ctx, webhooks));
  // The page tracker, built now if it is missing or older than its source.
  await app.register(trackerRoutes);
  // The dashboard at / (built from web/ now if its build is missing or older: one log line).
  await app.register(dashboardRoutes(buildDashboard({ log: app.log })));

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
    await webhooks.stop();
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
  webhooks.start();

  return {
    app,
    registry,
    settle: () => sites.settle(),
    applyRetention: () => applyRetention(retentionDeps),
    close,
  };
}
