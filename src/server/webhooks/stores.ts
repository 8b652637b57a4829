/**
 * The store the webhooks watcher runs a site's detectors on: the site's own, opened by the
 * server as for a read (undefined once the site is out of the registry).
 *
 *   const storeOf = webhookStoreOf(ctx); await storeOf('shop');
 */
import type { Store } from '../../store/store.ts';
import type { ServerContext } from '../context.ts';

export const webhookStoreOf =
  (ctx: Pick<ServerContext, 'registry' | 'sites'>) =>
  async (name: string): Promise<Store | undefined> => {
    const site = ctx.registry.site(name);
    return site === undefined ? undefined : (await ctx.sites.open(site)).store;
  };
