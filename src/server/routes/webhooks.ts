/**
 * The webhooks API (admin token): `GET/POST /api/v1/webhooks`, `DELETE /api/v1/webhooks/{id}`,
 * `POST /api/v1/webhooks/{id}/test` (a `ping` now) and `GET /api/v1/webhooks/deliveries` (the
 * delivery log). The secret is answered once, by the POST that makes the hook.
 *
 *   curl -H "authorization: Bearer $ADMIN" -d '{"site":"shop","url":"https://x.example/h","events":["anomalous-day"]}' \
 *     -H 'content-type: application/json' http://127.0.0.1:8080/api/v1/webhooks
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StintError } from '../../core/errors.ts';
import type { ServerContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { checkEvents, checkUrl, hookView } from '../webhooks/hooks.ts';
import type { Webhooks } from '../webhooks/index.ts';
import type { Webhook } from '../webhooks/types.ts';

export const webhookRoutes = (ctx: ServerContext, webhooks: Webhooks) =>
  async function webhookApi(app: FastifyInstance): Promise<void> {
    const { auth, registry } = ctx;
    const admin = (req: FastifyRequest, reply: FastifyReply): void => {
      if (auth.principalOf(req, reply).kind !== 'admin')
        throw new HttpError('forbidden', 'Webhooks need an admin token');
    };
    const known = (id: string): Webhook => {
      const hook = webhooks.hooks.list().find((h) => h.id === id);
      if (hook === undefined) throw new HttpError('not_found', `No webhook with id ${id}`);
      return hook;
    };
    /** A check of the hooks file, its message kept, as a 400 of the API. */
    const checked = <T>(work: () => T): T => {
      try {
        return work();
      } catch (err) {
        if (err instanceof StintError && err.code === 'STINT_BAD_FLAG')
          throw new HttpError(
            'bad_param',
            `${err.message.replaceAll('--on', 'events').replaceAll('--url', 'url')}${err.hint === undefined ? '' : `: ${err.hint.replaceAll('--on ', 'events: ').replaceAll('--url ', 'url: ')}`}`,
          );
        throw err;
      }
    };

    app.get('/api/v1/webhooks', async (req, reply) => {
      admin(req, reply);
      return { webhooks: webhooks.hooks.list().map(hookView) };
    });
    app.post('/api/v1/webhooks', async (req, reply) => {
      admin(req, reply);
      const body = (req.body ?? {}) as { site?: unknown; url?: unknown; events?: unknown };
      if (typeof body.site !== 'string' || typeof body.url !== 'string' || !Array.isArray(body.events))
        throw new HttpError(
          'bad_param',
          'Send {"site": "NAME", "url": "https://…", "events": ["anomalous-session" | "anomalous-day" | "diagnose-finding", …]}',
        );
      if (registry.site(body.site) === undefined)
        throw new HttpError('unknown_site', `No site named ${JSON.stringify(body.site)}`);
      const { site, url } = body;
      const events = body.events.map(String);
      const hook = checked(() => {
        checkUrl(url);
        checkEvents(events);
        return webhooks.hooks.add({ site, url, events }, ctx.now());
      });
      reply.code(201);
      return { webhook: hookView(hook), secret: hook.secret };
    });
    app.delete('/api/v1/webhooks/:id', async (req, reply) => {
      admin(req, reply);
      const { id } = req.params as { id: string };
      known(id);
      webhooks.hooks.remove(id);
      return { removed: id };
    });
    app.post('/api/v1/webhooks/:id/test', async (req, reply) => {
      admin(req, reply);
      const { id } = req.params as { id: string };
      const hook = known(id);
      if (hook.disabledAtMs !== undefined)
        throw new HttpError(
          'bad_param',
          `Webhook ${id} is disabled (${hook.disabledReason ?? ''}); add it again to send to it`,
        );
      const body = webhooks.ping(id);
      reply.code(202);
      return { delivery: body.id, type: body.type };
    });
    app.get('/api/v1/webhooks/deliveries', async (req, reply) => {
      admin(req, reply);
      const q = req.query as { hook?: unknown; site?: unknown; limit?: unknown };
      const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new HttpError(
          'bad_param',
          'Parameter "limit" is not valid: give a whole number from 1 to 1000',
        );
      return { deliveries: webhooks.outbox.deliveries({ hook: text(q.hook), site: text(q.site), limit }) };
    });
  };
