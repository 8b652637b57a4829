/**
 * The error catalogue (src/core/errors.ts): one entry per code, a wire code never with two
 * statuses, exit codes for the CLI, templates that fill, and docs/operations.md listing it all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERRORS,
  type ErrorCode,
  entryOfWire,
  errorMessage,
  StintError,
} from '../../src/core/errors.ts';
import { ROOT } from '../helpers/cli.ts';

const CODES = Object.keys(ERRORS) as ErrorCode[];

describe('the error catalogue', () => {
  it('never gives a wire code two statuses', () => {
    const statuses = new Map<string, Set<number>>();
    for (const code of CODES) {
      const { wire, status } = ERRORS[code];
      statuses.set(wire, (statuses.get(wire) ?? new Set()).add(status));
    }
    const twice = [...statuses].filter(([, s]) => s.size > 1).map(([wire, s]) => `${wire}: ${[...s]}`);
    expect(twice).toEqual([]);
  });

  it('has stable STINT_ codes, an HTTP error status and a CLI exit code or none', () => {
    for (const code of CODES) {
      const e = ERRORS[code];
      expect(code).toMatch(/^STINT_[A-Z0-9_]+$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect([1, 2, null], code).toContain(e.exit);
      expect(e.message.length, code).toBeGreaterThan(0);
      // The API answers a CLI error with its STINT code; a server-only error with a lower-case one.
      if (e.exit === null) expect(e.wire, code).toMatch(/^[a-z][a-z0-9_]*$/);
      else if (e.status < 500 && code !== 'STINT_NO_SITE') expect(e.wire, code).toBe(code);
    }
  });

  it('finds the entry of every wire code, the STINT_ one of its name first', () => {
    for (const code of CODES) expect(entryOfWire(ERRORS[code].wire)?.status).toBe(ERRORS[code].status);
    expect(entryOfWire('unavailable')?.code).toBe('STINT_UNAVAILABLE');
    expect(entryOfWire('query_timeout')?.code).toBe('STINT_QUERY_TIMEOUT');
    expect(entryOfWire('no_site')?.code).toBe('STINT_SITE_REQUIRED');
    expect(entryOfWire('unknown_site')?.code).toBe('STINT_NO_SITE');
    expect(entryOfWire('no_such_code')).toBeUndefined();
  });

  it('has every code a StintError is raised with in src, with one status (the type checker checks it too)', () => {
    const raised = new Set<string>();
    const walk = (dir: string) => {
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, d.name);
        if (d.isDirectory()) walk(path);
        else if (d.name.endsWith('.ts'))
          for (const m of readFileSync(path, 'utf8').matchAll(/StintError\(\s*'(STINT_[A-Z0-9_]+)'/g))
            raised.add(m[1]!);
      }
    };
    walk(join(ROOT, 'src'));
    expect(raised.size).toBeGreaterThan(15);
    expect([...raised].filter((code) => !(code in ERRORS))).toEqual([]);
    expect([...raised].filter((code) => ERRORS[code as ErrorCode].exit === null)).toEqual([]);
  });

  it('keeps the exit codes the CLI had: 1 usage, 2 input', () => {
    expect(new StintError('STINT_BAD_FLAG', 'x').exitCode).toBe(1);
    expect(new StintError('STINT_UNREADABLE', 'x').exitCode).toBe(2);
    expect(new StintError('STINT_NO_SITE', 'x').exitCode).toBe(1);
    expect(new StintError('STINT_QUERY_TIMEOUT', 'x').exitCode).toBe(2);
    expect(ERROR_CODES.STINT_STORE_LOCKED.exit).toBe(2);
    expect(ERROR_CODES.STINT_BAD_CONFIG.exit).toBe(1);
  });

  it('fills a template from the values given, and leaves a name without one', () => {
    expect(errorMessage('STINT_NO_SITE', { site: 'shop' })).toBe('No site named "shop"');
    expect(errorMessage('STINT_NOT_FOUND', { method: 'GET' })).toBe('No route GET {path}');
    expect(errorMessage('STINT_BAD_BODY')).toBe(ERRORS.STINT_BAD_BODY.message);
  });

  it('is listed in docs/operations.md, each code with its wire code, status and exit code', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Error codes'));
    const rows = new Map<string, string[]>();
    for (const line of section.split('\n')) {
      const m = /^\| `(STINT_[A-Z0-9_]+)` \| `([a-zA-Z0-9_]+)` \| (\d{3}) \| ([12]|—) \|/.exec(line);
      if (m !== null) rows.set(m[1]!, [m[2]!, m[3]!, m[4]!]);
    }
    const expected = new Map(
      CODES.map((c) => [c, [ERRORS[c].wire, String(ERRORS[c].status), String(ERRORS[c].exit ?? '—')]]),
    );
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected));
  });
});
