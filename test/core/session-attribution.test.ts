/**
 * A session's source, channel and country as the engine gives them (SESSIONS.md section 4):
 * from its first event that has each, internal referrers left out, with the site's hosts from
 * the rules; and the engagement ping, which extends a session but never unbounces it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inferSiteHosts } from '../../src/core/attribution/infer-site-hosts.ts';
import { siteHostOf } from '../../src/core/attribution/url-facts.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import { pageview } from '../../src/core/event.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { ev } from '../helpers/worked.ts';

const SHOP = 'https://shop.example';
const one = (events: Record<string, unknown>[], rules = createRules()) => {
  const { sessions } = sessionize(events, rules);
  expect(sessions).toHaveLength(1);
  return sessions[0]!;
};

describe('self-referrals', () => {
  it('a direct visit that then follows an internal link stays Direct', () => {
    const s = one([
      ev('A', '10:00', { url: `${SHOP}/` }),
      ev('A', '10:01', { url: `${SHOP}/pricing`, referrer: `${SHOP}/` }),
      ev('A', '10:02', { url: `${SHOP}/cart`, referrer: 'https://www.shop.example/pricing' }),
    ]);
    expect([s.source, s.channel, s.referrer]).toEqual(['', 'Direct', '']);
  });

  it('the first external referrer counts, even after internal ones', () => {
    const s = one([
      ev('A', '10:00', { url: `${SHOP}/a`, referrer: `${SHOP}/` }),
      ev('A', '10:01', { url: `${SHOP}/b`, referrer: 'https://www.google.co.uk/search?q=x' }),
    ]);
    expect([s.source, s.channel, s.referrer]).toEqual([
      'Google',
      'Organic Search',
      'https://www.google.co.uk/search?q=x',
    ]);
  });

  it("a referrer from another of the site's hosts is internal only when the rules name it", () => {
    const events = [ev('A', '10:00', { url: `${SHOP}/a`, referrer: 'https://blog.shop.example/post' })];
    expect(one(events).source).toBe('blog.shop.example');
    const s = one(events, createRules({ siteHosts: ['Blog.Shop.example:443'] }));
    expect([s.source, s.channel]).toEqual(['', 'Direct']);
  });

  it('a bare path (an access log) has no host: only the site hosts make a referrer internal', () => {
    const events = [ev('A', '10:00', { url: '/blog/a', referrer: 'http://www.semicomplete.com/blog/b' })];
    expect(one(events).source).toBe('semicomplete.com');
    expect(one(events, createRules({ siteHosts: ['semicomplete.com'] })).channel).toBe('Direct');
  });
});

describe('one name per source', () => {
  it.each([
    [{ referrer: 'https://www.google.com/' }],
    [{ referrer: 'https://google.co.uk/' }],
    [{ utm_source: 'google' }],
    [{ url: `${SHOP}/?utm_source=Google&utm_medium=organic` }],
  ])('%o is Google', (fields) => {
    expect(one([ev('A', '10:00', { url: `${SHOP}/`, ...fields })]).source).toBe('Google');
  });

  it.each([['https://t.co/x'], ['https://twitter.com/'], ['https://x.com/a/status/1']])(
    '%s is X (Twitter)',
    (referrer) => {
      expect(one([ev('A', '10:00', { url: `${SHOP}/`, referrer })]).source).toBe('X (Twitter)');
    },
  );

  it('a click id on the landing URL makes the visit a paid one', () => {
    const s = one([
      ev('A', '10:00', { url: `${SHOP}/landing?gclid=abc` }),
      ev('A', '10:01', { url: `${SHOP}/next`, referrer: `${SHOP}/landing?gclid=abc` }),
    ]);
    expect([s.source, s.channel]).toEqual(['Google', 'Paid Search']);
  });
});

describe('country', () => {
  it("is the first event's country from its IP, else from its time zone, else empty", () => {
    expect(one([ev('A', '10:00', { country: 'gb', timezone: 'Asia/Tokyo' })]).country).toBe('GB');
    expect(one([ev('A', '10:00', { timezone: 'Asia/Tokyo' })]).country).toBe('JP');
    expect(one([ev('A', '10:00', { timezone: 'UTC' })]).country).toBe('');
    expect(one([ev('A', '10:00'), ev('A', '10:01', { timezone: 'Europe/Berlin' })]).country).toBe('DE');
  });
});

describe('the engagement ping', () => {
  it('extends the session to the time the page was left, and a one-page visit stays a bounce', () => {
    const s = one([
      ev('A', '10:00', { url: `${SHOP}/` }),
      ev('A', '10:02', { url: `${SHOP}/`, event: 'engagement', engaged_ms: 120_000 }),
    ]);
    expect([s.pageviews, s.events, s.bounce, s.engaged, (s.endMs - s.startMs) / 1000]).toEqual([
      1,
      2,
      true,
      true,
      120,
    ]);
    expect(s.exitPage).toBe('/');
  });

  it('any other event still makes it a non-bounce', () => {
    const s = one([ev('A', '10:00'), ev('A', '10:00:05', { event: 'click' })]);
    expect(s.bounce).toBe(false);
  });
});

describe('inferring the site hosts of an access log', () => {
  const columns = (rows: Record<string, unknown>[]) => {
    const normalize = createNormalizer();
    const b = new EventColumnsBuilder();
    for (const r of rows) {
      const n = normalize(r);
      if (n.ok) b.append(n.event);
    }
    return b.finish();
  };

  it('a referrer host whose pages are pages of the log is the site; others are not', () => {
    const cols = columns([
      ev('A', '10:00', { url: '/blog/a', referrer: 'http://www.site.example/blog/b' }),
      ev('A', '10:01', { url: '/blog/b', referrer: 'http://site.example/blog/a?x=1' }),
      ev('B', '10:00', { url: '/blog/a', referrer: 'http://other.example/docs/1' }),
      ev('B', '10:01', { url: '/blog/b', referrer: 'http://other.example/' }),
      // Only its front page matches: every site has one, so it says nothing.
      ev('C', '10:00', { url: '/', referrer: 'http://third.example/' }),
    ]);
    expect(inferSiteHosts(cols)).toEqual(['site.example']);
  });

  it('infers nothing when the URLs carry their own host', () => {
    const cols = columns([
      ev('A', '10:00', { url: `${SHOP}/a`, referrer: 'http://x.example/b' }),
      ev('A', '10:01', { url: `${SHOP}/b`, referrer: 'http://x.example/a' }),
    ]);
    expect(inferSiteHosts(cols)).toEqual([]);
  });
});

describe('event columns', () => {
  it("keep each event's host as siteHostOf gives it, whatever came before it", () => {
    const urls = fc.array(
      fc
        .tuple(
          fc.constantFrom('https://', 'http://', '//', '/', ''),
          fc.constantFrom(
            'shop.example',
            'www.shop.example',
            'shop.example:8080',
            'shop.examplex',
            'a@shop.example',
          ),
          fc.constantFrom('', '/', '/p', '?q', '#h', 'x/y'),
        )
        .map((p) => p.join('')),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(urls, (list) => {
        const b = new EventColumnsBuilder();
        for (const url of list) b.append(pageview('a', 0, { url }));
        const cols = b.finish();
        expect(Array.from(cols.hostCode, (code) => cols.hosts.value(code))).toEqual(list.map(siteHostOf));
      }),
    );
  });
});
