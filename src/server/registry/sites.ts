/**
 * The registry's sites: listed, found, added (a name and origins checked), changed and removed
 * (its tokens and share links revoked with it).
 */
import { StintError } from '../../core/errors.ts';
import type { RegistryFileAccess } from './file.ts';
import { secret, sha256 } from './secrets.ts';
import type { ApiToken, Registry, RegistryFile, ShareLink, Site } from './types.ts';

const SITE_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export function siteRecords({
  read,
  update,
}: RegistryFileAccess): Pick<Registry, 'sites' | 'site' | 'updateSite' | 'removeSite' | 'addSite'> {
  return {
    sites: () => read().sites,
    site: (name) => read().sites.find((s) => s.name === name),
    updateSite(name, change) {
      return update((file) => {
        const i = siteIndex(file, name);
        file.sites[i] = { ...file.sites[i]!, ...change(file.sites[i]!) };
        return file.sites[i]!;
      });
    },
    removeSite(name, nowMs = Date.now()) {
      return update((file) => {
        const [site] = file.sites.splice(siteIndex(file, name), 1);
        for (const list of [file.tokens, file.shares] as (ApiToken | ShareLink)[][])
          list.forEach((c, k) => {
            if (c.site === name && c.revokedAtMs === undefined) list[k] = { ...c, revokedAtMs: nowMs };
          });
        return site!;
      });
    },
    addSite(name, origins, nowMs = Date.now()) {
      if (!SITE_NAME.test(name)) {
        throw new StintError(
          'STINT_BAD_SITE',
          `Cannot use "${name}" as a site name`,
          'Use 1–63 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
        );
      }
      const checked = origins.map(checkOrigin);
      const writeKey = `sk_${secret()}`;
      const site: Site = {
        name,
        origins: checked,
        publicKey: `pk_${secret(18)}`,
        writeKeyHash: sha256(writeKey),
        createdAtMs: nowMs,
      };
      update((file) => {
        if (file.sites.some((s) => s.name === name)) {
          throw new StintError(
            'STINT_BAD_SITE',
            `A site named "${name}" exists already`,
            'Pick another name, or list the sites with stint sites list',
          );
        }
        file.sites.push(site);
      });
      return { site, writeKey };
    },
  };
}

/** The site named `name`; a clear error when there is none. */
export function findSite({ read }: RegistryFileAccess, name: string): Site {
  const site = read().sites.find((s) => s.name === name);
  if (site === undefined) {
    throw new StintError(
      'STINT_NO_SITE',
      `No site named "${name}"`,
      'List the sites with stint sites list, or add one with stint sites add NAME --origin https://…',
    );
  }
  return site;
}

/** Where site `name` is in the file; a clear error when it is not. */
export function siteIndex(file: RegistryFile, name: string): number {
  const i = file.sites.findIndex((s) => s.name === name);
  if (i < 0)
    throw new StintError(
      'STINT_NO_SITE',
      `No site named "${name}"`,
      'List the sites with stint sites list (with --data DIR if the server uses another directory)',
    );
  return i;
}

/** An origin as stored (`https://shop.example`); a clear error for anything else. */
export function checkOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== text.replace(/\/$/, '')) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot use "${text}" as an origin`,
      'Give scheme and host (and port), nothing else: --origin https://shop.example',
    );
  }
  return url.origin;
}
