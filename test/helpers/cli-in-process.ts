/**
 * Runs `stint` in the test's own process (src/cli/main.ts), its stdout and stderr captured: no
 * child process, so a test can run the CLI many times. The environment given is set for the run.
 *
 *   const r = await stintHere(['pages', '--db', db, '--json'], { STINT_TOKEN: 'st_…' });
 */
import { main } from '../../src/cli/main.ts';
import type { CliResult } from './cli.ts';

let running = false;

export async function stintHere(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  if (running) throw new Error('stintHere runs one CLI at a time (it captures the process output)');
  running = true;
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  process.stdout.write = capture((t) => {
    stdout += t;
  }) as typeof process.stdout.write;
  process.stderr.write = capture((t) => {
    stderr += t;
  }) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    running = false;
  }
}
