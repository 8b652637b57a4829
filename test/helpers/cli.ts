/**
 * Runs the real `stint` binary (bin/stint.js) as a user would, in a child process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DATA = resolve(ROOT, '../shared/data');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function stint(args: readonly string[], options: { cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/stint.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like `stint`, but asynchronous, so independent runs overlap (and a server in this process goes on). */
export function stintAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/stint.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'stint-test-'));
}
