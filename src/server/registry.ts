/**
 * The server's registry: its sites (name, allowed origins, public ingest key, hashed write key),
 * its API tokens and its share links, in `DATA/registry.json` (mode 0600). Secrets are stored
 * only as SHA-256 hashes: a token is shown once, when it is made. The CLI (`stint sites`,
 * `stint tokens`, `stint share`) and a running server both read and write the file; each write
 * replaces it whole (write, then rename) under a lock file, and the server re-reads it when it
 * changes, so a revoked token stops working within a second.
 *
 *   const registry = openRegistry('stint-data');
 *   const { site, writeKey } = registry.addSite('shop', ['https://shop.example']);
 */
import { mkdirSync } from 'node:fs';
import { credentials } from './registry/credentials.ts';
import { openRegistryFile } from './registry/file.ts';
import { siteKeys } from './registry/keys.ts';
import { siteRecords } from './registry/sites.ts';
import type { Principal, Registry } from './registry/types.ts';

export { REGISTRY_FILE } from './registry/file.ts';
export { checkOrigin } from './registry/sites.ts';
export type {
  ApiToken,
  Principal,
  Registry,
  RetiredKey,
  ShareLink,
  Site,
  TokenRole,
} from './registry/types.ts';

export function openRegistry(dir: string): Registry {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = openRegistryFile(dir);
  return { dir, ...siteRecords(file), ...siteKeys(file), ...credentials(file) };
}

/** Whether a principal may read a site's data. */
export function mayRead(who: Principal, site: string): boolean {
  return who.kind === 'admin' || who.site === site;
}
