/**
 * `DELETE /api/v1/visitors/:id?site=NAME` (admin only): `stint forget` through the running
 * server, which holds the site's store. The site's writer first stores everything it has
 * accepted (its log), so no event of the visitor is stored after the erasure; then one
 * transaction in the store's thread deletes and sessionizes what is left, and the writer drops
 * the visitor from its memory (live events, active visitors). Logged with who and when, and the
 * id's SHA-256 only.
 */
import type { FastifyInstance } from 'fastify';
import { identitySelection, sha256 } from '../../store/erase.ts';
import type { ServerContext } from '../context.ts';
import { HttpError } from '../http-error.ts';

export const eraseRoutes = (ctx: ServerContext) =>
  async function erase(app: FastifyInstance): Promise<void> {
    const { registry, sites, auth, log, now, erasureMetrics: metrics } = ctx;
    app.delete('/api/v1/visitors/:id', async (req, reply) => {
      const who = auth.principalOf(req, reply);
      if (who.kind !== 'admin') throw new HttpError('forbidden', 'Erasing a visitor needs an admin token');
      const { id } = req.params as { id: string };
      const query = req.query as Record<string, unknown>;
      const name = typeof query.site === 'string' ? query.site : undefined;
      if (name === undefined) throw new HttpError('no_site', 'Name the site: ?site=NAME');
      const site = registry.site(name);
      if (site === undefined) throw new HttpError('unknown_site', `No site named "${name}"`);
      if (id === '' || id.length > 1024)
        throw new HttpError('bad_param', 'The visitor id is a user_id or anonymous_id of 1–1024 characters');
      const { store, writer } = await sites.open(site);
      // What the writer accepted before this request is stored first: none of it comes back later.
      await writer.settle();
      const atMs = now();
      const by = `token:${who.id}`;
      const identitySha256 = sha256(id);
      const done = await store.erase(identitySelection(id), {
        atMs,
        kind: 'forget',
        by,
        what: identitySha256,
      });
      writer.forgetVisitors(done.ids);
      metrics.erased(site.name, done.events, done.sessions);
      log.info(
        {
          site: site.name,
          by,
          at: new Date(atMs).toISOString(),
          identity_sha256: identitySha256,
          events: done.events,
          sessions: done.sessions,
        },
        'forgot a visitor',
      );
      return { events: done.events, sessions: done.sessions, resessionized: done.resessionized };
    });
  };
