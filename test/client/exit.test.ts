/**
 * Flush on exit, in a real Node process: an app that tracks events and returns, with a flush
 * interval of an hour, still exits by itself (the client's idle timer keeps nothing alive) and
 * its events reach the server first (sent on `beforeExit`). And an app that calls `close()` on
 * SIGTERM, as docs/sdk.md says, loses nothing either.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { type StintServer, startStint } from './stint-server.ts';

let stint: StintServer;
const dir = mkdtempSync(join(tmpdir(), 'stint-sdk-app-'));
beforeAll(async () => {
  stint = await startStint(['exit', 'sigterm']);
});
afterAll(async () => {
  await stint?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const CLIENT = pathToFileURL(resolve(ROOT, 'src/client/index.ts')).href;

/** Runs `body` as an ES module app (through tsx, as bin/stint.js does) with `client` made; resolves on exit. */
function runApp(
  name: string,
  site: string,
  body: string,
  onOutput?: (text: string, kill: (s: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { createClient } from ${JSON.stringify(CLIENT)};
const client = createClient({ url: ${JSON.stringify(stint.base)}, writeKey: ${JSON.stringify(stint.writeKey(site))}, flushIntervalMs: 3_600_000 });
${body}
`,
  );
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT });
    let output = '';
    const take = (b: Buffer) => {
      output += b.toString();
      onOutput?.(output, (s) => child.kill(s));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', fail);
    child.on('exit', (code, signal) => done({ code, signal, output }));
  });
}

describe('flush on exit', () => {
  it('sends what is queued on beforeExit, and the idle client does not keep the process alive', async () => {
    const app = await runApp(
      'exit',
      'exit',
      `for (let i = 0; i < 3; i++) client.track({ anonymous_id: 'v1', url: 'https://shop.example/' + i });
console.log('tracked', client.stats().pending);
process.on('exit', () => console.log('exit', JSON.stringify(client.stats())));`,
    );
    expect(app.code, app.output).toBe(0);
    expect(app.output).toMatch(/tracked 3/);
    expect(app.output).toMatch(/exit \{"tracked":3,"accepted":3,.*"pending":0\}/);
    const sessions = await stint.storedEvents('exit', 3);
    expect(sessions.reduce((n, s) => n + Number(s.events), 0)).toBe(3);
  });

  it('loses nothing when the app closes the client on SIGTERM', async () => {
    const app = await runApp(
      'sigterm',
      'sigterm',
      `process.on('SIGTERM', async () => {
  const stats = await client.close();
  console.log('closed', stats.accepted);
  process.exit(0);
});
for (let i = 0; i < 4; i++) client.track({ anonymous_id: 'v2', url: 'https://shop.example/' + i });
setInterval(() => {}, 1000); // an app that runs until it is stopped
console.log('ready');`,
      (text, kill) => {
        if (text.includes('ready') && !text.includes('closed')) kill('SIGTERM');
      },
    );
    expect(app.code, app.output).toBe(0);
    expect(app.output).toMatch(/closed 4/);
    await stint.storedEvents('sigterm', 4);
  });
});
