/**
 * Compressed files stint does not decompress (only gzip is read): named by their magic bytes,
 * with the command that unpacks them, instead of a run of "invalid UTF-8" rejects.
 *
 *   assertReadableCompression('access.log.bz2', head) // STINT_UNREADABLE: … bzip2 … bunzip2 -k access.log.bz2
 */
import { StintError } from '../core/errors.ts';

const KINDS: readonly { name: string; magic: readonly number[]; unpack: string }[] = [
  { name: 'bzip2', magic: [0x42, 0x5a, 0x68], unpack: 'bunzip2 -k' },
  { name: 'xz', magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], unpack: 'unxz -k' },
  { name: 'zstd', magic: [0x28, 0xb5, 0x2f, 0xfd], unpack: 'unzstd' },
  { name: 'zip', magic: [0x50, 0x4b, 0x03, 0x04], unpack: 'unzip' },
];

export function assertReadableCompression(path: string, firstBytes: Buffer): void {
  for (const kind of KINDS) {
    if (firstBytes.length < kind.magic.length) continue;
    if (!kind.magic.every((b, i) => firstBytes[i] === b)) continue;
    // "BZh" is also how a text line may start: bzip2 has a block size digit and a block magic after it.
    if (
      kind.name === 'bzip2' &&
      !(
        /[1-9]/.test(String.fromCharCode(firstBytes[3] ?? 0)) &&
        firstBytes[4] === 0x31 &&
        firstBytes[5] === 0x41
      )
    )
      continue;
    throw new StintError(
      'STINT_UNREADABLE',
      `${path} is ${kind.name}-compressed; stint reads plain files and gzip (.gz) only`,
      `Decompress it first (${kind.unpack} ${path}), or recompress it with gzip`,
    );
  }
}
