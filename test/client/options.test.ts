/**
 * createClient checks its options when it is made, and says what to give instead: one
 * credential (never a browser's public key), a site with an admin token, an http(s) url, and
 * whole numbers within bounds.
 */
import { describe, expect, it } from 'vitest';
import { type ClientOptions, createClient } from '../../src/client/index.ts';

const url = 'http://127.0.0.1:8080';

describe('createClient options', () => {
  it.each<[string, ClientOptions, RegExp]>([
    ['no credential', { url }, /give the site's write key/],
    [
      'two credentials',
      { url, writeKey: 'sk_a', token: 'st_b', site: 's' },
      /one credential, not writeKey and token/,
    ],
    ['a public key', { url, key: 'pk_abc' }, /public key, taken only from a browser/],
    ['an admin token without a site', { url, token: 'st_abc' }, /name it with `site`/],
    ['an admin token as key, without a site', { url, key: 'st_abc' }, /name it with `site`/],
    ['no url', { url: 'stint.example', writeKey: 'sk_a' }, /url must be the server's http\(s\) address/],
    ['an ftp url', { url: 'ftp://stint.example', writeKey: 'sk_a' }, /http\(s\)/],
    [
      'a batch over 1000',
      { url, writeKey: 'sk_a', batchSize: 1001 },
      /batchSize must be a whole number from 1 to 1000; got 1001/,
    ],
    ['a fraction', { url, writeKey: 'sk_a', flushIntervalMs: 0.5 }, /flushIntervalMs must be a whole number/],
    ['an empty queue', { url, writeKey: 'sk_a', maxQueue: 0 }, /maxQueue must be a whole number from 1/],
  ])('refuses %s', (_, options, message) => {
    expect(() => createClient(options)).toThrow(message);
  });

  it('sends to /api/v1/events under the url, with the credential as a bearer token and the site in the body', async () => {
    const seen: { url: string; auth: string | null; body: string }[] = [];
    const client = createClient({
      url: 'https://stint.example/analytics?x=1',
      token: 'st_admin',
      site: 'shop',
      fetch: async (input, init) => {
        seen.push({
          url: String(input),
          auth: new Headers(init?.headers).get('authorization'),
          body: String(init?.body),
        });
        return Response.json({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
      },
    });
    client.track({ event_id: 'e1', timestamp: 5, anonymous_id: 'v' });
    expect(await client.close()).toMatchObject({ accepted: 1 });
    expect(seen).toEqual([
      {
        url: 'https://stint.example/analytics/api/v1/events',
        auth: 'Bearer st_admin',
        body: '{"site":"shop","events":[{"event_id":"e1","timestamp":5,"anonymous_id":"v"}]}',
      },
    ]);
  });
});
