/**
 * The registry's API tokens and share links: made (the secret shown once, its hash kept),
 * revoked, and the principal a bearer secret stands for (STINT_ADMIN_TOKEN included).
 */
import { StintError } from '../../core/errors.ts';
import type { RegistryFileAccess } from './file.ts';
import { sameHash, sameText, secret, sha256 } from './secrets.ts';
import { findSite as findIn } from './sites.ts';
import type { ApiToken, Registry, ShareLink } from './types.ts';

type Credentials = Pick<
  Registry,
  | 'tokens'
  | 'createToken'
  | 'revokeToken'
  | 'shares'
  | 'createShare'
  | 'revokeShare'
  | 'authenticate'
  | 'refusal'
>;

export function credentials(access: RegistryFileAccess): Credentials {
  const { read, update } = access;
  const findSite = (name: string) => findIn(access, name);
  /** The token or share link a secret was issued as, whether or not it still opens anything. */
  const issued = (secretText: string): ApiToken | ShareLink | undefined => {
    const hash = sha256(secretText);
    if (secretText.startsWith('st_')) return read().tokens.find((x) => sameHash(x.hash, hash));
    if (secretText.startsWith('sh_')) return read().shares.find((x) => sameHash(x.hash, hash));
    return undefined;
  };
  return {
    tokens: () => read().tokens,
    createToken(role, site, label, nowMs = Date.now()) {
      if (role === 'read' && site === undefined) {
        throw new StintError(
          'STINT_BAD_FLAG',
          'A read-only token needs a site',
          'Add --site NAME, or make an admin token with --admin',
        );
      }
      if (site !== undefined) findSite(site);
      const secretText = `st_${secret()}`;
      const token: ApiToken = {
        id: secretText.slice(0, 11),
        hash: sha256(secretText),
        role,
        site: role === 'admin' ? undefined : site,
        label,
        createdAtMs: nowMs,
        revokedAtMs: undefined,
      };
      update((file) => file.tokens.push(token));
      return { token, secret: secretText };
    },
    revokeToken: (id, nowMs = Date.now()) =>
      update((file) => revoke(file.tokens, id, nowMs, 'token', 'stint tokens list')),
    shares: () => read().shares,
    createShare(site, expiresAtMs, nowMs = Date.now(), options = {}) {
      findSite(site);
      const secretText = `sh_${secret()}`;
      const share: ShareLink = {
        id: secretText.slice(0, 11),
        hash: sha256(secretText),
        site,
        createdAtMs: nowMs,
        expiresAtMs,
        revokedAtMs: undefined,
        visitors: options.visitors === true,
      };
      update((file) => file.shares.push(share));
      return { share, secret: secretText };
    },
    revokeShare: (id, nowMs = Date.now()) =>
      update((file) => revoke(file.shares, id, nowMs, 'share link', 'stint share list')),
    authenticate(secretText, nowMs, adminToken) {
      if (adminToken !== undefined && adminToken !== '' && sameText(secretText, adminToken))
        return { kind: 'admin', id: 'env' };
      const c = issued(secretText);
      if (c === undefined || lapsed(c, nowMs) !== undefined) return undefined;
      if ('role' in c)
        return c.role === 'admin' ? { kind: 'admin', id: c.id } : { kind: 'read', id: c.id, site: c.site! };
      return { kind: 'share', id: c.id, site: c.site, visitors: c.visitors === true };
    },
    refusal(secretText, nowMs) {
      const c = issued(secretText);
      return c === undefined ? undefined : lapsed(c, nowMs);
    },
  };
}

/** Marks the token or share link `id` of `list` revoked (once: a second revoke keeps the first time). */
function revoke<T extends ApiToken | ShareLink>(
  list: T[],
  id: string,
  nowMs: number,
  what: string,
  lister: string,
): T {
  const i = list.findIndex((x) => x.id === id);
  if (i < 0)
    throw new StintError(
      'STINT_NO_TOKEN',
      `No ${what} with id ${id}`,
      `List the ${what}s and their ids with ${lister}`,
    );
  list[i] = { ...list[i]!, revokedAtMs: list[i]!.revokedAtMs ?? nowMs };
  return list[i]!;
}

/** Why an issued token or share link opens nothing now: revoked, or (a share link) expired. */
function lapsed(c: ApiToken | ShareLink, nowMs: number): 'revoked' | 'expired' | undefined {
  if (c.revokedAtMs !== undefined) return 'revoked';
  return 'expiresAtMs' in c && c.expiresAtMs !== undefined && nowMs >= c.expiresAtMs ? 'expired' : undefined;
}
