/**
 * Which store a data-changing command (`stint forget`, `stint delete`) works on: `--db FILE`
 * (a `stint import` store), or `--site NAME` of the server's data directory (`--data`,
 * `--config`, as `stint serve` finds it). A site's store held by a running server is refused
 * with what to do instead.
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { StintError } from '../core/errors.ts';
import { resolveConfig } from '../server/config.ts';
import { openRegistry } from '../server/registry.ts';
import type { Store } from '../store/store.ts';
import { openExistingStore } from './open-existing-store.ts';
import { logHoldsUnstored } from './unstored-log.ts';

export interface TargetFlags {
  db?: string;
  site?: string;
  data?: string;
  config?: string;
}

export interface Target {
  readonly path: string;
  /** The site and the server's address, when the store is a site's. */
  readonly site?: { name: string; url: string };
}

export function targetOf(flags: TargetFlags): Target {
  if ((flags.db === undefined) === (flags.site === undefined))
    throw new StintError(
      'STINT_BAD_FLAG',
      flags.db === undefined ? 'Name the store: --site NAME or --db FILE' : 'Give --site or --db, not both',
      'A server site: --site NAME (with --data DIR if not stint-data); a stint import store: --db FILE',
    );
  if (flags.db !== undefined) return { path: flags.db };
  const config = resolveConfig({ data: flags.data, config: flags.config }, process.env);
  const name = flags.site!;
  if (openRegistry(config.data).site(name) === undefined)
    throw new StintError(
      'STINT_NO_SITE',
      `No site named "${name}" in ${config.data}`,
      'List the sites with stint sites list (and --data DIR if the server uses another directory)',
    );
  return {
    path: join(config.data, 'sites', `${name}.duckdb`),
    site: { name, url: `http://${config.host}:${config.port}` },
  };
}

/** Opens the target's store; `whileServed` says what to do when a running server holds it. */
export async function openTarget(
  target: Target,
  whileServed: (site: { name: string; url: string }) => string,
): Promise<Store> {
  let store: Store;
  try {
    store = await openExistingStore(target.path);
  } catch (err) {
    if (err instanceof StintError && err.code === 'STINT_STORE_LOCKED' && target.site !== undefined)
      throw new StintError(
        'STINT_STORE_LOCKED',
        `The server (stint serve) has site "${target.site.name}"'s store open`,
        whileServed(target.site),
      );
    throw err;
  }
  const site = target.site;
  if (site !== undefined) {
    const logDir = target.path.replace(/\.duckdb$/, '.log');
    if (logHoldsUnstored(logDir, await store.meta('log_position'))) {
      store.close();
      throw new StintError(
        'STINT_STORE_LOCKED',
        `Site "${site.name}"'s log (${logDir}) holds events not stored yet: the server stopped before storing them, and would store them at its next start`,
        `Start stint serve once (it stores them at start), then ${whileServed(site).replace(/^./, (c) => c.toLowerCase())}`,
      );
    }
  }
  return store;
}

/** Who runs this command, for the store's record of erasures. */
export function cliUser(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}
