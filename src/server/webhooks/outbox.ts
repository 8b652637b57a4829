/**
 * The durable outbox and the delivery log, under `DATA/webhooks/`: a delivery is a file of
 * `outbox/` (written, synced and renamed into place) before its first attempt, rewritten after
 * each retry and removed when it is done or given up; every attempt is a line of
 * `deliveries.ndjson` (past 5 MB it becomes `deliveries.old.ndjson`: the last 5–10 MB are kept).
 *
 *   const box = openOutbox('stint-data');
 *   box.put({ hook, body, attempts: 0, nextAtMs: Date.now() });
 *   box.due(Date.now()); // the entries whose attempt is due
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { AttemptLine, DeliveryBody, DeliveryType, DeliveryView, OutboxEntry } from './types.ts';

const LOG_LIMIT_BYTES = 5 * 1024 * 1024;

export interface Outbox {
  /** Writes (or rewrites) an entry durably: after this returns, a crash does not lose it. */
  put(entry: OutboxEntry): void;
  /** Every entry now in the outbox (an unreadable file is skipped and reported to `bad`). */
  entries(bad?: (file: string, err: Error) => void): OutboxEntry[];
  /** The ids of the entries now in the outbox (their files' names), none read. */
  ids(): string[];
  /** One entry, or undefined when its file is gone or unreadable (reported to `bad`). */
  read(id: string, bad?: (file: string, err: Error) => void): OutboxEntry | undefined;
  remove(id: string): void;
  /** Appends a line to the delivery log. */
  log(line: AttemptLine): void;
  /** The deliveries, newest first: those in the outbox and those in the log (at most `limit`). */
  deliveries(options?: {
    hook?: string | undefined;
    site?: string | undefined;
    limit?: number;
  }): DeliveryView[];
}

export const newDeliveryId = (): string => `dlv_${randomBytes(12).toString('base64url')}`;

export function deliveryBody(type: DeliveryType, site: string, data: unknown, nowMs: number): DeliveryBody {
  return { id: newDeliveryId(), type, site, created_at: new Date(nowMs).toISOString(), data };
}

export function openOutbox(dataDir: string): Outbox {
  const root = join(dataDir, 'webhooks');
  const dir = join(root, 'outbox');
  const logPath = join(root, 'deliveries.ndjson');
  const oldPath = join(root, 'deliveries.old.ndjson');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fileOf = (id: string) => join(dir, `${id}.json`);
  const readLog = (): AttemptLine[] =>
    [oldPath, logPath].flatMap((p) =>
      existsSync(p)
        ? readFileSync(p, 'utf8')
            .split('\n')
            .flatMap((l) => {
              try {
                return l === '' ? [] : [JSON.parse(l) as AttemptLine];
              } catch {
                return []; // a line cut by a crash
              }
            })
        : [],
    );
  const ids = (): string[] =>
    readdirSync(dir)
      .filter((f) => f.startsWith('dlv_') && f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
  const read = (id: string, bad?: (file: string, err: Error) => void): OutboxEntry | undefined => {
    try {
      return JSON.parse(readFileSync(fileOf(id), 'utf8')) as OutboxEntry;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') bad?.(`${id}.json`, err as Error);
      return undefined;
    }
  };
  const entries = (bad?: (file: string, err: Error) => void): OutboxEntry[] =>
    ids().flatMap((id) => read(id, bad) ?? []);
  return {
    put(entry) {
      const tmp = join(dir, `.${entry.body.id}.${process.pid}.tmp`);
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify(entry));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, fileOf(entry.body.id));
      const dirFd = openSync(dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    },
    entries,
    ids,
    read,
    remove: (id) => rmSync(fileOf(id), { force: true }),
    log(line) {
      if (existsSync(logPath) && statSync(logPath).size > LOG_LIMIT_BYTES) renameSync(logPath, oldPath);
      appendFileSync(logPath, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    },
    deliveries({ hook, site, limit = 50 } = {}) {
      const byId = new Map<string, DeliveryView>();
      const want = (h: string, s: string) =>
        (hook === undefined || h === hook) && (site === undefined || s === site);
      for (const l of readLog()) {
        if (!want(l.hook, l.site)) continue;
        const before = byId.get(l.delivery);
        byId.delete(l.delivery); // re-inserted: the map's order is the last attempt's
        byId.set(l.delivery, {
          id: l.delivery,
          hook: l.hook,
          site: l.site,
          type: l.type,
          state: l.outcome === 'retry' ? 'pending' : l.outcome,
          attempts: [...(before?.attempts ?? []), l],
        });
      }
      for (const e of entries()) {
        if (!want(e.hook, e.body.site)) continue;
        const before = byId.get(e.body.id);
        byId.delete(e.body.id);
        byId.set(e.body.id, {
          id: e.body.id,
          hook: e.hook,
          site: e.body.site,
          type: e.body.type,
          state: 'pending',
          attempts: before?.attempts ?? [],
          nextAt: new Date(e.nextAtMs).toISOString(),
        });
      }
      return [...byId.values()].reverse().slice(0, limit);
    },
  };
}
