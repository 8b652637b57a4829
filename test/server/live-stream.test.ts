/**
 * A live stream (GET /api/v1/live) ends once its credential is revoked, and close() finishes
 * when a /live request was still opening its site.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

/** Resolves with 'timeout' when `p` takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('live stream', () => {
  it('ends a live stream within a few seconds of its token being revoked', async () => {
    const t = await startTestServer();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    try {
      const res = await fetch(`${url}/api/v1/live?site=shop&access_token=${t.sites.shop.reader}`, {
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      // Another process (stint tokens revoke) revokes the token; the docs promise it stops
      // working within a second.
      t.server.registry.revokeToken(t.sites.shop.reader.slice(0, 11));
      const ended = (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })();
      expect(await within(ended, 4000)).toBe('ended');
    } finally {
      abort.abort();
    }
  });

  it('finishes close() when a /live request was still opening its site as the server began closing', async () => {
    const t = await startTestServer();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Close begins while a /live request is between its credential check and the opening of
    // the site's store (the first request to "blog" opens it).
    let closing: Promise<void> | undefined;
    const site = t.server.registry.site;
    t.server.registry.site = (name) => {
      if (name === 'blog' && closing === undefined) closing = t.server.close();
      return site(name);
    };
    const abort = new AbortController();
    let outcome: 'timeout' | undefined;
    try {
      const res = await within(
        fetch(`${url}/api/v1/live?site=blog&access_token=${t.admin}`, { signal: abort.signal }),
        4000,
      );
      expect(closing).toBeDefined();
      if (res !== 'timeout') expect([200, 503]).toContain(res.status);
      outcome = (await within(closing!, 4000)) as 'timeout' | undefined;
    } finally {
      abort.abort();
      await closing;
    }
    expect(outcome, 'close() still waits for the live stream').toBeUndefined();
  });
});
