/**
 * Visitor ids without cookies: `hash(secret daily salt, site, ip, user agent)`. Each UTC day has
 * its own random salt, kept only in `DATA/salts.json` (mode 0600) and dropped after the next
 * day, so an id cannot be traced back to an address once its salt is gone, and no salt can be
 * derived from the date. A visitor active before midnight keeps the previous day's id: that one
 * is tried first, so a visit does not split when the salt rotates. Salts older than yesterday
 * (by the server's clock) are deleted when the salts are opened and every hour after, whether
 * or not anyone visits.
 *
 *   const salts = openSalts('stint-data', now);
 *   salts.visitorId('shop', '203.0.113.9', 'Mozilla/5.0 …', Date.now(), (id) => writer.isActive(id));
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Salts kept where several collectors see them (shared-salts.ts): each day's salt is the one
 * offered first. `load` gives the salts of those days that have one.
 */
export interface SharedSalts {
  load(days: readonly string[]): Promise<Record<string, string>>;
  offer(day: string, salt: string, atMs: number): Promise<void>;
  forgetBefore(day: string): Promise<void>;
  close(): Promise<void>;
}

/** How often shared salts are read again. */
const SHARED_REFRESH_MS = 60_000;

export interface Salts {
  visitorId(
    site: string,
    ip: string,
    userAgent: string,
    nowMs: number,
    isActive: (id: string) => boolean,
  ): string;
  /** Stops the hourly deletion of old salts. */
  close(): void;
  /** Resolves once shared salts were read the first time (or could not be): at once for a file's. */
  ready(): Promise<void>;
}

const DAY_MS = 86_400_000;
const SWEEP_MS = 3_600_000;

export function openSalts(dir: string, now: () => number = Date.now, shared?: SharedSalts): Salts {
  if (shared !== undefined) return sharedSalts(shared, now);
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
      save();
    }
    return salt;
  };
  const save = (): void => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ days })}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  };
  /** Deletes the salts of days before yesterday. */
  const sweep = (): void => {
    const yesterday = dayOf(now() - DAY_MS);
    const kept = Object.entries(days).filter(([d]) => d >= yesterday);
    if (kept.length === Object.keys(days).length) return;
    days = Object.fromEntries(kept);
    save();
  };
  const sweepNow = (): void => {
    try {
      sweep();
    } catch {
      // A file that cannot be written now (a full disk) is written again at the next sweep or
      // salt; the old salts are out of memory already.
    }
  };
  sweepNow();
  const sweeper = setInterval(sweepNow, SWEEP_MS);
  sweeper.unref();
  return {
    visitorId: (site, ip, userAgent, nowMs, isActive) => idOf(saltOf, site, ip, userAgent, nowMs, isActive),
    close: () => clearInterval(sweeper),
    ready: () => Promise.resolve(),
  };
}

const hash = (salt: string, site: string, ip: string, ua: string): string =>
  createHash('sha256').update(`${salt}\u0000${site}\u0000${ip}\u0000${ua}`).digest('base64url').slice(0, 22);

/** The visitor's id: by yesterday's salt while that id is active (a visit over midnight), else today's. */
function idOf(
  saltOf: (day: string, create: boolean) => string | undefined,
  site: string,
  ip: string,
  userAgent: string,
  nowMs: number,
  isActive: (id: string) => boolean,
): string {
  const yesterday = saltOf(dayOf(nowMs - DAY_MS), false);
  if (yesterday !== undefined) {
    const id = hash(yesterday, site, ip, userAgent);
    if (isActive(id)) return id;
  }
  return hash(saltOf(dayOf(nowMs), true)!, site, ip, userAgent);
}

/**
 * Salts shared by collectors: read every minute (yesterday, today and tomorrow), tomorrow's
 * offered a day ahead. A day with no shared salt yet (the store could not be reached) gets one
 * made here and offered; the next reading settles on the first one offered.
 */
function sharedSalts(shared: SharedSalts, now: () => number): Salts {
  let days: Record<string, string> = {};
  const offer = (day: string, salt: string): void => {
    shared.offer(day, salt, now()).catch(() => {});
  };
  const refresh = async (): Promise<void> => {
    const t = now();
    const wanted = [dayOf(t - DAY_MS), dayOf(t), dayOf(t + DAY_MS)];
    let found = await shared.load(wanted);
    // Today's and tomorrow's are offered when missing: the first offer of each day wins.
    const missing = wanted.slice(1).filter((d) => found[d] === undefined);
    if (missing.length > 0) {
      for (const day of missing) await shared.offer(day, days[day] ?? randomBytes(32).toString('base64'), t);
      found = await shared.load(wanted);
    }
    days = found;
  };
  const refreshNow = (): Promise<void> => refresh().catch(() => {});
  const first = refreshNow();
  const refresher = setInterval(refreshNow, SHARED_REFRESH_MS);
  refresher.unref();
  const sweeper = setInterval(() => {
    shared.forgetBefore(dayOf(now() - DAY_MS)).catch(() => {});
  }, SWEEP_MS);
  sweeper.unref();
  const saltOf = (day: string, create: boolean): string | undefined => {
    let salt = days[day];
    if (salt === undefined && create) {
      salt = randomBytes(32).toString('base64');
      days = { ...days, [day]: salt };
      offer(day, salt);
      void refreshNow();
    }
    return salt;
  };
  return {
    visitorId: (site, ip, userAgent, nowMs, isActive) => idOf(saltOf, site, ip, userAgent, nowMs, isActive),
    ready: () => first,
    close: () => {
      clearInterval(refresher);
      clearInterval(sweeper);
      void shared.close();
    },
  };
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
