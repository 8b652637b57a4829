/**
 * Crawlers and fraud-like visits are in the demo: crawlers with user agents the collector leaves
 * out as bots (and no person's agent is one), fraud-like visits with an ordinary browser's agent,
 * from hosting providers' addresses, at night, many pages in seconds.
 */
import { expect, it } from 'vitest';
import { isBotAgent } from '../../src/io/access-log/bot.ts';
import { openIpCountry } from '../../src/io/ip-country.ts';
import { BOT_AGENTS, HUMAN_AGENTS } from '../../src/sample/agents.ts';
import { DATA_CENTERS } from '../../src/sample/geo.ts';
import { sessionsOf } from './demo-fixture.ts';

it('has crawlers on every site, each a bot to the collector; no person is one', () => {
  for (const [agent] of BOT_AGENTS) expect(isBotAgent(agent), agent).toBe(true);
  for (const agents of Object.values(HUMAN_AGENTS))
    for (const [agent] of agents) expect(isBotAgent(agent), agent).toBe(false);
  for (const site of ['shop', 'blog', 'app']) {
    const bots = sessionsOf(site, 'bot');
    expect(bots.length).toBeGreaterThan(50);
    expect(bots.filter((s) => !isBotAgent(s.events[0]!.user_agent))).toEqual([]);
    expect(sessionsOf(site).filter((s) => isBotAgent(s.events[0]!.user_agent))).toEqual([]);
  }
});

it('has fraud-like visits: not bots by agent, from data centers, at night, fast', () => {
  const ipCountry = openIpCountry();
  const patterns = new Set<string>();
  for (const site of ['shop', 'blog', 'app']) {
    const fraud = sessionsOf(site, 'fraud');
    expect(fraud.length, site).toBeGreaterThan(3);
    for (const s of fraud) {
      patterns.add(s.label);
      const first = s.events[0]!;
      expect(isBotAgent(first.user_agent)).toBe(false);
      const center = DATA_CENTERS.find((d) => first.ip.startsWith(`${d.block}.`));
      expect(center, first.ip).toBeDefined();
      expect(ipCountry(first.ip)).toBe(center!.country);
      // One address per visit; a headless browser's zone; between 01:00 and 06:00 UTC.
      expect(new Set(s.events.map((e) => e.ip)).size).toBe(1);
      expect(first.timezone).toBe('UTC');
      expect(new Date(first.timestamp).getUTCHours()).toBeGreaterThanOrEqual(1);
      expect(new Date(first.timestamp).getUTCHours()).toBeLessThan(6);
    }
  }
  expect([...patterns].sort()).toEqual(['click_fraud', 'credential_stuffing', 'scraper']);
  // A scraper: dozens of pages, under two seconds apart, no engagement.
  for (const s of sessionsOf('blog', 'fraud').filter((x) => x.label === 'scraper')) {
    const pages = s.events.filter((e) => e.event === 'pageview');
    expect(pages.length).toBeGreaterThanOrEqual(40);
    const spanMs = pages.at(-1)!.timestamp - pages[0]!.timestamp;
    expect(spanMs / (pages.length - 1)).toBeLessThan(2000);
    expect(s.events.some((e) => e.event === 'engagement')).toBe(false);
  }
});
