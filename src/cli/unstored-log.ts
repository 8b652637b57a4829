/**
 * Whether a site's write-ahead log (`DATA/sites/NAME.log/`) holds events its store does not
 * have yet: a server that stopped before storing them stores them at its next start. A command
 * that erases from the store must not run then, or the erased events would come back. Reads
 * only: one byte at the stored position of each segment from it on (the log's data ends at a
 * segment's first zero byte).
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { parsePosition } from '../server/event-log.ts';

export function logHoldsUnstored(logDir: string, storedPosition: string | undefined): boolean {
  if (!existsSync(logDir)) return false;
  const stored = parsePosition(storedPosition);
  const segments = readdirSync(logDir)
    .filter((f) => /^\d{12}\.ndjson$/.test(f))
    .sort();
  for (const name of segments) {
    const n = Number(name.slice(0, 12));
    if (stored !== undefined && n < stored.segment) continue;
    const offset = stored !== undefined && n === stored.segment ? stored.offset : 0;
    const fd = openSync(join(logDir, name), 'r');
    try {
      const byte = Buffer.alloc(1);
      if (readSync(fd, byte, 0, 1, offset) === 1 && byte[0] !== 0) return true;
    } finally {
      closeSync(fd);
    }
  }
  return false;
}
