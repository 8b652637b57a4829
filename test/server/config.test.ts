/** `stint serve` settings: where they come from, and what a bad one says. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { stintErrorOf } from '../helpers/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('serve settings', () => {
  it('takes a flag over the environment over the file over the default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-config-'));
    dirs.push(dir);
    const file = join(dir, 'stint.config.json');
    writeFileSync(file, JSON.stringify({ port: 7000, lateness: '2m', goals: ['purchase', 'signup'] }));
    expect(resolveConfig({ config: file }, {})).toMatchObject({
      port: 7000,
      latenessMs: 120_000,
      goals: ['purchase', 'signup'],
      host: '127.0.0.1',
    });
    expect(resolveConfig({ config: file }, { STINT_PORT: '7100' }).port).toBe(7100);
    expect(resolveConfig({ config: file, port: '7200' }, { STINT_PORT: '7100' }).port).toBe(7200);
    expect(resolveConfig({}, { STINT_TRUST_PROXY: 'true' }).trustProxy).toBe(1);
    expect(resolveConfig({}, { STINT_TRUST_PROXY: '10.0.0.1, 10.0.0.2' }).trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.2',
    ]);
    expect(resolveConfig({}, {}).maxPastMs).toBe(7 * 86_400_000);
  });

  it('refuses an unknown key, a bad value or a file that is no JSON object, naming the setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-config-'));
    dirs.push(dir);
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ prot: 8080 }));
    expect(stintErrorOf(() => resolveConfig({ config: file }, {})).message).toMatch(/Unknown setting "prot"/);
    writeFileSync(file, '[1]');
    expect(stintErrorOf(() => resolveConfig({ config: file }, {})).message).toMatch(/not a JSON object/);
    expect(stintErrorOf(() => resolveConfig({ port: '99999' }, {})).message).toMatch(/--port/);
    expect(stintErrorOf(() => resolveConfig({}, { STINT_STORE_MEMORY: 'lots' })).message).toMatch(
      /STINT_STORE_MEMORY/,
    );
    expect(stintErrorOf(() => resolveConfig({}, { STINT_TRUST_PROXY: 'x.example' })).code).toBe(
      'STINT_BAD_CONFIG',
    );
  });

  it('opens a store with the memory limit given (store_memory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-config-'));
    dirs.push(dir);
    const store = await openDuckDBStore(join(dir, 's.duckdb'), { memoryLimit: '256MB' });
    try {
      const [row] = await store.query({ sql: "SELECT current_setting('memory_limit') AS m", params: [] });
      expect(String(row!.m)).toMatch(/^24\d(\.\d+)? MiB$|^256(\.0)? MB$/);
    } finally {
      store.close();
    }
  });
});
