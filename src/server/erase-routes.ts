/**
 * `DELETE /api/v1/visitors/:id?site=NAME` (admin only): `stint forget` through the running
 * server, which holds the site's store. The site's writer first stores everything it has
 * accepted (its log), so no event of the visitor is stored after the erasure; then one
 * transaction in the store's thread deletes and sessionizes what is left, and the writer drops
 * the visitor from its memory (live events, active visitors). Logged with who and when, and the
 * id's SHA-256 only.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identitySelection, sha256 } from '../store/erase.ts';
import type { ErasureMetrics } from './erasure-metrics.ts';
import type { Principal, Registry, Site } from './registry.ts';
import type { SiteStore } from './site-store.ts';
import type { SiteWriter } from './writer/index.ts';

export interface EraseRouteDeps {
  readonly registry: Registry;
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
  readonly metrics: ErasureMetrics;
  principalOf(req: FastifyRequest, reply: FastifyReply): Principal;
  siteStore(site: Site): Promise<{ store: SiteStore; writer: SiteWriter }>;
  /** An error the app's error handler answers as `{ error: { code, message } }` with this status. */
  httpError(status: number, code: string, message: string): Error;
}

export function registerEraseRoutes(app: FastifyInstance, deps: EraseRouteDeps): void {
  app.delete('/api/v1/visitors/:id', async (req, reply) => {
    const who = deps.principalOf(req, reply);
    if (who.kind !== 'admin')
      throw deps.httpError(403, 'forbidden', 'Erasing a visitor needs an admin token');
    const { id } = req.params as { id: string };
    const query = req.query as Record<string, unknown>;
    const name = typeof query.site === 'string' ? query.site : undefined;
    if (name === undefined) throw deps.httpError(400, 'no_site', 'Name the site: ?site=NAME');
    const site = deps.registry.site(name);
    if (site === undefined) throw deps.httpError(404, 'no_site', `No site named "${name}"`);
    if (id === '' || id.length > 1024)
      throw deps.httpError(
        400,
        'bad_param',
        'The visitor id is a user_id or anonymous_id of 1–1024 characters',
      );
    const { store, writer } = await deps.siteStore(site);
    // What the writer accepted before this request is stored first: none of it comes back later.
    await writer.settle();
    const atMs = deps.now();
    const by = `token:${who.id}`;
    const identitySha256 = sha256(id);
    const done = await store.erase(identitySelection(id), { atMs, kind: 'forget', by, what: identitySha256 });
    writer.forgetVisitors(done.ids);
    deps.metrics.erased(site.name, done.events, done.sessions);
    deps.log.info(
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
}
