/**
 * The dashboard's first load stays small: the JavaScript and CSS a first visit to the overview
 * fetches (the entry, its imports and style sheets, and ECharts, which the app fetches as soon as
 * it starts), gzipped, are at most 300 KB. Views loaded when first opened (web/src/views/*:
 * Live, …) are not counted. Both figures are printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../src/server/dashboard.ts';

const BUDGET_BYTES = 300 * 1024;

interface Chunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly isDynamicEntry?: boolean;
  readonly css?: readonly string[];
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('the dashboard bundle', () => {
  it('loads at most 300 KB of gzipped JS and CSS for the overview', async () => {
    const { dir } = await buildDashboard();
    const manifest = JSON.parse(readFileSync(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      Chunk
    >;
    const chunks = Object.values(manifest);
    expect(chunks.some((c) => c.isEntry === true)).toBe(true);
    const lazyView = (c: Chunk) => c.isDynamicEntry === true && (c.src ?? '').startsWith('src/views/');
    const files = (list: readonly Chunk[]) => [...new Set(list.flatMap((c) => [c.file, ...(c.css ?? [])]))];
    const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
    const sum = (list: readonly string[]) => list.reduce((total, f) => total + gz(f), 0);
    const first = files(chunks.filter((c) => !lazyView(c)));
    const later = files(chunks.filter(lazyView)).filter((f) => !first.includes(f));
    const firstBytes = sum(first);
    process.stdout.write(
      `dashboard bundle: ${kb(firstBytes)} gzipped for the overview's first load (${first
        .map((f) => `${f} ${kb(gz(f))}`)
        .join(', ')}); views loaded on first open ${kb(sum(later))}; budget ${kb(BUDGET_BYTES)}\n`,
    );
    expect(first.some((f) => f.endsWith('.css'))).toBe(true);
    expect(firstBytes).toBeLessThanOrEqual(BUDGET_BYTES);
  }, 120_000);
});
