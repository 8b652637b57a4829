/**
 * The server builds the dashboard when its build is missing or older than its sources, and
 * only then: a fresh build is reused as it is. Several callers at once share one build.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboard, DASHBOARD_SOURCES, dashboardIsFresh } from '../../src/server/dashboard.ts';

// Under the repository (git-ignored .tmp), so the copy resolves preact and echarts as web/ does.
mkdirSync('.tmp', { recursive: true });
const dir = mkdtempSync(join('.tmp', 'dashboard-build-'));
const sources = join(dir, 'web');
const out = join(dir, 'build');
cpSync(DASHBOARD_SOURCES, sources, { recursive: true });
// web/tsconfig.json extends the repository's.
cpSync('tsconfig.json', join(dir, 'tsconfig.json'));
// The dashboard shares a few pure modules with the CLI (the API's types, the wording of numbers).
symlinkSync(resolve('src'), join(dir, 'src'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('building the dashboard', () => {
  it('builds when missing, reuses a fresh build, and builds again when a source is newer', async () => {
    const lines: string[] = [];
    const log = { info: (_obj: object, msg: string) => lines.push(msg) };
    expect(dashboardIsFresh(sources, out)).toBe(false);
    // Two callers at once: one build.
    const [first, second] = await Promise.all([
      buildDashboard({ sources, out, log }),
      buildDashboard({ sources, out, log }),
    ]);
    expect(first.built).toBe(true);
    expect(second).toBe(first);
    expect(lines).toEqual(['dashboard built (web/ was newer than its build)']);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(dashboardIsFresh(sources, out)).toBe(true);

    expect((await buildDashboard({ sources, out, log })).built).toBe(false);
    expect(lines).toHaveLength(1);

    const later = new Date(Date.now() + 60_000);
    utimesSync(join(sources, 'src', 'styles.css'), later, later);
    expect(dashboardIsFresh(sources, out)).toBe(false);
    expect((await buildDashboard({ sources, out, log })).built).toBe(true);
    expect(lines).toHaveLength(2);
    // Built from that source time: fresh again, whatever the clock says.
    expect(dashboardIsFresh(sources, out)).toBe(true);
  }, 180_000);
});
