/**
 * The page tracker as `stint serve` sends it: tracker/stint.js minified by esbuild, with its gzip
 * and ETag. Built when the server starts if dist/tracker/stint.js is missing or older than its
 * sources (then said in one log line), and kept in memory; the size test builds it the same way.
 *
 *   const tracker = await loadTracker(app.log); // { code, gzip, etag, gzipEtag }
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const TRACKER_SOURCE = fileURLToPath(new URL('../../tracker/stint.js', import.meta.url));
/** Where the built tracker is kept between starts (git-ignored). */
export const TRACKER_BUILT = fileURLToPath(new URL('../../dist/tracker/stint.js', import.meta.url));
/** Browsers the minified code is written for: every one since 2020 (optional catch, spread, `??`). */
const TARGET = 'es2020';

export interface TrackerAsset {
  /** The minified script. */
  readonly code: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
  readonly gzipEtag: string;
}

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The minified tracker, built now from its source. */
export async function buildTracker(source = readFileSync(TRACKER_SOURCE, 'utf8')): Promise<string> {
  const { transform } = await import('esbuild');
  const { code } = await transform(source, { loader: 'js', minify: true, target: TARGET, charset: 'utf8' });
  return code;
}

/** The tracker the server sends: the built file when it is fresh, else built now (and kept when it can be). */
export async function loadTracker(log?: Log): Promise<TrackerAsset> {
  const sourcesMs = Math.max(mtimeMs(TRACKER_SOURCE), mtimeMs(fileURLToPath(import.meta.url)));
  if (mtimeMs(TRACKER_BUILT) >= sourcesMs) return assetOf(readFileSync(TRACKER_BUILT));
  const code = Buffer.from(await buildTracker());
  const asset = assetOf(code);
  const path = relative(process.cwd(), TRACKER_BUILT) || TRACKER_BUILT;
  try {
    // Through a file of its own, so that two servers starting at once never read half a file.
    mkdirSync(dirname(TRACKER_BUILT), { recursive: true });
    const tmp = `${TRACKER_BUILT}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, TRACKER_BUILT);
    log?.info({ path, bytes: code.length, gzip_bytes: asset.gzip.length }, `built the tracker into ${path}`);
  } catch (err) {
    // An installed package may be read-only: the build in memory serves as well.
    log?.warn(
      { path, err: (err as Error).message },
      'built the tracker in memory (its folder is not writable)',
    );
  }
  return asset;
}

function assetOf(code: Buffer): TrackerAsset {
  const hash = createHash('sha256').update(code).digest('base64url').slice(0, 22);
  return { code, gzip: gzipSync(code, { level: 9 }), etag: `"${hash}"`, gzipEtag: `"${hash}-gz"` };
}

/** A file's modification time, 0 when it is missing. */
function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
