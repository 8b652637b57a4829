/**
 * `stint serve` as a Fastify app: the collector (`POST /api/v1/events`, `/events/ndjson`), the
 * query API (`/api/v1/report`, one route per analysis, `/sessions`, `/live`), `/healthz`,
 * `/metrics` and `/api/v1/openapi.json`. Routes turn HTTP into calls of the rooms behind them
 * and nothing more: validation and auth here, the engine in core, the data in the site's store.
 *
 * Each site has its own store file (`DATA/sites/NAME.duckdb`): one site's data is never in a
 * query of another's. Bad input is answered with 4xx and a reason; a 5xx never carries a stack.
 *
 *   const server = await createServer(config);
 *   await server.app.listen({ port: config.port, host: config.host });
 *   process.on('SIGTERM', () => server.close());
 */

import { isUtf8 } from 'node:buffer';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import secureJson from 'secure-json-parse';
import { parseQueryOptions } from '../analysis/query-options.ts';
import { listSessions, sessionJourney } from '../analysis/sessions.ts';
import { ANALYSES, type AnalysisFlags, analysisOptions } from '../cli/analyses.ts';
import { buildReport, parseFunnels, parseInterval } from '../cli/report.ts';
import { wholeNumber } from '../core/bounded.ts';
import { StintError } from '../core/errors.ts';
import type { StintEvent } from '../core/event.ts';
import { createRules } from '../core/rules.ts';
import { answerClientError } from './client-errors.ts';
import { type CollectContext, type Collected, createCollector, namesAnotherSite } from './collect.ts';
import type { ServerConfig } from './config.ts';
import { DiskFullError } from './disk-full.ts';
import { registerEraseRoutes } from './erase-routes.ts';
import { createErasureMetrics } from './erasure-metrics.ts';
import { type Budget, createEventBudgets, type Refusal } from './event-limits.ts';
import { createMetrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { createSiteReads } from './read-limits.ts';
import { mayRead, openRegistry, type Principal, type Registry, type Site } from './registry.ts';
import { applyRetention, startRetention } from './retention.ts';
import { openSalts } from './salts.ts';
import { openSiteStore, type SiteStore } from './site-store.ts';
import { capConnections, connectionOptions } from './timeouts.ts';
import { liveEventsFor, visitorRefusal } from './visitor-scope.ts';
import { openSiteWriter, type SiteWriter, WriterBusyError } from './writer/index.ts';

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

interface OpenSite {
  readonly store: SiteStore;
  readonly writer: SiteWriter;
  /** The salted visitor id of an address and agent at a time (made once: requests make no closure). */
  readonly visitorId: CollectContext['visitorId'];
}

class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function createServer(
  config: ServerConfig,
  options: { logger?: boolean; now?: () => number } = {},
): Promise<StintServer> {
  /** The server's clock (tests pass their own: nothing may depend on today's date). */
  const now = options.now ?? Date.now;
  const registry = openRegistry(config.data);
  const salts = openSalts(config.data, now);
  mkdirSync(join(config.data, 'sites'), { recursive: true, mode: 0o700 });
  const open = new Map<string, Promise<OpenSite>>();
  const ready = new Map<string, OpenSite>();
  const metrics = createMetrics(() =>
    [...ready].map(([name, s]) => [
      name,
      {
        openSessions: () => s.writer.openSessions(),
        queued: () => s.writer.queued,
        unsessionized: () => s.writer.unsessionized,
      },
    ]),
  );
  const rules = createRules({ timeoutMs: config.timeoutMs, goals: config.goals });
  const collect = createCollector({
    maxFutureMs: config.maxFutureMs,
    maxPastMs: config.maxPastMs,
    minTimestampMs: config.minTimestampMs,
  });
  let closing = false;
  const live = new Set<() => void>();
  /** Open live streams per credential. */
  const liveStreams = new Map<string, number>();

  /** Each opening's first step, the store's file (a second server on the same data fails there). */
  const storesOpening = new Map<string, Promise<unknown>>();
  /** Sites whose last opening failed, with when it began: /healthz answers 503 while there are any. */
  const failing = new Map<string, number>();
  const siteStore = (site: Site): Promise<OpenSite> => {
    let opening = open.get(site.name);
    if (opening === undefined) {
      opening = (async () => {
        const storeOpening = openSiteStore(join(config.data, 'sites', `${site.name}.duckdb`), {
          ...(config.storeMemory === undefined ? {} : { memoryLimit: config.storeMemory }),
          readConnections: config.maxConcurrentReads,
        });
        storesOpening.set(site.name, storeOpening);
        const store = await storeOpening;
        const writer = await openSiteWriter(store, rules, join(config.data, 'sites', `${site.name}.log`), {
          latenessMs: config.latenessMs,
          maxBatchEvents: config.sessionizeEvents,
          maxPendingEvents: config.maxPendingEvents,
          sessionizeDelayMs: config.sessionizeDelayMs,
          onCommit: (c) => metrics.commit(site.name, c),
          onDisk: (part, full) =>
            full === undefined
              ? app.log.info({ site: site.name, part }, 'the disk has room again: writes work')
              : app.log.error({ site: site.name, part, path: full.path }, full.message),
          onQuarantine: (q) => {
            metrics.quarantined(site.name);
            app.log.error(
              { site: site.name, file: q.file, segment: q.segment, offset: q.offset, bytes: q.bytes },
              'a corrupt record of the event log was set aside (its events are not stored); the rest of the log is read on',
            );
          },
          onSessionize: (r) => {
            if ('error' in r) {
              // A full disk is logged once, by onDisk, not at each retry.
              if (r.error instanceof DiskFullError) return;
              app.log.error(
                { err: r.error, site: site.name },
                'sessionizing failed; retrying in 1 s, a logged commit at a time, setting aside any event the store refuses',
              );
              return;
            }
            metrics.sessionized(site.name, r.events, r.ms, r.setAside.length);
            for (const { eventId, reason } of r.setAside)
              app.log.error(
                { site: site.name, event_id: eventId, reason },
                "the store refused an accepted event: it is kept in the store's rejects table, reason 'unstorable'",
              );
          },
        }).catch(async (err: unknown) => {
          // The next try opens the store again: this one must not stay open beside it.
          await store.close().catch(() => {});
          throw err;
        });
        if (writer.unsessionized > 0) {
          app.log.info(
            { site: site.name, events: writer.unsessionized },
            'recovered logged events not yet stored; sessionizing them',
          );
        }
        const isActive = (identity: string): boolean => writer.isActive(identity);
        const s: OpenSite = {
          store,
          writer,
          visitorId: (ip, ua, atMs) => salts.visitorId(site.name, ip, ua, atMs, isActive),
        };
        ready.set(site.name, s);
        failing.delete(site.name);
        return s;
      })();
      const began = now();
      opening.catch(() => {
        open.delete(site.name);
        failing.set(site.name, began);
      });
      open.set(site.name, opening);
    }
    return opening;
  };
  /** Opens a site without a request waiting for it; a failure is logged (as `why`). */
  const openInBackground = (site: Site, why = 'cannot open the site'): void => {
    siteStore(site).catch((err: unknown) => app.log.error({ err, site: site.name }, why));
  };

  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            // No client address (it is personal data) and no credential in the URL, ever.
            serializers: {
              req: (req: { method: string; url: string }) => ({
                method: req.method,
                url: redactedUrl(req.url),
              }),
            },
          },
    bodyLimit: config.bodyLimit,
    // A number of proxies: the address the nearest `n` of them saw (the client cannot write it).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    return503OnClosing: true,
    // Node's own refusals (431, a request that is no HTTP) in the API's error shape.
    clientErrorHandler: answerClientError,
    // One line per request only at debug: a busy collector would log more than it stores.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    // Slow and idle connections are closed, and their number is capped (timeouts.ts).
    ...connectionOptions(config),
  });
  capConnections(app.server, config);

  // Bodies: UTF-8 checked, JSON parsed without prototype poisoning; NDJSON split into lines.
  app.removeAllContentTypeParsers();
  const textParser =
    (read: (text: string) => unknown) =>
    (_req: FastifyRequest, body: Buffer, done: (err: Error | null, v?: unknown) => void) => {
      if (!isUtf8(body)) return done(new HttpError(400, 'invalid_utf8', 'The body is not valid UTF-8'));
      try {
        done(null, read(body.toString('utf8')));
      } catch (err) {
        done(err as Error);
      }
    };
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    textParser((text) => {
      try {
        return parseJson(text);
      } catch (err) {
        if (isForbiddenName(err)) throw new HttpError(400, 'forbidden_name', FORBIDDEN_NAME);
        throw new HttpError(
          400,
          'invalid_json',
          `The body is not valid JSON: ${(err as Error).message.slice(0, 200)}`,
        );
      }
    }),
  );
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/jsonl'],
    { parseAs: 'buffer', bodyLimit: config.ndjsonBodyLimit },
    textParser((text) => ({ ndjson: text.split('\n') })),
  );

  // A compressed body is not read as if it were plain (no route takes one).
  app.addHook('preParsing', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const encoding = headerOf(req, 'content-encoding')?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity')
      throw new HttpError(
        415,
        'unsupported_content_encoding',
        `Content-Encoding ${JSON.stringify(encoding)} is not taken: send the body uncompressed (no Content-Encoding)`,
      );
  });

  // No answer is sniffed as another type, and none but the public API document is cached (most
  // carry a site's data). While closing, every answer ends its connection, so close() need not
  // wait for idle keep-alives.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (req.url.split('?')[0] !== '/api/v1/openapi.json') reply.header('cache-control', 'no-store');
    if (closing) reply.header('connection', 'close');
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof StintError && !SERVER_SIDE.has(err.code)) {
      // The analyses' errors name the CLI's flags: a caller of the API sees its parameters.
      const says = req.method === 'GET' && req.url.startsWith('/api/v1/') ? asParameters : (t: string) => t;
      return reply.code(400).send({
        error: { code: err.code, message: says(err.message), hint: err.hint && says(err.hint) },
      });
    }
    if (err instanceof StintError) {
      // The server's own files (registry, stores): the operator's business, not the client's.
      req.log.error({ err }, 'request failed');
      return reply
        .code(503)
        .header('retry-after', 5)
        .send({ error: { code: 'unavailable', message: 'The server cannot serve this now; retry later' } });
    }
    const status = err.statusCode ?? 500;
    if (status === 503) {
      // Fastify's own answer while closing, or ours: the client should come back.
      reply.header('retry-after', 1);
      const code = err instanceof HttpError ? err.code : 'shutting_down';
      const message = err instanceof HttpError ? err.message : 'The server is shutting down; retry shortly';
      return reply.code(503).send({ error: { code, message } });
    }
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply
        .code(status)
        .send({ error: { code: 'internal', message: 'Internal error; the server log has the details' } });
    }
    const code = errorCode(err);
    if (req.url.startsWith('/api/v1/events')) {
      metrics.refusedRequest(code);
      // A browser reads a refusal of its events only with the CORS header: give it to an origin
      // its site key allows, also when the body was refused before the key was read.
      const origin = headerOf(req, 'origin');
      const key = queryText(req, 'key') ?? headerOf(req, 'x-stint-key');
      if (
        origin !== undefined &&
        key !== undefined &&
        registry.siteByPublicKey(key)?.origins.includes(origin) === true
      )
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
    return reply.code(status).send({ error: { code, message: messageOf(err, req) } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  // Rate limits: per client address on every route, and per key or token on the API.
  if (config.rateLimitIp > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitIp,
      timeWindow: 60_000,
      keyGenerator: (req) => `ip:${req.ip}`,
      allowList: (req) => req.url === '/healthz',
      errorResponseBuilder: (_req, ctx) =>
        new HttpError(
          429,
          'rate_limited',
          `More than ${ctx.max} requests a minute from this address; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        ),
    });
  }
  const keyBuckets = new Map<string, { count: number; resetAtMs: number }>();
  const limitKey = (key: string, reply: FastifyReply): void => {
    if (config.rateLimitKey <= 0) return;
    const nowMs = now();
    let b = keyBuckets.get(key);
    if (b === undefined || nowMs >= b.resetAtMs) {
      if (keyBuckets.size > 100_000) keyBuckets.clear();
      b = { count: 0, resetAtMs: nowMs + 60_000 };
      keyBuckets.set(key, b);
    }
    if (++b.count > config.rateLimitKey) {
      reply.header('retry-after', Math.ceil((b.resetAtMs - nowMs) / 1000));
      throw new HttpError(
        429,
        'rate_limited',
        `More than ${config.rateLimitKey} requests a minute with this key; retry later`,
      );
    }
  };

  // ---- collector ------------------------------------------------------------------------

  /**
   * Who sends events, checked in the routes' onRequest hook: before any byte of the body is
   * read, so a wrong key costs no parsing. A public key is refused on the bulk route.
   */
  const ingestCredential = (req: FastifyRequest, reply: FastifyReply, bulk: boolean): IngestCredential => {
    const bearer = bearerOf(req);
    if (bearer?.startsWith('sk_')) {
      const site = registry.siteByWriteKey(bearer);
      if (site === undefined) throw new HttpError(401, 'unauthorized', 'Unknown write key');
      return { kind: 'write', site };
    }
    if (bearer !== undefined) {
      const who = registry.authenticate(bearer, now(), config.adminToken);
      if (who?.kind !== 'admin')
        throw new HttpError(
          401,
          'unauthorized',
          'Send events with a site key or write key, or an admin token',
        );
      return { kind: 'admin', id: who.id };
    }
    const query = req.query as Record<string, unknown>;
    const key = typeof query.key === 'string' ? query.key : headerOf(req, 'x-stint-key');
    if (key === undefined)
      throw new HttpError(
        401,
        'unauthorized',
        "Send the site's key (?key=pk_…) or a write key (Authorization: Bearer sk_…)",
      );
    const site = registry.siteByPublicKey(key);
    if (site === undefined) throw new HttpError(401, 'unauthorized', 'Unknown site key');
    const origin = headerOf(req, 'origin');
    if (origin === undefined || !site.origins.includes(origin)) {
      throw new HttpError(
        403,
        'origin_not_allowed',
        `This site key is only taken from ${site.origins.join(', ') || 'no origin (add one with stint sites add … --origin)'}`,
      );
    }
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    if (bulk) throw new HttpError(403, 'write_key_required', bulkNeedsWriteKey(config.browserBatchSize));
    return { kind: 'public', site };
  };
  /** Each event request's credential, from its onRequest hook. */
  const ingestCredentials = new WeakMap<FastifyRequest, IngestCredential>();
  const eventBudgets = createEventBudgets(now);
  /** The event budgets a request of `credential` to `site` takes from (event-limits.ts). */
  const budgetsOf = (req: FastifyRequest, credential: IngestCredential, site: string): Budget[] => {
    const key = (bucket: string, from: string): Budget => ({
      bucket,
      perMinute: config.eventRateLimitKey,
      setting: 'event_rate_limit_key',
      from,
    });
    if (credential.kind === 'write') return [key(`sk:${site}`, 'with this write key')];
    if (credential.kind === 'admin')
      return [key(`admin:${credential.id}:${site}`, 'with this token for this site')];
    return [
      key(`pk:${site}`, "with this site's key, from all its visitors"),
      {
        bucket: `ip:${req.ip}`,
        perMinute: config.eventRateLimitIp,
        setting: 'event_rate_limit_ip',
        from: 'from this address',
      },
    ];
  };
  const refuseEvents = (reply: FastifyReply, refusal: Refusal | undefined): void => {
    if (refusal === undefined) return;
    reply.header('retry-after', refusal.retryAfterS);
    throw new HttpError(429, 'event_rate_limited', refusal.message);
  };
  /** The routes' onRequest: the credential, the request limit, and a budget already spent. */
  const checkSender = (bulk: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    const credential = ingestCredential(req, reply, bulk);
    ingestCredentials.set(req, credential);
    const named = queryText(req, 'site');
    const site = credential.kind === 'admin' ? named : credential.site.name;
    limitKey(
      credential.kind === 'write'
        ? `sk:${credential.site.name}`
        : credential.kind === 'admin'
          ? `admin:${credential.id}`
          : // The public key is in every page: one bucket per site and visitor address, not one per site.
            `pk:${credential.site.name}:${req.ip}`,
      reply,
    );
    if (site !== undefined) refuseEvents(reply, eventBudgets.spent(budgetsOf(req, credential, site)));
  };

  /**
   * The site a write is for, and whether the sender is a server (may set `ip`). `bodySite` is
   * the body's `site`: beside `events` in a batch, the event's own in a single event (which the
   * collector checks as it checks each event's).
   */
  const ingestSite = (
    req: FastifyRequest,
    form: IngestForm,
    bodySite: unknown,
  ): { site: Site; trusted: boolean; budgets: Budget[] } => {
    // Both event routes check their sender in onRequest (checkSender), before the body is read.
    const credential = ingestCredentials.get(req);
    if (credential === undefined) throw new Error('an event route without checkSender as its onRequest');
    const query = req.query as Record<string, unknown>;
    // A key implies its site: a sender naming another one is mistaken, and its events must not
    // land quietly in the key's site.
    const sameSite = (site: Site): void => {
      for (const named of [query.site, form === 'batch' ? bodySite : undefined]) {
        if (namesAnotherSite(named, site.name))
          throw new HttpError(
            400,
            'site_mismatch',
            `This key is site "${site.name}"'s, but the request names site ${JSON.stringify(named)}; use that site's key, or leave "site" out`,
          );
      }
    };
    if (credential.kind === 'admin') {
      const name = typeof query.site === 'string' ? query.site : bodySite;
      const site = typeof name === 'string' ? registry.site(name) : undefined;
      if (site === undefined)
        throw new HttpError(
          400,
          'no_site',
          form === 'ndjson' ? 'Name the site: ?site=NAME' : 'Name the site: ?site=NAME or "site" in the body',
        );
      return { site, trusted: true, budgets: budgetsOf(req, credential, site.name) };
    }
    const { site } = credential;
    sameSite(site);
    return { site, trusted: credential.kind === 'write', budgets: budgetsOf(req, credential, site.name) };
  };

  const ingest = async (
    req: FastifyRequest,
    reply: FastifyReply,
    raw: unknown[],
    form: IngestForm,
    bodySite?: unknown,
  ) => {
    if (closing) throw new HttpError(503, 'shutting_down', 'The server is shutting down; retry shortly');
    const { site, trusted, budgets } = ingestSite(req, form, bodySite);
    const ndjson = form === 'ndjson';
    // A browser's requests are small (event-limits.ts); a server's go to the bulk route.
    const [most, setting] = !trusted
      ? [config.browserBatchSize, 'browser_batch_size']
      : ndjson
        ? [config.ndjsonBatchSize, 'ndjson_batch_size']
        : [config.batchSize, 'batch_size'];
    if (raw.length > most) {
      throw new HttpError(
        413,
        'batch_too_large',
        `${raw.length} events in one request; at most ${most} (the server's ${setting})${trusted && !ndjson ? ': send more at once to /api/v1/events/ndjson' : ''}`,
      );
    }
    refuseEvents(reply, eventBudgets.take(budgets, raw.length));
    const s = await siteStore(site);
    const receivedAtMs = now();
    const ctx = {
      site: site.name,
      ip: req.ip,
      // A server-side sender's own agent says nothing about the visitor: only the event's counts.
      userAgent: trusted ? '' : (headerOf(req, 'user-agent') ?? ''),
      receivedAtMs,
      trusted,
      visitorId: s.visitorId,
    };
    const rejected: { index: number; code: string; message: string }[] = [];
    const warnings: { index: number; code: string; message: string }[] = [];
    const events: StintEvent[] = [];
    let bots = 0;
    raw.forEach((item, index) => {
      const c: Collected = collect(item, ctx);
      if (c.kind === 'rejected') {
        rejected.push({ index, code: c.code, message: c.message });
        metrics.rejected(site.name, c.code);
      } else if (c.kind === 'bot') bots++;
      else {
        events.push(c.event);
        if (c.clamped !== undefined) {
          const when = c.clamped === 'future' ? 'in the future' : 'too far in the past for a browser';
          warnings.push({
            index,
            code: `clamped_${c.clamped}`,
            message: `The timestamp was ${when}; the receive time was stored`,
          });
        }
      }
    });
    metrics.bots(site.name, bots);
    metrics.clamped(site.name, warnings.length);
    let duplicate: boolean[];
    try {
      ({ duplicate } = await s.writer.submit(events));
    } catch (err) {
      reply.header('retry-after', 1);
      if (err instanceof DiskFullError) {
        // Logged once by the writer (onDisk); the path is the operator's business.
        reply.header('retry-after', 30);
        throw new HttpError(
          503,
          'disk_full',
          "The server's disk is full: the events were not stored; retry later",
        );
      }
      if (err instanceof WriterBusyError) {
        throw err.reason === 'closing'
          ? new HttpError(503, 'shutting_down', 'The server is shutting down; retry shortly')
          : new HttpError(503, 'busy', 'Too many events wait to be stored; retry shortly');
      }
      req.log.error({ err }, 'commit failed');
      throw new HttpError(503, 'store_unavailable', 'The events could not be stored; retry shortly');
    }
    const duplicates = duplicate.filter(Boolean).length;
    const answer = {
      accepted: events.length - duplicates,
      duplicates,
      bots,
      rejected,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
    return reply.code(rejected.length > 0 && events.length === 0 && bots === 0 ? 400 : 200).send(answer);
  };

  app.post('/api/v1/events', { onRequest: checkSender(false) }, async (req, reply) => {
    const body = req.body as { ndjson?: unknown; events?: unknown; site?: unknown } | unknown[] | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || 'ndjson' in body) {
      throw new HttpError(
        Array.isArray(body) || body === null || typeof body !== 'object' ? 400 : 415,
        'bad_body',
        'Send one event as a JSON object, or {"events": [...]}; NDJSON goes to /api/v1/events/ndjson',
      );
    }
    if ('events' in body) {
      if (!Array.isArray(body.events))
        throw new HttpError(400, 'bad_body', '"events" must be an array of event objects');
      return ingest(req, reply, body.events, 'batch', body.site);
    }
    return ingest(req, reply, [body], 'single', body.site);
  });
  const bulk = { bodyLimit: config.ndjsonBodyLimit, onRequest: checkSender(true) };
  app.post('/api/v1/events/ndjson', bulk, async (req, reply) => {
    const body = req.body as { ndjson?: string[] } | null;
    if (body === null || typeof body !== 'object' || !Array.isArray(body.ndjson)) {
      throw new HttpError(415, 'bad_content_type', 'Send NDJSON with Content-Type: application/x-ndjson');
    }
    const raw: unknown[] = [];
    for (const [i, line] of body.ndjson.entries()) {
      if (line.trim() === '') continue;
      try {
        raw.push(parseJson(line));
      } catch (err) {
        if (isForbiddenName(err))
          throw new HttpError(400, 'forbidden_name', `Line ${i + 1}: ${FORBIDDEN_NAME}`);
        throw new HttpError(400, 'invalid_json', `Line ${i + 1} is not valid JSON`);
      }
    }
    return ingest(req, reply, raw, 'ndjson');
  });
  app.options('/api/v1/events', preflight);
  app.options('/api/v1/events/ndjson', preflight);
  function preflight(req: FastifyRequest, reply: FastifyReply): void {
    const origin = headerOf(req, 'origin');
    if (origin !== undefined && registry.sites().some((s) => s.origins.includes(origin))) {
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, x-stint-key')
        .header('access-control-max-age', '86400');
    }
    reply.header('vary', 'Origin').code(204).send();
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The principal behind a read request: 401 without valid credentials. */
  const principalOf = (req: FastifyRequest, reply: FastifyReply): Principal => {
    const bearer = bearerOf(req) ?? queryText(req, 'access_token');
    const who = bearer === undefined ? undefined : registry.authenticate(bearer, now(), config.adminToken);
    if (who === undefined) {
      const why = bearer === undefined ? undefined : registry.refusal(bearer, now());
      throw new HttpError(
        401,
        'unauthorized',
        why === 'revoked'
          ? 'This token or share link was revoked; ask for a new one (stint tokens create, stint share create)'
          : why === 'expired'
            ? 'This share link has expired; ask for a new one (stint share create)'
            : 'Send a token: Authorization: Bearer st_… (stint tokens create), or a share link',
      );
    }
    limitKey(`${who.kind}:${who.id}`, reply);
    return who;
  };
  // Reads take a slot of their site at their first query and stop at query_timeout; every
  // route that reads gives its slot back when its handler is done (read-limits.ts).
  const reads = createSiteReads(config, (code, message) => new HttpError(503, code, message));
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/v1/')) route.handler = reads.releasing(route.handler);
  });
  /** The site a read is for, once the principal may read it: 403 otherwise, 404 if there is no such site. */
  const readSite = async (
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<OpenSite & { who: Principal }> => {
    const who = principalOf(req, reply);
    const asked = queryText(req, 'site') ?? (who.kind === 'admin' ? undefined : who.site);
    if (asked === undefined) throw new HttpError(400, 'no_site', 'Name the site: ?site=NAME');
    if (!mayRead(who, asked)) throw new HttpError(403, 'forbidden', 'This token may not read that site');
    const site = registry.site(asked);
    if (site === undefined) throw new HttpError(404, 'no_site', `No site named "${asked}"`);
    const refusal = visitorRefusal(who, req.url.split('?')[0]!, req.query);
    if (refusal !== undefined) throw new HttpError(403, 'visitors_not_shared', refusal);
    const opened = await siteStore(site);
    return { ...opened, store: reads.limited(req, opened.store, site.name, who.id), who };
  };

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
  app.get('/api/v1/live', async (req, reply) => {
    const { writer, who } = await readSite(req, reply);
    // Opening the site may have taken a while: a stream begun now would keep close() waiting.
    if (closing) throw new HttpError(503, 'shutting_down', 'The server is shutting down; retry shortly');
    const streams = liveStreams.get(who.id) ?? 0;
    if (streams >= MAX_LIVE_STREAMS) {
      reply.header('retry-after', 30);
      throw new HttpError(
        429,
        'too_many_streams',
        `At most ${MAX_LIVE_STREAMS} live streams per token at once; close one first`,
      );
    }
    liveStreams.set(who.id, streams + 1);
    const secret = bearerOf(req) ?? queryText(req, 'access_token') ?? '';
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    // Events per second over the last ten seconds.
    const samples: { ms: number; accepted: number }[] = [];
    const send = () => {
      // A revoked or expired credential ends the stream, as it ends any other read.
      if (registry.authenticate(secret, now(), config.adminToken)?.id !== who.id) return stop();
      const sample = { ms: performance.now(), accepted: writer.accepted };
      samples.push(sample);
      if (samples.length > 11) samples.shift();
      const first = samples[0]!;
      const perSecond =
        sample.ms > first.ms ? ((sample.accepted - first.accepted) * 1000) / (sample.ms - first.ms) : 0;
      const latest = Number.isFinite(writer.latestTsMs) ? new Date(writer.latestTsMs).toISOString() : null;
      const update = {
        open_sessions: writer.openSessions(),
        events_per_second: Math.round(perSecond * 10) / 10,
        queued: writer.queued,
        latest_event_time: latest,
        latest: liveEventsFor(who, writer.recentEvents().slice(-20)),
      };
      res.write(`data: ${JSON.stringify(update)}\n\n`);
    };
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      live.delete(stop);
      const left = (liveStreams.get(who.id) ?? 1) - 1;
      if (left > 0) liveStreams.set(who.id, left);
      else liveStreams.delete(who.id);
      res.end();
    };
    live.add(stop);
    req.raw.on('close', stop);
    timer = setInterval(send, 1000);
    send();
  });
  const erasureMetrics = createErasureMetrics(metrics.registry);
  registerEraseRoutes(app, {
    registry,
    now,
    log: app.log,
    metrics: erasureMetrics,
    principalOf,
    siteStore,
    httpError: (status, code, message) => new HttpError(status, code, message),
  });
  app.get('/api/v1/sites', async (req, reply) => {
    const who = principalOf(req, reply);
    return {
      sites: registry
        .sites()
        .filter((s) => mayRead(who, s.name))
        .map((s) => ({ name: s.name, origins: s.origins, public_key: s.publicKey })),
    };
  });
  app.get('/api/v1/openapi.json', async () =>
    openApiDocument(
      ANALYSES.map((d) => ({
        name: d.name,
        summary: d.summary,
        params: [...analysisParams(d).names.keys()],
      })),
    ),
  );
  app.get('/healthz', async (_req, reply) => {
    if (closing) return reply.code(503).send({ status: 'shutting down' });
    if (failing.size > 0) {
      // Try them again (each at most every HEALTH_RETRY_MS: this route needs no token), so that
      // a site that can be opened now is healthy at a later check.
      const nowMs = now();
      for (const [name, began] of failing) {
        const site = registry.site(name);
        if (site === undefined) failing.delete(name);
        else if (nowMs - began >= HEALTH_RETRY_MS && !open.has(name))
          openInBackground(site, 'the site still cannot be opened');
      }
      // Which sites and why is in the server's log (this route needs no token).
      if (failing.size > 0)
        return reply.code(503).send({ status: 'degraded', sites: ready.size, failing: failing.size });
    }
    // A full disk, until the next write there works (which and where is in the server's log).
    if ([...ready.values()].some((s) => s.writer.diskFull !== undefined))
      return reply.code(503).send({
        status: 'degraded',
        sites: ready.size,
        reason: 'disk_full',
        message: "A disk of the server's data is full: free space there (the server's log names the file)",
      });
    return { status: 'ok', sites: ready.size };
  });
  app.get('/metrics', async (req, reply) => {
    const who = principalOf(req, reply);
    if (who.kind !== 'admin') throw new HttpError(403, 'forbidden', 'Metrics need an admin token');
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  // Every site opens now, not at its first request: what its log holds beyond its store (a
  // crash before it was stored) is stored at once, and no request waits for a store to open.
  // A store in use means another server has this data directory: this one must not start.
  const stores = registry.sites().map((site) => {
    siteStore(site).catch((err: unknown) => {
      // A store in use stops the start below, with its own message.
      if (!(err instanceof StintError && err.code === 'STINT_STORE_LOCKED'))
        app.log.error({ err, site: site.name }, 'cannot open the site');
    });
    return storesOpening.get(site.name)!.then(
      () => undefined,
      (err: unknown) => err,
    );
  });
  const locked = (await Promise.all(stores)).find(
    (err) => err instanceof StintError && err.code === 'STINT_STORE_LOCKED',
  );
  /** Opens a site added while the server runs (stint sites add) within about a second. */
  let watcher: NodeJS.Timeout | undefined;
  /** Each site's retention, applied at start and every 24 h (retention.ts). */
  let retention: ReturnType<typeof startRetention> | undefined;
  /** Removed sites being closed: close() waits for them. */
  const removing = new Set<Promise<void>>();
  if (locked !== undefined) {
    await close();
    const { message } = locked as StintError;
    throw new StintError(
      'STINT_STORE_LOCKED',
      `The data directory ${config.data} is in use: ${message.charAt(0).toLowerCase()}${message.slice(1)}`,
      'Stop the other stint serve first, or give this one a --data directory of its own',
    );
  }
  // So that it is this server's from then on (a second server on the directory finds its store
  // taken), and its first request does not wait for it. A site that failed waits for its retry.
  watcher = setInterval(() => {
    for (const site of registry.sites())
      if (!open.has(site.name) && !failing.has(site.name)) openInBackground(site);
    // A site taken out of the registry (stint sites remove) is closed, so its files can move.
    for (const name of [...open.keys()]) if (registry.site(name) === undefined) closeRemoved(name);
  }, 1000);
  watcher.unref();
  const retentionDeps = {
    sites: () => registry.sites(),
    siteStore,
    now,
    log: app.log,
    metrics: erasureMetrics,
  };
  retention = startRetention(retentionDeps);

  /** Closes a removed site's writer (storing its log) and store. */
  function closeRemoved(name: string): void {
    const opening = open.get(name);
    open.delete(name);
    ready.delete(name);
    failing.delete(name);
    const closed = opening
      ?.then(async (s) => {
        await s.writer.close();
        await s.store.close();
        app.log.info({ site: name }, 'the site was removed from the registry: its store is closed');
      })
      .catch((err: unknown) => app.log.error({ err, site: name }, 'closing a removed site failed'));
    if (closed !== undefined) {
      removing.add(closed);
      void closed.finally(() => removing.delete(closed));
    }
  }

  async function close(): Promise<void> {
    closing = true;
    clearInterval(watcher);
    salts.close();
    retention?.stop();
    await retention?.running();
    await Promise.all(removing);
    for (const stop of [...live]) stop();
    await app.close();
    for (const [name, opening] of open) {
      const s = await opening.catch(() => undefined);
      if (s === undefined) continue;
      try {
        await s.writer.close();
      } catch (err) {
        // What is not stored yet stays in the site's log for the next start.
        app.log.error({ err, site: name }, 'could not store all logged events before stopping');
      }
      await s.store
        .close()
        .catch((err: unknown) => app.log.error({ err, site: name }, 'closing the store failed'));
    }
  }

  return {
    app,
    registry,
    async settle() {
      for (const s of await Promise.all(open.values())) await s.writer.settle();
    },
    applyRetention: () => applyRetention(retentionDeps),
    close,
  };
}

/** How a request holds its events: one object, `{"events": [...]}`, or NDJSON lines. */
type IngestForm = 'single' | 'batch' | 'ndjson';

/** Who sends events: a site's write key, an admin token (any site), or a site's public key. */
type IngestCredential =
  | { readonly kind: 'write'; readonly site: Site }
  | { readonly kind: 'admin'; readonly id: string }
  | { readonly kind: 'public'; readonly site: Site };

const bulkNeedsWriteKey = (browserBatchSize: number): string =>
  `The bulk route /api/v1/events/ndjson takes a write key (Authorization: Bearer sk_…) or an admin token, not a site key; from a browser, send up to ${browserBatchSize} events a request to /api/v1/events`;

/** JSON, refusing prototype poisoning (`__proto__`, `constructor.prototype`). */
const parseJson = (text: string): unknown =>
  secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

/** Whether parseJson refused a name that would reach an object's prototype. */
const isForbiddenName = (err: unknown): boolean =>
  err instanceof SyntaxError && err.message === 'Object contains forbidden prototype property';
const FORBIDDEN_NAME =
  'The body holds a field named "__proto__" (or a "constructor" object with a "prototype"), which stint does not take: rename it (every other name is stored as it is)';

const MAX_LIVE_STREAMS = 20;

/** How often /healthz tries a site that could not be opened again, at most. */
const HEALTH_RETRY_MS = 10_000;

/** Errors about the server's own files, never the request's. */
const SERVER_SIDE = new Set<string>([
  'STINT_REGISTRY_UNREADABLE',
  'STINT_REGISTRY_LOCKED',
  'STINT_STORE_LOCKED',
  'STINT_STORE_UNREADABLE',
  'STINT_UNREADABLE',
]);

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

function bearerOf(req: FastifyRequest): string | undefined {
  const h = headerOf(req, 'authorization');
  const m = h === undefined ? null : /^Bearer\s+(\S{1,200})$/i.exec(h);
  return m?.[1];
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function queryText(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * The URL with the value of every credential parameter replaced, however its name is written
 * (`access_token`, `ACCESS_TOKEN`, `access%5Ftoken`): a log line never holds a secret.
 */
export function redactedUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const parts = url
    .slice(at + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const rawName = eq < 0 ? part : part.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        // Malformed escapes: judge the name as written.
      }
      return CREDENTIAL_PARAMS.has(name.trim().toLowerCase()) ? `${rawName}=[redacted]` : part;
    });
  return `${url.slice(0, at)}?${parts.join('&')}`;
}

const CREDENTIAL_PARAMS = new Set(['access_token', 'key']);

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

/** Fastify's own refusals say what would be taken. */
function messageOf(err: Error & { statusCode?: number }, req: FastifyRequest): string {
  if (err instanceof HttpError) return err.message;
  if (err.statusCode === 413) {
    const limit = req.routeOptions.bodyLimit;
    const setting = req.url.startsWith('/api/v1/events/ndjson') ? 'ndjson_body_limit' : 'body_limit';
    return `The body is larger than this route takes (${limit} bytes, the server's ${setting}); send fewer events a request`;
  }
  if (err.statusCode === 415)
    return `Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')} is not taken here: send application/json (or text/plain holding JSON), or application/x-ndjson to /api/v1/events/ndjson`;
  return err.message;
}

function errorCode(err: Error & { code?: string; statusCode?: number }): string {
  if (err instanceof HttpError) return err.code;
  if (err.statusCode === 413) return 'body_too_large';
  if (err.statusCode === 415) return 'bad_content_type';
  if (err.statusCode === 429) return 'rate_limited';
  return 'bad_request';
}
