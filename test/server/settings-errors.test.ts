/**
 * `stint serve` refuses a bad log level, a host it cannot listen on and out-of-range sizes and
 * delays with the setting's name and what to give instead, never "a bug in stint".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/server/config.ts';
import { ROOT } from '../helpers/cli.ts';
import { stintErrorOf } from '../helpers/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stint-settings-'));
  dirs.push(dir);
  return dir;
}

/** `stint serve` in a child process with these settings; it must stop on its own with an error. */
function serve(env: Record<string, string>, port: number): { code: number | null; stderr: string } {
  const dir = tempDir();
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin/stint.js'), 'serve', '--data', join(dir, 'data'), '--port', String(port)],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 45_000,
      killSignal: 'SIGKILL',
      env: { ...process.env, NO_COLOR: '1', STINT_HOST: '127.0.0.1', STINT_LOG_LEVEL: 'silent', ...env },
    },
  );
  return { code: r.status, stderr: r.stderr };
}

const LEVELS = 'fatal, error, warn, info, debug, trace, silent';

describe('log_level', () => {
  it('is one of pino levels, read in any case', () => {
    expect(resolveConfig({}, { STINT_LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(resolveConfig({}, {}).logLevel).toBe('info');
  });

  it('refuses another word, naming the variable or the file key and listing the levels', () => {
    const env = stintErrorOf(() => resolveConfig({}, { STINT_LOG_LEVEL: 'verbose' }));
    expect(env.code).toBe('STINT_BAD_CONFIG');
    expect(env.message).toContain('STINT_LOG_LEVEL');
    expect(env.hint).toContain(LEVELS);
    const file = join(tempDir(), 'stint.config.json');
    writeFileSync(file, JSON.stringify({ log_level: 'loud' }));
    const fromFile = stintErrorOf(() => resolveConfig({ config: file }, {}));
    expect(fromFile.message).toContain('"log_level"');
    expect(fromFile.hint).toContain(LEVELS);
  });

  it('stops stint serve with that error, not the bug hint', () => {
    const r = serve({ STINT_LOG_LEVEL: 'verbose' }, 18510);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('STINT_LOG_LEVEL "verbose"');
    expect(r.stderr).toContain(LEVELS);
    expect(r.stderr).not.toContain('looks like a bug');
  });
});

describe('host', () => {
  it('that does not resolve stops stint serve naming --host and STINT_HOST', () => {
    const r = serve({ STINT_HOST: 'nohost.invalid' }, 18511);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Cannot listen on nohost.invalid:18511');
    expect(r.stderr).toMatch(/hint: .*--host .*STINT_HOST/);
    expect(r.stderr).not.toContain('looks like a bug');
  });

  it('that is no address of this machine gets a hint naming --host, not --port', () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    const r = serve({ STINT_HOST: '192.0.2.1' }, 18512);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('no such address here');
    expect(r.stderr).toMatch(/hint: .*--host .*STINT_HOST/);
    expect(r.stderr).not.toContain('--port');
  });
});

describe('whole numbers', () => {
  it('are decimal digits: a port or batch size in hex, exponent or empty is refused', () => {
    expect(resolveConfig({}, { STINT_PORT: ' 8081 ', STINT_BATCH_SIZE: '500' })).toMatchObject({
      port: 8081,
      batchSize: 500,
    });
    for (const [name, text] of [
      ['STINT_PORT', '0x50'],
      ['STINT_PORT', '80.0'],
      ['STINT_BATCH_SIZE', '1e3'],
      ['STINT_NDJSON_BATCH_SIZE', '-1'],
    ] as const) {
      const err = stintErrorOf(() => resolveConfig({}, { [name]: text }));
      expect(err.code, `${name}=${text}`).toBe('STINT_BAD_CONFIG');
      expect(err.message, `${name}=${text}`).toContain(name);
    }
  });
});

describe('sizes and delays', () => {
  it('refuses a body limit of 0 or past 1024mb, naming the setting', () => {
    for (const text of ['0', '0mb', '1025mb', '99999999999999999999mb']) {
      const err = stintErrorOf(() => resolveConfig({}, { STINT_BODY_LIMIT: text }));
      expect(err.message, text).toContain('STINT_BODY_LIMIT');
      expect(err.hint, text).toContain('1024mb');
    }
    expect(resolveConfig({}, { STINT_NDJSON_BODY_LIMIT: '1024mb' }).ndjsonBodyLimit).toBe(1024 ** 3);
  });

  it('keeps sessionize_delay inside what a timer can wait, and other durations inside 100 years', () => {
    expect(resolveConfig({}, { STINT_SESSIONIZE_DELAY: '1d' }).sessionizeDelayMs).toBe(86_400_000);
    const delay = stintErrorOf(() => resolveConfig({}, { STINT_SESSIONIZE_DELAY: '30d' }));
    expect(delay.message).toContain('STINT_SESSIONIZE_DELAY');
    expect(delay.message).toContain('at most 1d');
    const lateness = stintErrorOf(() => resolveConfig({ lateness: '99999999999999999999d' }, {}));
    expect(lateness.message).toContain('--lateness');
    expect(lateness.message).toContain('at most 36500d');
  });
});
