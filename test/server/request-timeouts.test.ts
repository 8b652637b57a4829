/**
 * Slow and idle connections cannot hold the server: a client that sends part of a body and
 * stops is closed after `request_timeout`, one that never finishes its headers after
 * `headers_timeout`, and connections past `max_connections` are closed at once, while /healthz
 * keeps answering. A real port on 127.0.0.1; no timed assertion, only a bounded overall wait.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMaxConnections } from '../../src/server/timeouts.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

/** The test's own sockets: closed before the server, which waits for them otherwise. */
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await closeServers();
});

/** A socket connected to the port, and a promise of its close. */
async function open(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  socket.on('error', () => {});
  socket.on('data', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('close', () => reject(new Error('closed before it connected')));
  });
  return { socket, closed };
}

/** Resolves with `p`, or fails when it has not within `ms` (a bound, not a measure). */
function within<T>(p: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
    }),
  ]);
}

describe('request timeouts and the connection cap', () => {
  it('closes connections that send part of a request, while /healthz keeps answering', async () => {
    const t = await startTestServer({
      STINT_HEADERS_TIMEOUT: '1s',
      STINT_REQUEST_TIMEOUT: '1s',
      STINT_KEEP_ALIVE_TIMEOUT: '1s',
      STINT_MAX_CONNECTIONS: '40',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };

    const slow: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      const { socket, closed } = await open(port);
      // Headers and the first bytes of a body it promised to be 10,000 bytes long…
      socket.write(
        `POST /api/v1/events HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nauthorization: Bearer ${t.sites.shop.writeKey}\r\ncontent-length: 10000\r\n\r\n{"url":`,
      );
      slow.push(closed);
    }
    for (let i = 0; i < 5; i++) {
      // …and headers that never end.
      const { socket, closed } = await open(port);
      socket.write('GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ');
      slow.push(closed);
    }

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    await within(Promise.all(slow), 'the slow connections were closed by the server');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('closes a connection past max_connections at once, and takes new ones once others close', async () => {
    const t = await startTestServer({ STINT_MAX_CONNECTIONS: '4', STINT_REQUEST_TIMEOUT: '1s' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const held = await Promise.all([1, 2, 3, 4].map(() => open(port)));
    const extra = await open(port).catch(() => undefined);
    // Node may close it before or after the client sees it connected: either way it is closed.
    if (extra !== undefined) await within(extra.closed, 'the connection past the cap was closed');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    // The server counts a closed connection out on its own schedule: retry a few times.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });

  it('defaults max_connections to half the open-file limit, at most 10,000', () => {
    const limits = (n: string) =>
      `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${n}                 ${n}                 files\n`;
    expect(defaultMaxConnections(limits('256'))).toBe(128);
    expect(defaultMaxConnections(limits('1048576'))).toBe(10_000);
    expect(defaultMaxConnections(limits('unlimited'))).toBe(10_000);
    expect(defaultMaxConnections(undefined)).toBe(10_000);
  });
});
