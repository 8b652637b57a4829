/**
 * The dashboard's build: `web/` bundled by Vite's JS API into `.stint-build/web` (git-ignored),
 * when the server starts and the build is missing or older than its sources. Several servers
 * starting at once (tests) build once: the first takes a lock, the others wait for its result.
 *
 *   const built = await buildDashboard({ log }); // { dir: '/…/.stint-build/web', built: true, ms: 4210 }
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The package's root (this file is src/server/dashboard.ts). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_SOURCES = join(ROOT, 'web');
export const DASHBOARD_BUILD = join(ROOT, '.stint-build', 'web');
/** Written last: the build is whole when it is there; it holds the newest source time built from. */
const STAMP = '.built';
/** A lock older than this is a crashed build's and is taken over. */
const STALE_LOCK_MS = 120_000;

export interface DashboardBuild {
  readonly dir: string;
  /** True when this call built it; false when it was fresh already (or built by another process). */
  readonly built: boolean;
  readonly ms: number;
}

interface Log {
  info(obj: object, msg: string): void;
}

/** The newest modification time among `dir`'s files (node_modules aside); 0 when there is none. */
function newestMtimeMs(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const ms = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    if (ms > newest) newest = ms;
  }
  return newest;
}

/**
 * Whether `out` holds a whole build of sources no older than they are now: its stamp records the
 * newest source time it was built from (the clock of the build does not matter).
 */
export function dashboardIsFresh(sources = DASHBOARD_SOURCES, out = DASHBOARD_BUILD): boolean {
  const stamp = join(out, STAMP);
  if (!existsSync(stamp)) return false;
  // Without sources (an install that ships only the build) what is there is what there is.
  if (!existsSync(sources)) return true;
  const builtFrom = Number(readFileSync(stamp, 'utf8').trim());
  return Number.isFinite(builtFrom) && newestMtimeMs(sources) <= builtFrom;
}

/** The build running in this process, per build directory: callers meanwhile wait for it. */
const building = new Map<string, Promise<DashboardBuild>>();

/** Builds the dashboard unless it is fresh; one build at a time per build directory. */
export function buildDashboard(
  options: { log?: Log; sources?: string; out?: string } = {},
): Promise<DashboardBuild> {
  // Absolute: Vite would read a relative outDir from its root (the sources).
  const out = resolve(options.out ?? DASHBOARD_BUILD);
  let run = building.get(out);
  if (run === undefined) {
    run = ensureBuilt(resolve(options.sources ?? DASHBOARD_SOURCES), out, options.log).finally(() =>
      building.delete(out),
    );
    building.set(out, run);
  }
  return run;
}

async function ensureBuilt(sources: string, out: string, log: Log | undefined): Promise<DashboardBuild> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  if (dashboardIsFresh(sources, out)) return { dir: out, built: false, ms: ms() };
  mkdirSync(dirname(out), { recursive: true });
  const lock = `${out}.lock`;
  while (!takeLock(lock)) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (dashboardIsFresh(sources, out)) return { dir: out, built: false, ms: ms() };
  }
  try {
    if (dashboardIsFresh(sources, out)) return { dir: out, built: false, ms: ms() };
    // Taken before building: a source saved during the build makes the next start build again.
    const builtFrom = newestMtimeMs(sources);
    const temp = `${out}.tmp-${process.pid}`;
    rmSync(temp, { recursive: true, force: true });
    // Vite is loaded only to build: a server whose dashboard is fresh never loads it.
    const { build } = await import('vite');
    await build({
      root: sources,
      configFile: join(sources, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir: temp, emptyOutDir: true },
    });
    gzipAssets(join(temp, 'assets'));
    writeFileSync(join(temp, STAMP), `${builtFrom}\n`);
    rmSync(out, { recursive: true, force: true });
    renameSync(temp, out);
    const result = { dir: out, built: true, ms: ms() };
    log?.info({ dir: out, ms: result.ms }, 'dashboard built (web/ was newer than its build)');
    return result;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Writes `NAME.gz` beside each script and style sheet, which the route sends to browsers that take gzip. */
function gzipAssets(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    writeFileSync(join(dir, `${name}.gz`), gzipSync(readFileSync(join(dir, name)), { level: 9 }));
  }
}

/** Takes the build lock (a directory: mkdir is atomic); a stale one is taken over. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
    } catch {
      // Gone meanwhile: the next try takes it.
    }
    return false;
  }
}
