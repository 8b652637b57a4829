/**
 * A file written whole or not at all: the writer gets a temporary path in the same directory,
 * and `commit()` renames it over the target, so a run that fails leaves the old file as it was.
 * `-` (standard output) and a target that is no regular file (`/dev/null`, a FIFO, a terminal)
 * have no temporary file: they are written in place, and commit and abort do nothing. Renaming
 * over them would replace the device or pipe with a plain file (as root, /dev/null itself).
 *
 *   const file = startAtomicFile('sessions.csv');
 *   await writeTo(file.path);       // .sessions.csv.stint-1234-ab12cd.tmp
 *   await file.commit();            // or file.abort() on failure
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicFile {
  /** Where to write: the temporary file (or `-`). */
  readonly path: string;
  /** Renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is untouched. Never throws. */
  abort(): Promise<void>;
}

export function startAtomicFile(target: string): AtomicFile {
  if (target === '-' || isSpecialFile(target))
    return { path: target, commit: async () => {}, abort: async () => {} };
  const temp = join(
    dirname(target),
    `.${basename(target)}.stint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
  let settled = false;
  return {
    path: temp,
    async commit() {
      if (settled) return;
      settled = true;
      await rename(temp, target);
    },
    async abort() {
      if (settled) return;
      settled = true;
      await rm(temp, { force: true }).catch(() => {});
    },
  };
}

/** Whether `path` exists and is not a regular file or a directory: a device, a FIFO, a socket. */
function isSpecialFile(path: string): boolean {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats !== undefined && !stats.isFile() && !stats.isDirectory();
}

/** Runs `write` on a temporary file and renames it over `target` once it succeeded. */
export async function writeAtomically<T>(target: string, write: (path: string) => Promise<T>): Promise<T> {
  const file = startAtomicFile(target);
  try {
    const result = await write(file.path);
    await file.commit();
    return result;
  } catch (err) {
    await file.abort();
    throw err;
  }
}
