/**
 * A file's content fingerprint: SHA-256 of its bytes (hex), so the same content under another
 * name or path is recognised, and a changed file is not. Fingerprints of the file's first
 * `prefixes` bytes come from the same pass, to recognise a file that has grown since it was
 * imported (a log that was appended to).
 *
 *   await fingerprintFile('access.log', [1200]) // { full: 'sha256:9f86d0…', prefixes: Map { 1200 => 'sha256:…' } }
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function fingerprintFile(
  path: string,
  prefixes: readonly number[] = [],
): Promise<{ full: string; prefixes: Map<number, string> }> {
  const hash = createHash('sha256');
  const cuts = [...new Set(prefixes)].filter((n) => n > 0).sort((a, b) => a - b);
  const found = new Map<number, string>();
  let at = 0;
  for await (const data of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let chunk = data as Buffer;
    while (cuts.length > 0 && at + chunk.length >= cuts[0]!) {
      const take = cuts[0]! - at;
      hash.update(chunk.subarray(0, take));
      at += take;
      chunk = chunk.subarray(take);
      found.set(cuts.shift()!, `sha256:${hash.copy().digest('hex')}`);
    }
    hash.update(chunk);
    at += chunk.length;
  }
  return { full: `sha256:${hash.digest('hex')}`, prefixes: found };
}
