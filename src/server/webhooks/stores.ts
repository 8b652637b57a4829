/**
 * How the webhooks watcher reads a site: as a read request does (routes/query.ts), on the site's
 * store limited to a read slot of its own credential (`webhooks`) and stopped at the server's
 * query_timeout, the slot given back when the work is done. Undefined once the site is out of
 * the registry.
 *
 *   const readSite = webhookReads(ctx);
 *   await readSite('shop', (store) => runDetectors(store, period, events, missing));
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Store } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';

export type ReadSite = <T>(site: string, work: (store: Store) => Promise<T>) => Promise<T | undefined>;

export const webhookReads =
  (ctx: Pick<ServerContext, 'registry' | 'sites' | 'reads'>): ReadSite =>
  async <T>(name: string, work: (store: Store) => Promise<T>): Promise<T | undefined> => {
    const site = ctx.registry.site(name);
    if (site === undefined) return undefined;
    const { store } = await ctx.sites.open(site);
    // The read's key, as a request is the key of a route's read: its slot is given back after `work`.
    const read = {};
    const handler = (async () =>
      work(ctx.reads.limited(read, store, name, 'webhooks'))) as unknown as RouteHandlerMethod;
    const run = ctx.reads.releasing(handler) as unknown as (
      this: unknown,
      req: object,
      reply: unknown,
    ) => Promise<T>;
    return run.call(undefined, read, undefined);
  };
