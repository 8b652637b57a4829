/**
 * The registry's file (`DATA/registry.json`, mode 0600): read when it changed (checked at most
 * every 500 ms), and each change written whole (write, then rename) under a lock file, so two
 * writers (a CLI command and a server) never lose each other's change. `openJsonFile` gives the
 * same to the server's other files (webhooks.json).
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { StintError } from '../../core/errors.ts';
import type { RegistryFile } from './types.ts';

export const REGISTRY_FILE = 'registry.json';

/** A JSON file of the server's: read as it is now, and changed whole under the lock. */
export interface JsonFileAccess<T> {
  /** The file as it is now (its last version read, if it has not changed). */
  read(): T;
  /** Read, change and replace the file under the lock; `change`'s result. */
  update<R>(change: (file: T) => R): R;
}

export type RegistryFileAccess = JsonFileAccess<RegistryFile>;

export function openRegistryFile(dir: string): RegistryFileAccess {
  return openJsonFile<RegistryFile>(dir, REGISTRY_FILE, {
    empty: () => ({ version: 1, sites: [], tokens: [], shares: [] }),
    valid: (f) =>
      f.version === 1 && Array.isArray(f.sites) && Array.isArray(f.tokens) && Array.isArray(f.shares),
    what: 'a stint registry (version 1 with sites, tokens and shares)',
    without: 'no sites and tokens',
    recheckMs: 500,
  });
}

/**
 * A JSON file in `dir` (mode 0600) with the registry's discipline: read when it changed (its
 * size, time and inode; looked at most every `recheckMs`), and each change written whole (write,
 * then rename) under the registry's lock file, so two writers never lose each other's change.
 */
export function openJsonFile<T>(
  dir: string,
  name: string,
  spec: {
    readonly empty: () => T;
    readonly valid: (file: T) => boolean;
    /** What the file is, for the error when it is not: "a stint registry (…)". */
    readonly what: string;
    /** What moving it away leaves: "no webhooks". */
    readonly without: string;
    readonly recheckMs?: number;
  },
): JsonFileAccess<T> {
  const path = join(dir, name);
  let cached: T | undefined;
  let cachedStamp = '';
  let checkedAtMs = 0;
  const stamp = (): string => {
    try {
      const st = statSync(path);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return '';
    }
  };
  const parse = (): T => {
    try {
      const file = JSON.parse(readFileSync(path, 'utf8')) as T;
      if (!spec.valid(file)) throw new Error(`not ${spec.what}`);
      return file;
    } catch (err) {
      throw new StintError(
        'STINT_REGISTRY_UNREADABLE',
        `Cannot read ${path}: ${(err as Error).message}`,
        `Restore the file from a backup, or move it away to start with ${spec.without}`,
      );
    }
  };
  const read = (): T => {
    const now = Date.now();
    if (cached !== undefined && now - checkedAtMs < (spec.recheckMs ?? 0)) return cached;
    checkedAtMs = now;
    const s = stamp();
    if (cached !== undefined && s === cachedStamp) return cached;
    cached = s === '' ? spec.empty() : parse();
    cachedStamp = s;
    return cached;
  };
  const update = <R>(change: (file: T) => R): R =>
    withLock(join(dir, '.registry.lock'), () => {
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
  return { read, update };
}

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
