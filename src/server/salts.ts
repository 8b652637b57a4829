/**
 * Visitor ids without cookies: `hash(secret daily salt, site, ip, user agent)`. Each UTC day has
 * its own random salt, kept only in `DATA/salts.json` (mode 0600) and dropped after the next
 * day, so an id cannot be traced back to an address once its salt is gone, and no salt can be
 * derived from the date. A visitor active before midnight keeps the previous day's id: that one
 * is tried first, so a visit does not split when the salt rotates.
 *
 *   const salts = openSalts('stint-data');
 *   salts.visitorId('shop', '203.0.113.9', 'Mozilla/5.0 …', Date.now(), (id) => writer.isActive(id));
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Salts {
  visitorId(
    site: string,
    ip: string,
    userAgent: string,
    nowMs: number,
    isActive: (id: string) => boolean,
  ): string;
}

const DAY_MS = 86_400_000;

export function openSalts(dir: string): Salts {
  const path = join(dir, 'salts.json');
  let days: Record<string, string> = {};
  try {
    days = (JSON.parse(readFileSync(path, 'utf8')) as { days: Record<string, string> }).days ?? {};
  } catch {
    days = {};
  }
  const saltOf = (day: string, create: boolean): string | undefined => {
    let salt = days[day];
    if (salt === undefined && create) {
      salt = randomBytes(32).toString('base64');
      // Keep this day and the one before; older salts are forgotten for good.
      const previous = dayOf(Date.parse(`${day}T00:00:00Z`) - DAY_MS);
      days = Object.fromEntries(Object.entries(days).filter(([d]) => d === previous));
      days[day] = salt;
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ days })}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    }
    return salt;
  };
  const hash = (salt: string, site: string, ip: string, ua: string): string =>
    createHash('sha256')
      .update(`${salt}\u0000${site}\u0000${ip}\u0000${ua}`)
      .digest('base64url')
      .slice(0, 22);
  return {
    visitorId(site, ip, userAgent, nowMs, isActive) {
      const yesterday = saltOf(dayOf(nowMs - DAY_MS), false);
      if (yesterday !== undefined) {
        const id = hash(yesterday, site, ip, userAgent);
        if (isActive(id)) return id;
      }
      return hash(saltOf(dayOf(nowMs), true)!, site, ip, userAgent);
    },
  };
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
