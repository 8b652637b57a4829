/**
 * The collector's routes: `POST /api/v1/events` (one event or `{"events": [...]}`),
 * `POST /api/v1/events/ndjson` (the bulk route, servers only) and their CORS preflight. Each
 * checks its sender before the body is read (auth.ts), then hands the events to the site's writer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StintEvent } from '../../core/event.ts';
import { countryOfIp } from '../../io/ip-country.ts';
import type { IngestForm } from '../auth.ts';
import { FORBIDDEN_NAME, isForbiddenName, parseJson } from '../bodies.ts';
import { type Collected, createCollector } from '../collect.ts';
import type { ServerContext } from '../context.ts';
import { DiskFullError } from '../disk-full.ts';
import { HttpError } from '../http-error.ts';
import { headerOf } from '../request.ts';
import { WriterBusyError } from '../writer/index.ts';

export const collectRoutes = (ctx: ServerContext) =>
  async function collectorRoutes(app: FastifyInstance): Promise<void> {
    const { config, now, registry, sites, metrics, auth, state } = ctx;
    const collect = createCollector({
      maxFutureMs: config.maxFutureMs,
      maxPastMs: config.maxPastMs,
      minTimestampMs: config.minTimestampMs,
      countryOfIp,
    });

    const ingest = async (
      req: FastifyRequest,
      reply: FastifyReply,
      raw: unknown[],
      form: IngestForm,
      bodySite?: unknown,
    ) => {
      if (state.closing) throw new HttpError('shutting_down', 'The server is shutting down; retry shortly');
      const { site, trusted, budgets } = auth.ingestSite(req, form, bodySite);
      const ndjson = form === 'ndjson';
      // A browser's requests are small (event-limits.ts); a server's go to the bulk route.
      const [most, setting] = !trusted
        ? [config.browserBatchSize, 'browser_batch_size']
        : ndjson
          ? [config.ndjsonBatchSize, 'ndjson_batch_size']
          : [config.batchSize, 'batch_size'];
      if (raw.length > most) {
        throw new HttpError(
          'batch_too_large',
          `${raw.length} events in one request; at most ${most} (the server's ${setting})${trusted && !ndjson ? ': send more at once to /api/v1/events/ndjson' : ''}`,
        );
      }
      auth.takeEvents(reply, budgets, raw.length);
      const s = await sites.open(site);
      const receivedAtMs = now();
      const collectCtx = {
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
        const c: Collected = collect(item, collectCtx);
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
            'disk_full',
            "The server's disk is full: the events were not stored; retry later",
          );
        }
        if (err instanceof WriterBusyError) {
          throw err.reason === 'closing'
            ? new HttpError('shutting_down', 'The server is shutting down; retry shortly')
            : new HttpError('busy', 'Too many events wait to be stored; retry shortly');
        }
        req.log.error({ err }, 'commit failed');
        throw new HttpError('store_unavailable', 'The events could not be stored; retry shortly');
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

    app.post('/api/v1/events', { onRequest: auth.checkSender(false) }, async (req, reply) => {
      const body = req.body as { ndjson?: unknown; events?: unknown; site?: unknown } | unknown[] | null;
      if (body === null || typeof body !== 'object' || Array.isArray(body) || 'ndjson' in body) {
        // NDJSON sent here is the wrong content type; anything but an object is a bad body.
        throw new HttpError(
          Array.isArray(body) || body === null || typeof body !== 'object' ? 'bad_body' : 'bad_content_type',
          'Send one event as a JSON object, or {"events": [...]}; NDJSON goes to /api/v1/events/ndjson',
        );
      }
      if ('events' in body) {
        if (!Array.isArray(body.events))
          throw new HttpError('bad_body', '"events" must be an array of event objects');
        return ingest(req, reply, body.events, 'batch', body.site);
      }
      return ingest(req, reply, [body], 'single', body.site);
    });
    const bulk = { bodyLimit: config.ndjsonBodyLimit, onRequest: auth.checkSender(true) };
    app.post('/api/v1/events/ndjson', bulk, async (req, reply) => {
      const body = req.body as { ndjson?: string[] } | null;
      if (body === null || typeof body !== 'object' || !Array.isArray(body.ndjson)) {
        throw new HttpError('bad_content_type', 'Send NDJSON with Content-Type: application/x-ndjson');
      }
      const raw: unknown[] = [];
      for (const [i, line] of body.ndjson.entries()) {
        if (line.trim() === '') continue;
        try {
          raw.push(parseJson(line));
        } catch (err) {
          if (isForbiddenName(err)) throw new HttpError('forbidden_name', `Line ${i + 1}: ${FORBIDDEN_NAME}`);
          throw new HttpError('invalid_json', `Line ${i + 1} is not valid JSON`);
        }
      }
      return ingest(req, reply, raw, 'ndjson');
    });
    const preflight = (req: FastifyRequest, reply: FastifyReply): void => {
      const origin = headerOf(req, 'origin');
      if (origin !== undefined && registry.sites().some((s) => s.origins.includes(origin))) {
        reply
          .header('access-control-allow-origin', origin)
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', 'content-type, x-stint-key')
          .header('access-control-max-age', '86400');
      }
      reply.header('vary', 'Origin').code(204).send();
    };
    app.options('/api/v1/events', preflight);
    app.options('/api/v1/events/ndjson', preflight);
  };
