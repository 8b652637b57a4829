/**
 * The tracker's size budget (issue 19): the minified stint.js, gzipped, is at most 1.5 KB. The
 * build is the server's own (src/server/tracker.ts); the size is printed on every run.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildTracker } from '../../src/server/tracker.ts';

const BUDGET_BYTES = 1536;

describe('the tracker stint.js', () => {
  it(`is at most ${BUDGET_BYTES} bytes gzipped`, async () => {
    const code = await buildTracker();
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`stint.js: ${code.length} bytes minified, ${gzipped} bytes gzipped (budget ${BUDGET_BYTES})`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
