/**
 * A webhook receiver for tests: node http on 127.0.0.1 that checks each delivery's signature
 * (as docs/insights/webhooks.md tells a receiver to), keeps the deliveries it verified,
 * deduplicated by their id, and answers as its `mode` says: 200, a status, or never (hang).
 *
 *   const r = await startReceiver('whsec_…');
 *   r.mode = { status: 503 };           // refuse for a while
 *   await until(() => r.unique.size === 3);
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/server/webhooks/sign.ts';

export type ReceiverMode = { status: number } | 'hang';

export interface Received {
  readonly id: string;
  readonly event: string;
  readonly body: string;
  readonly verified: boolean;
  readonly why?: string;
}

export interface Receiver {
  readonly url: string;
  readonly port: number;
  /** What it answers now. */
  mode: ReceiverMode;
  /** The secret it checks signatures with. */
  secret: string;
  /** Every request, verified or not, in order (duplicates included). */
  readonly all: Received[];
  /** The verified deliveries, by delivery id (a duplicate is counted, not stored twice). */
  readonly unique: Map<string, Received>;
  readonly duplicates: () => number;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, port = 0): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  let dupes = 0;
  const r: Receiver = {
    url: '',
    port: 0,
    mode: { status: 200 },
    secret,
    all: [],
    unique: new Map(),
    duplicates: () => dupes,
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const check = verifySignature(
        req.headers['stint-signature'] as string | undefined,
        r.secret,
        body,
        Date.now(),
      );
      const id = String(req.headers['stint-delivery'] ?? '');
      const got: Received = {
        id,
        event: String(req.headers['stint-event'] ?? ''),
        body,
        verified: check.ok,
        ...(check.ok ? {} : { why: check.why }),
      };
      r.all.push(got);
      if (r.mode === 'hang') {
        hanging.add(res);
        return;
      }
      if (!check.ok) {
        res.writeHead(400).end(check.why);
        return;
      }
      if (r.mode.status >= 200 && r.mode.status < 300) {
        // Deduplicated by the delivery id: a second arrival of one is acknowledged, not kept again.
        if (r.unique.has(id)) dupes++;
        else r.unique.set(id, got);
      }
      res.writeHead(r.mode.status).end();
    });
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const bound = (server.address() as AddressInfo).port;
  return Object.assign(r, {
    url: `http://127.0.0.1:${bound}/hook`,
    port: bound,
    close: () =>
      new Promise<void>((ok) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  });
}

/** Waits until `cond` holds (checked every 50 ms), or fails after `ms` with `what`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  what = 'the condition',
  ms = 30_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
