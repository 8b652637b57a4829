/**
 * A file's content fingerprint: SHA-256 of its bytes (hex), so the same content under another
 * name or path is recognised, and a changed file is not.
 *
 *   await fingerprintFile('access.log') // 'sha256:9f86d0…'
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fingerprintFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
