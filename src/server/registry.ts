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
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { StintError } from '../core/errors.ts';

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

interface RegistryFile {
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

const SITE_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export const REGISTRY_FILE = 'registry.json';

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

export function openRegistry(dir: string): Registry {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, REGISTRY_FILE);
  let cached: RegistryFile | undefined;
  let cachedStamp = '';
  let checkedAtMs = 0;
  let byWriteKey: {
    file: RegistryFile | undefined;
    sites: Map<string, { site: Site; untilMs: number } | null>;
  } = {
    file: undefined,
    sites: new Map(),
  };

  const stamp = (): string => {
    try {
      const st = statSync(path);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return '';
    }
  };
  const read = (): RegistryFile => {
    const now = Date.now();
    if (cached !== undefined && now - checkedAtMs < 500) return cached;
    checkedAtMs = now;
    const s = stamp();
    if (cached !== undefined && s === cachedStamp) return cached;
    cached = s === '' ? { version: 1, sites: [], tokens: [], shares: [] } : parse(path);
    cachedStamp = s;
    return cached;
  };
  /** The token or share link a secret was issued as, whether or not it still opens anything. */
  const issued = (secretText: string): ApiToken | ShareLink | undefined => {
    const hash = sha256(secretText);
    if (secretText.startsWith('st_')) return read().tokens.find((x) => sameHash(x.hash, hash));
    if (secretText.startsWith('sh_')) return read().shares.find((x) => sameHash(x.hash, hash));
    return undefined;
  };
  /** Read, change and replace the file under the lock, so two writers never lose each other's change. */
  const update = <T>(change: (file: RegistryFile) => T): T => {
    return withLock(join(dir, '.registry.lock'), () => {
      checkedAtMs = 0;
      cached = undefined;
      const file = read();
      const result = change(file);
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
      cached = undefined;
      return result;
    });
  };
  const findSite = (name: string): Site => {
    const site = read().sites.find((s) => s.name === name);
    if (site === undefined) {
      throw new StintError(
        'STINT_NO_SITE',
        `No site named "${name}"`,
        'List the sites with stint sites list, or add one with stint sites add NAME --origin https://…',
      );
    }
    return site;
  };

  return {
    dir,
    sites: () => read().sites,
    site: (name) => read().sites.find((s) => s.name === name),
    siteByPublicKey: (key) => {
      const nowMs = Date.now();
      return read().sites.find(
        (s) =>
          s.publicKey === key || (s.retiredKeys ?? []).some((r) => r.publicKey === key && nowMs < r.untilMs),
      );
    },
    siteByWriteKey: (key) => {
      const file = read();
      // A busy sender repeats its key on every request: hash it once per registry version.
      if (byWriteKey.file !== file) byWriteKey = { file, sites: new Map() };
      let found = byWriteKey.sites.get(key);
      if (found === undefined) {
        const hash = sha256(key);
        const current = file.sites.find((s) => sameHash(s.writeKeyHash, hash));
        const retired = file.sites
          .flatMap((s) => (s.retiredKeys ?? []).map((r) => ({ site: s, r })))
          .find(({ r }) => r.writeKeyHash !== undefined && sameHash(r.writeKeyHash, hash));
        found =
          current !== undefined
            ? { site: current, untilMs: Number.POSITIVE_INFINITY }
            : retired !== undefined
              ? { site: retired.site, untilMs: retired.r.untilMs }
              : null;
        if (byWriteKey.sites.size < 1000) byWriteKey.sites.set(key, found);
      }
      // A retired key stops at the end of its grace period, whatever the cache holds.
      return found !== null && Date.now() < found.untilMs ? found.site : undefined;
    },
    updateSite(name, change) {
      return update((file) => {
        const i = siteIndex(file, name);
        file.sites[i] = { ...file.sites[i]!, ...change(file.sites[i]!) };
        return file.sites[i]!;
      });
    },
    rotateKeys(name, { publicKey, writeKey, graceMs, nowMs = Date.now() }) {
      const newWriteKey = writeKey ? `sk_${secret()}` : undefined;
      const site = update((file) => {
        const i = siteIndex(file, name);
        const old = file.sites[i]!;
        const retired: RetiredKey = {
          ...(publicKey ? { publicKey: old.publicKey } : {}),
          ...(writeKey ? { writeKeyHash: old.writeKeyHash } : {}),
          untilMs: nowMs + graceMs,
        };
        file.sites[i] = {
          ...old,
          ...(publicKey ? { publicKey: `pk_${secret(18)}` } : {}),
          ...(newWriteKey === undefined ? {} : { writeKeyHash: sha256(newWriteKey) }),
          // Keys whose grace is over are dropped as new ones retire.
          retiredKeys: [
            ...(old.retiredKeys ?? []).filter((r) => r.untilMs > nowMs),
            ...(graceMs > 0 ? [retired] : []),
          ],
        };
        return file.sites[i]!;
      });
      return { site, writeKey: newWriteKey };
    },
    revokeKey(name, key) {
      const hash = sha256(key);
      let replacedBy: string | undefined;
      const site = update((file) => {
        const i = siteIndex(file, name);
        const old = file.sites[i]!;
        const retired = old.retiredKeys ?? [];
        // Only the key named: a public key retired with a write key keeps its grace.
        let found = false;
        const kept = retired.flatMap((r): RetiredKey[] => {
          const { publicKey, writeKeyHash, untilMs } = r;
          const dropPublic = publicKey === key;
          const dropWrite = writeKeyHash !== undefined && sameHash(writeKeyHash, hash);
          if (!dropPublic && !dropWrite) return [r];
          found = true;
          const left = {
            ...(dropPublic || publicKey === undefined ? {} : { publicKey }),
            ...(dropWrite || writeKeyHash === undefined ? {} : { writeKeyHash }),
          };
          return Object.keys(left).length === 0 ? [] : [{ ...left, untilMs }];
        });
        let next: Site = { ...old, retiredKeys: kept };
        if (old.publicKey === key) {
          replacedBy = `pk_${secret(18)}`;
          next = { ...next, publicKey: replacedBy };
        } else if (sameHash(old.writeKeyHash, hash)) {
          replacedBy = `sk_${secret()}`;
          next = { ...next, writeKeyHash: sha256(replacedBy) };
        } else if (!found) {
          throw new StintError(
            'STINT_NO_TOKEN',
            `Site "${name}" has no key ${key.slice(0, 6)}…`,
            'Give the full pk_… or sk_… key; stint sites list shows the public keys',
          );
        }
        file.sites[i] = next;
        return next;
      });
      return { site, replacedBy };
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

/** Where site `name` is in the file; a clear error when it is not. */
function siteIndex(file: RegistryFile, name: string): number {
  const i = file.sites.findIndex((s) => s.name === name);
  if (i < 0)
    throw new StintError(
      'STINT_NO_SITE',
      `No site named "${name}"`,
      'List the sites with stint sites list (with --data DIR if the server uses another directory)',
    );
  return i;
}

/** Whether a principal may read a site's data. */
export function mayRead(who: Principal, site: string): boolean {
  return who.kind === 'admin' || who.site === site;
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

function parse(path: string): RegistryFile {
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as RegistryFile;
    if (
      file.version !== 1 ||
      !Array.isArray(file.sites) ||
      !Array.isArray(file.tokens) ||
      !Array.isArray(file.shares)
    )
      throw new Error('not a stint registry (version 1 with sites, tokens and shares)');
    return file;
  } catch (err) {
    throw new StintError(
      'STINT_REGISTRY_UNREADABLE',
      `Cannot read ${path}: ${(err as Error).message}`,
      'Restore the file from a backup, or move it away to start with no sites and tokens',
    );
  }
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

const secret = (bytes = 32): string => randomBytes(bytes).toString('base64url');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const sameHash = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const sameText = (a: string, b: string): boolean => sameHash(sha256(a), sha256(b));

/** Runs `work` holding `lockPath` (created exclusively); waits up to 5 s for another holder. */
function withLock<T>(lockPath: string, work: () => T): T {
  const deadline = Date.now() + 5000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() > deadline) {
        // A holder that died leaves the lock behind: older than the wait, it is stale.
        if (existsSync(lockPath) && Date.now() - statSync(lockPath).mtimeMs > 5000) unlinkSync(lockPath);
        else
          throw new StintError(
            'STINT_REGISTRY_LOCKED',
            `${lockPath} is held by another stint`,
            'Wait for the other stint command to finish, or remove the lock file if none runs',
          );
      } else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    return work();
  } finally {
    closeSync(fd);
    unlinkSync(lockPath);
  }
}

/** Why an issued token or share link opens nothing now: revoked, or (a share link) expired. */
function lapsed(c: ApiToken | ShareLink, nowMs: number): 'revoked' | 'expired' | undefined {
  if (c.revokedAtMs !== undefined) return 'revoked';
  return 'expiresAtMs' in c && c.expiresAtMs !== undefined && nowMs >= c.expiresAtMs ? 'expired' : undefined;
}
