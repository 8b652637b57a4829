/**
 * How the demo's visits arrive, read by the attribution rules (core/attribution): every channel
 * a dashboard shows is there, Google comes in several countries' forms, paid visits carry click
 * ids, and navigation inside a site (internal referrers, a tab reopened after the timeout) never
 * makes the site its own source.
 */
import { expect, it } from 'vitest';
import { attribute } from '../../src/core/attribution/attribute.ts';
import { utmFromUrl } from '../../src/core/url.ts';
import type { DemoEvent } from '../../src/sample/session-events.ts';
import { demo, sessionsOf } from './demo-fixture.ts';

const touchOf = (e: DemoEvent) => ({ url: e.url, referrer: e.referrer, ...utmFromUrl(e.url) });

it('has every channel, with Google in several country forms and click ids on paid visits', () => {
  const channels = new Map<string, number>();
  const googleHosts = new Set<string>();
  for (const s of demo().sessions) {
    if (s.kind !== 'visitor') continue;
    const first = s.events[0]!;
    const site = demo().sites.find((x) => x.name === s.site)!;
    const { channel, source } = attribute(touchOf(first), [new URL(site.origin).host]);
    channels.set(channel, (channels.get(channel) ?? 0) + 1);
    if (source === 'Google' && first.referrer !== '') googleHosts.add(new URL(first.referrer).host);
    if (s.label === 'cpc') expect(first.url).toMatch(/[?&](gclid|msclkid)=/);
    if (s.label === 'paid_social') expect(first.url).toContain('utm_medium=paid_social');
    if (s.label === 'email') expect(first.url).toContain('utm_medium=email');
  }
  console.log(Object.fromEntries(channels));
  for (const c of [
    'Direct',
    'Organic Search',
    'Paid Search',
    'Organic Social',
    'Paid Social',
    'Email',
    'Referral',
  ])
    expect(channels.get(c) ?? 0, c).toBeGreaterThan(50);
  expect(googleHosts).toContain('www.google.com');
  expect(googleHosts).toContain('www.google.co.uk');
  expect(googleHosts).toContain('www.google.de');
  expect(googleHosts.size).toBeGreaterThan(8);
});

it('sends internal referrers, and they never become a source', () => {
  for (const site of demo().sites) {
    const host = new URL(site.origin).host;
    const visits = sessionsOf(site.name);
    const internalLater = visits
      .flatMap((s) => s.events.filter((e, i) => i > 0 && e.event === 'pageview'))
      .filter((e) => e.referrer !== '');
    // After the landing page, each pageview's referrer is the page before it, on the site.
    expect(internalLater.length).toBeGreaterThan(100);
    expect(internalLater.filter((e) => new URL(e.referrer).host !== host)).toEqual([]);
    // A tab reopened after the timeout starts a visit with the site's own page as referrer: Direct.
    const resumed = visits.filter((s) => s.label === 'resumed');
    expect(resumed.length, site.name).toBeGreaterThan(10);
    for (const s of resumed) {
      expect(new URL(s.events[0]!.referrer).host).toBe(host);
      expect(attribute(touchOf(s.events[0]!), [host])).toMatchObject({
        source: '',
        channel: 'Direct',
        internal: true,
      });
    }
  }
});

it('sends an engagement event with the visible time when a page is left', () => {
  for (const site of ['shop', 'blog', 'app']) {
    const visits = sessionsOf(site);
    const engagement = visits.flatMap((s) => s.events).filter((e) => e.event === 'engagement');
    expect(engagement.length).toBeGreaterThan(visits.length / 2);
    expect(engagement.filter((e) => !(Number(e.properties?.engaged_ms) > 0))).toEqual([]);
    // One-page visits end with their engagement event, so their time on the page is known.
    const onePage = visits.filter((s) => s.events.filter((e) => e.event === 'pageview').length === 1);
    const timed = onePage.filter((s) => s.events.at(-1)!.event === 'engagement');
    expect(timed.length / onePage.length).toBeGreaterThan(0.7);
  }
});
