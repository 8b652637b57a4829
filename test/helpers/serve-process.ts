/**
 * The real `stint serve` in a child process, for tests that kill it or fill its disk: started
 * on a port of its own choosing (`base` is its address), its log kept in `output()`.
 *
 *   const s = await startServe(dir, { STINT_SESSIONIZE_DELAY: '200ms' });
 *   await fetch(`${s.base}/healthz`);
 *   await s.stop('SIGKILL');
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.ts';

export interface ServeProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT` */
  readonly base: string;
  /** What it wrote to stdout and stderr so far (its JSON log lines). */
  output(): string;
  /** Sends the signal and waits until it has exited. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export async function startServe(
  dir: string,
  env: Record<string, string> = {},
  port = 0,
  /** More flags of `stint serve` (`--demo`). */
  args: readonly string[] = [],
): Promise<ServeProcess> {
  // bin/stint.js runs the CLI in this one process (no tsx wrapper process that SIGKILL would miss).
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/stint.js'), 'serve', '--data', dir, '--port', String(port), ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        STINT_LOG_LEVEL: 'info',
        STINT_RATE_LIMIT_IP: '0',
        STINT_RATE_LIMIT_KEY: '0',
        ...env,
      },
    },
  );
  let text = '';
  child.stdout?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
    if (m !== null)
      return {
        child,
        base: m[1]!,
        output: () => text,
        async stop(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      };
    if (child.exitCode !== null) throw new Error(`stint serve exited with ${child.exitCode}:\n${text}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`stint serve did not start within 60 s:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
