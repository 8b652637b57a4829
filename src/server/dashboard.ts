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
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The package's root (this file is src/server/dashboard.ts). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DASHBOARD_SOURCES = join(ROOT, 'web');
export const DASHBOARD_BUILD = join(ROOT, '.stint-build', 'web');
/** Written last: the build is whole when it is there; its mtime is the build's time. */
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

/** Whether `out` holds a whole build at least as new as every source. */
export function dashboardIsFresh(sources = DASHBOARD_SOURCES, out = DASHBOARD_BUILD): boolean {
  const stamp = join(out, STAMP);
  if (!existsSync(stamp)) return false;
  // Without sources (an install that ships only the build) what is there is what there is.
  return !existsSync(sources) || statSync(stamp).mtimeMs >= newestMtimeMs(sources);
}

let building: Promise<DashboardBuild> | undefined;

/** Builds the dashboard unless it is fresh; one build at a time per process and per build dir. */
export function buildDashboard(options: { log?: Log; sources?: string; out?: string } = {}) {
  const sources = options.sources ?? DASHBOARD_SOURCES;
  const out = options.out ?? DASHBOARD_BUILD;
  if (building === undefined || out !== DASHBOARD_BUILD) {
    const run = ensureBuilt(sources, out, options.log);
    if (out !== DASHBOARD_BUILD) return run;
    building = run.finally(() => {
      building = undefined;
    });
  }
  return building;
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
    writeFileSync(join(temp, STAMP), `${new Date().toISOString()}\n`);
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
