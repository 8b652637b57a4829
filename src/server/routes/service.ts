/**
 * The server's own routes: `/healthz` (no token: 503 while a site cannot be opened or a disk is
 * full), `/metrics` (admin), `/api/v1/sites` (the sites a token may read) and
 * `/api/v1/openapi.json` (public, the document `openApi` makes).
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { mayRead } from '../registry.ts';

export const serviceRoutes = (ctx: ServerContext, openApi: () => unknown) =>
  async function service(app: FastifyInstance): Promise<void> {
    const { registry, sites, metrics, auth, state } = ctx;
    app.get('/api/v1/sites', async (req, reply) => {
      const who = auth.principalOf(req, reply);
      return {
        sites: registry
          .sites()
          .filter((s) => mayRead(who, s.name))
          .map((s) => ({ name: s.name, origins: s.origins, public_key: s.publicKey })),
      };
    });
    app.get('/api/v1/openapi.json', async () => openApi());
    app.get('/healthz', async (_req, reply) => {
      if (state.closing) return reply.code(503).send({ status: 'shutting down' });
      if (sites.failing.size > 0) {
        // Try them again (each at most every HEALTH_RETRY_MS: this route needs no token), so that
        // a site that can be opened now is healthy at a later check.
        sites.retryFailing();
        // Which sites and why is in the server's log (this route needs no token).
        if (sites.failing.size > 0)
          return reply
            .code(503)
            .send({ status: 'degraded', sites: sites.ready.size, failing: sites.failing.size });
      }
      // A full disk, until the next write there works (which and where is in the server's log).
      if ([...sites.ready.values()].some((s) => s.writer.diskFull !== undefined))
        return reply.code(503).send({
          status: 'degraded',
          sites: sites.ready.size,
          reason: 'disk_full',
          message: "A disk of the server's data is full: free space there (the server's log names the file)",
        });
      return { status: 'ok', sites: sites.ready.size };
    });
    app.get('/metrics', async (req, reply) => {
      const who = auth.principalOf(req, reply);
      if (who.kind !== 'admin') throw new HttpError('forbidden', 'Metrics need an admin token');
      reply.header('content-type', metrics.registry.contentType);
      return metrics.registry.metrics();
    });
  };
