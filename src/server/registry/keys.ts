/**
 * A site's keys: the public key and write key that find it (a retired one within its grace
 * period), and their rotation and revocation. A busy sender repeats its write key on every
 * request, so each key's site is hashed once per version of the file.
 */
import { StintError } from '../../core/errors.ts';
import type { RegistryFileAccess } from './file.ts';
import { sameHash, secret, sha256 } from './secrets.ts';
import { siteIndex } from './sites.ts';
import type { Registry, RegistryFile, RetiredKey, Site } from './types.ts';

export function siteKeys({
  read,
  update,
}: RegistryFileAccess): Pick<Registry, 'siteByPublicKey' | 'siteByWriteKey' | 'rotateKeys' | 'revokeKey'> {
  let byWriteKey: {
    file: RegistryFile | undefined;
    sites: Map<string, { site: Site; untilMs: number } | null>;
  } = {
    file: undefined,
    sites: new Map(),
  };
  return {
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
  };
}
