/**
 * A real `stint serve` (child process, on 127.0.0.1) for the SDK's tests, with one site per test
 * made before it starts, so that each test counts only its own events; and a reader of what the
 * server made of them (`GET /api/v1/sessions`).
 *
 *   const s = await startStint(['arrive', 'batch']);
 *   createClient({ url: s.base, writeKey: s.writeKey('arrive') });
 *   await s.storedEvents('arrive', 3); // the sessions of the site, once they hold 3 events
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionsResponse } from '../../src/api/types.ts';
import { openRegistry } from '../../src/server/registry.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';

export interface StintServer {
  readonly base: string;
  readonly admin: string;
  writeKey(site: string): string;
  /** The site's sessions, newest first. */
  sessions(site: string): Promise<SessionsResponse['sessions']>;
  /**
   * The site's sessions once they hold at least `events` events in all (sessionizing runs a
   * moment after the events are stored); throws with what it saw if they never do.
   */
  storedEvents(site: string, events: number): Promise<SessionsResponse['sessions']>;
  stop(): Promise<void>;
}

export async function startStint(
  sites: readonly string[],
  env: Record<string, string> = {},
): Promise<StintServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-sdk-'));
  const registry = openRegistry(dir);
  const keys = new Map(sites.map((name) => [name, registry.addSite(name, []).writeKey]));
  const admin = registry.createToken('admin', undefined, 'sdk test').secret;
  let serve: ServeProcess;
  try {
    serve = await startServe(dir, { STINT_SESSIONIZE_DELAY: '20ms', ...env });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const sessions = async (site: string) => {
    const res = await fetch(`${serve.base}/api/v1/sessions?site=${site}&limit=1000`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    if (!res.ok) throw new Error(`GET /api/v1/sessions: ${res.status} ${await res.text()}`);
    return ((await res.json()) as SessionsResponse).sessions;
  };
  return {
    base: serve.base,
    admin,
    writeKey(site) {
      const key = keys.get(site);
      if (key === undefined) throw new Error(`no site ${site} in this server`);
      return key;
    },
    sessions,
    async storedEvents(site, events) {
      // A bound on waiting, not a timed assertion: it only turns a hang into a message.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const rows = await sessions(site);
        const seen = rows.reduce((n, s) => n + Number(s.events), 0);
        if (seen >= events) return rows;
        if (Date.now() > deadline)
          throw new Error(`site ${site}: ${seen} events in sessions, waited for ${events}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await serve.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
