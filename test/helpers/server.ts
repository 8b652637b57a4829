/**
 * `stint serve` in the test's own process: a fresh data directory with two sites ("shop" and
 * "blog"), an admin token, a read-only token per site and a share link for "shop". Requests go
 * through Fastify's `inject` (no port). Call `closeServers()` in afterEach.
 *
 *   const t = await startTestServer();
 *   const res = await t.post({ url: '/pricing' });            // shop's write key
 *   await t.settle();                                          // everything sessionized
 *   await t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.admin) });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createServer, type StintServer } from '../../src/server/app.ts';
import { resolveConfig, type ServerConfig } from '../../src/server/config.ts';

/** A desktop browser's User-Agent, for requests that must look like a visitor's. */
export const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

export interface TestServer {
  readonly server: StintServer;
  readonly app: FastifyInstance;
  readonly dir: string;
  readonly config: ServerConfig;
  /** Per site: public key, write key, a read-only token. */
  readonly sites: Record<'shop' | 'blog', { publicKey: string; writeKey: string; reader: string }>;
  readonly admin: string;
  /** A share link (read-only) of "shop". */
  readonly share: string;
  auth(token: string): { authorization: string };
  /** POSTs a JSON body to /api/v1/events with shop's write key (or the headers given). */
  post(body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Waits until every accepted event is sessionized into its site's store. */
  settle(): Promise<void>;
}

const running: TestServer[] = [];
const dirs: string[] = [];

export async function startTestServer(
  settings: Record<string, string> = {},
  dir: string = mkdtempSync(join(tmpdir(), 'stint-serve-')),
  options: { now?: () => number } = {},
): Promise<TestServer> {
  if (!dirs.includes(dir)) dirs.push(dir);
  const config = resolveConfig(
    { data: dir },
    { STINT_LOG_LEVEL: 'silent', STINT_SESSIONIZE_DELAY: '10ms', ...settings },
  );
  const server = await createServer(config, { logger: false, ...options });
  const { registry, app } = server;
  const site = (name: 'shop' | 'blog', origin: string) => {
    const existing = registry.site(name);
    if (existing !== undefined) throw new Error('startTestServer wants a fresh directory');
    const { site: s, writeKey } = registry.addSite(name, [origin]);
    return {
      publicKey: s.publicKey,
      writeKey,
      reader: registry.createToken('read', name, `${name} reader`).secret,
    };
  };
  const sites = { shop: site('shop', 'https://shop.example'), blog: site('blog', 'https://blog.example') };
  const admin = registry.createToken('admin', undefined, 'test admin').secret;
  const share = registry.createShare('shop', undefined).secret;
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const t: TestServer = {
    server,
    app,
    dir,
    config,
    sites,
    admin,
    share,
    auth,
    post: (body, headers) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { 'content-type': 'application/json', ...(headers ?? auth(sites.shop.writeKey)) },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    settle: () => server.settle(),
  };
  running.push(t);
  return t;
}

export async function closeServers(): Promise<void> {
  for (const t of running.splice(0)) await t.server.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
