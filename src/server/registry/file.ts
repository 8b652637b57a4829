/**
 * The registry's file (`DATA/registry.json`, mode 0600): read when it changed (checked at most
 * every 500 ms), and each change written whole (write, then rename) under a lock file, so two
 * writers (a CLI command and a server) never lose each other's change.
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

export interface RegistryFileAccess {
  /** The file as it is now (its last version read, if it has not changed). */
  read(): RegistryFile;
  /** Read, change and replace the file under the lock; `change`'s result. */
  update<T>(change: (file: RegistryFile) => T): T;
}

export function openRegistryFile(dir: string): RegistryFileAccess {
  const path = join(dir, REGISTRY_FILE);
  let cached: RegistryFile | undefined;
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
  return { read, update };
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

/** Runs `work` holding `lockPath` (created exclusively); waits up to 5 s for another holder. */
export function withLock<T>(lockPath: string, work: () => T): T {
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
