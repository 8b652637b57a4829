/**
 * Sources and channels: the worked table of docs/sessions.md, row by row. Each row is a visit's
 * first touch (referrer, landing URL, utm tags) and the source and channel stint gives it.
 */
import { describe, expect, it } from 'vitest';
import { attribute, type Touch } from '../../src/core/attribution/attribute.ts';
import { KNOWN_SOURCES, sourceOfHost } from '../../src/core/attribution/sources.ts';

const PAGE = 'https://shop.example/landing';
const SITE = ['shop.example', 'blog.shop.example'];

type Row = [string, Partial<Touch> & { site?: readonly string[] }, string, string];

// [what, touch, source, channel]
const TABLE: Row[] = [
  ['typed in or bookmarked', {}, '', 'Direct'],
  ['Google search', { referrer: 'https://www.google.com/' }, 'Google', 'Organic Search'],
  [
    'Google of another country',
    { referrer: 'https://www.google.co.uk/search?q=x' },
    'Google',
    'Organic Search',
  ],
  [
    'Google app on Android',
    { referrer: 'android-app://com.google.android.googlequicksearchbox/' },
    'Google',
    'Organic Search',
  ],
  ['a port in the referrer', { referrer: 'https://www.google.com:443/' }, 'Google', 'Organic Search'],
  ['utm_source=google alone', { utm_source: 'google' }, 'Google', 'Organic Search'],
  ['Google Ads tags', { utm_source: 'google', utm_medium: 'cpc' }, 'Google', 'Paid Search'],
  ['gclid, no referrer', { url: `${PAGE}?gclid=abc` }, 'Google', 'Paid Search'],
  [
    'gclid from google.de',
    { url: `${PAGE}?gclid=abc`, referrer: 'https://www.google.de/' },
    'Google',
    'Paid Search',
  ],
  ['msclkid', { url: `${PAGE}?msclkid=abc`, referrer: 'https://www.bing.com/' }, 'Bing', 'Paid Search'],
  ['dclid', { url: `${PAGE}?dclid=abc` }, 'Google', 'Display'],
  ['t.co', { referrer: 'https://t.co/abc' }, 'X (Twitter)', 'Organic Social'],
  ['twitter.com', { referrer: 'https://twitter.com/' }, 'X (Twitter)', 'Organic Social'],
  ['x.com', { referrer: 'https://x.com/someone/status/1' }, 'X (Twitter)', 'Organic Social'],
  ['utm_source=twitter', { utm_source: 'Twitter' }, 'X (Twitter)', 'Organic Social'],
  [
    'fbclid from Facebook',
    { url: `${PAGE}?fbclid=x`, referrer: 'https://l.facebook.com/' },
    'Facebook',
    'Organic Social',
  ],
  ['fbclid alone', { url: `${PAGE}?fbclid=x` }, 'Facebook', 'Organic Social'],
  ['Facebook ads', { utm_source: 'fb', utm_medium: 'paid_social' }, 'Facebook', 'Paid Social'],
  ['YouTube', { referrer: 'https://m.youtube.com/watch?v=1' }, 'YouTube', 'Organic Social'],
  ['newsletter', { utm_source: 'newsletter', utm_medium: 'email' }, 'newsletter', 'Email'],
  ['Gmail web', { referrer: 'https://mail.google.com/' }, 'Gmail', 'Email'],
  ['affiliate', { utm_source: 'partner', utm_medium: 'affiliate' }, 'partner', 'Affiliates'],
  ['a blog', { referrer: 'https://news.example.org/post/1' }, 'news.example.org', 'Referral'],
  ['blogspot is not Google', { referrer: 'https://google.blogspot.com/' }, 'google.blogspot.com', 'Referral'],
  ['an AI assistant', { referrer: 'https://chatgpt.com/' }, 'ChatGPT', 'Referral'],
  ['display', { utm_source: 'dv360', utm_medium: 'display' }, 'dv360', 'Display'],
  ['paid, of no known kind', { utm_source: 'adnet', utm_medium: 'cpc' }, 'adnet', 'Other'],
  [
    'cross-network',
    { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'Cross-network PMax' },
    'Google',
    'Other',
  ],
  ['a tag with no medium', { utm_source: 'foo' }, 'foo', 'Other'],
  ['utm_source=(direct)', { utm_source: '(direct)', utm_medium: '(none)' }, '', 'Direct'],
  ['the page linking to itself', { referrer: 'https://shop.example/other' }, '', 'Direct'],
  ['www. of the page host', { referrer: 'https://www.shop.example/other' }, '', 'Direct'],
  ['another of the site hosts', { url: '/b', referrer: 'https://blog.shop.example/post' }, '', 'Direct'],
  [
    'internal, then tagged',
    { referrer: 'https://shop.example/', utm_source: 'google', utm_medium: 'cpc' },
    'Google',
    'Paid Search',
  ],
];

describe('the worked table of sources and channels', () => {
  it.each(TABLE)('%s', (_, given, source, channel) => {
    const touch: Touch = { url: PAGE, referrer: '', ...given };
    const got = attribute(touch, given.site ?? SITE);
    expect({ source: got.source, channel: got.channel }).toEqual({ source, channel });
  });
});

describe('self-referrals', () => {
  it('a referrer from the site itself is internal and never a source', () => {
    const got = attribute({ url: '/pricing', referrer: 'https://blog.shop.example/' }, SITE);
    expect(got).toEqual({ source: '', channel: 'Direct', internal: true });
  });

  it('without the site hosts, only the page own host is internal', () => {
    const got = attribute({ url: '/pricing', referrer: 'https://blog.shop.example/' }, []);
    expect(got).toEqual({ source: 'blog.shop.example', channel: 'Referral', internal: false });
  });
});

describe('the table of known sources', () => {
  it('gives each host and tag one source, and a name once', () => {
    const names = KNOWN_SOURCES.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of KNOWN_SOURCES) {
      for (const host of s.hosts) {
        const probe = host.endsWith('.*') ? `${host.slice(0, -2)}.de` : host;
        expect(sourceOfHost(probe)?.name, host).toBe(s.name);
      }
    }
  });
});
