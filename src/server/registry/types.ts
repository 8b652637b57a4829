/**
 * The registry's records (sites, retired keys, API tokens, share links), the file that holds
 * them, the principal a credential stands for, and the Registry interface (registry.ts).
 */

export interface Site {
  readonly name: string;
  /** Browser origins allowed to send with the public key (`https://shop.example`). */
  readonly origins: readonly string[];
  /** Public ingest key (`pk_…`): not a secret, it is in the site's pages. */
  readonly publicKey: string;
  readonly writeKeyHash: string;
  readonly createdAtMs: number;
  /** How long events are kept (`400d`); absent: for ever. */
  readonly retention?: string | undefined;
  /** Keys replaced by `stint sites rotate-key`, each working until its grace period ends. */
  readonly retiredKeys?: readonly RetiredKey[];
}

/** A replaced public key or write key (SHA-256), and until when it still works. */
export interface RetiredKey {
  readonly publicKey?: string;
  readonly writeKeyHash?: string;
  readonly untilMs: number;
}

export type TokenRole = 'admin' | 'read';

export interface ApiToken {
  /** Shown by `stint tokens list` and used to revoke: the first characters of the token. */
  readonly id: string;
  readonly hash: string;
  readonly role: TokenRole;
  /** The one site a read token may read; admin tokens read every site. */
  readonly site: string | undefined;
  readonly label: string;
  readonly createdAtMs: number;
  readonly revokedAtMs: number | undefined;
}

export interface ShareLink {
  readonly id: string;
  readonly hash: string;
  readonly site: string;
  readonly createdAtMs: number;
  readonly expiresAtMs: number | undefined;
  readonly revokedAtMs: number | undefined;
  /**
   * Whether the link sees per-visitor data (sessions, journeys, identities, properties, live
   * visitor ids); absent (a link made before this field) or false: aggregates only.
   */
  readonly visitors?: boolean;
}

export interface RegistryFile {
  version: 1;
  sites: Site[];
  tokens: ApiToken[];
  shares: ShareLink[];
}

/** Who a request is, once its credentials are checked. */
export type Principal =
  | { kind: 'admin'; id: string }
  | { kind: 'read'; id: string; site: string }
  | { kind: 'share'; id: string; site: string; visitors: boolean };

export interface Registry {
  readonly dir: string;
  sites(): readonly Site[];
  site(name: string): Site | undefined;
  siteByPublicKey(key: string): Site | undefined;
  siteByWriteKey(key: string): Site | undefined;
  addSite(name: string, origins: readonly string[], nowMs?: number): { site: Site; writeKey: string };
  /** Changes a site's record (origins, retention): `change` gives the fields to replace. */
  updateSite(name: string, change: (site: Site) => Partial<Site>): Site;
  /**
   * New keys for a site (`which`: both by default); the old ones keep working for `graceMs`.
   * Gives the new public key and, when rotated, the new write key (shown once).
   */
  rotateKeys(
    name: string,
    options: { publicKey: boolean; writeKey: boolean; graceMs: number; nowMs?: number },
  ): { site: Site; writeKey: string | undefined };
  /**
   * Stops a key working now: a retired one is dropped; the site's current one is replaced by a new
   * one (given, as `rotateKeys` with no grace).
   */
  revokeKey(name: string, key: string): { site: Site; replacedBy: string | undefined };
  /** Takes a site out of the registry; its tokens and share links are revoked. */
  removeSite(name: string, nowMs?: number): Site;
  tokens(): readonly ApiToken[];
  createToken(
    role: TokenRole,
    site: string | undefined,
    label: string,
    nowMs?: number,
  ): { token: ApiToken; secret: string };
  revokeToken(id: string, nowMs?: number): ApiToken;
  shares(): readonly ShareLink[];
  createShare(
    site: string,
    expiresAtMs: number | undefined,
    nowMs?: number,
    options?: { visitors?: boolean },
  ): { share: ShareLink; secret: string };
  revokeShare(id: string, nowMs?: number): ShareLink;
  /** The principal a bearer secret stands for, or undefined. `adminToken` is STINT_ADMIN_TOKEN. */
  authenticate(secret: string, nowMs: number, adminToken?: string): Principal | undefined;
  /** Why a known token or share link no longer opens anything; undefined for one never issued. */
  refusal(secret: string, nowMs: number): 'revoked' | 'expired' | undefined;
}
