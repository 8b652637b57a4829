/**
 * Crawler and script visits: search engine and SEO crawlers, AI crawlers, uptime monitors and
 * scripts, each with its own user agent, at any hour, a few pages at a few seconds apart. The
 * collector recognises every one of them as a bot and leaves its events out (and counts them).
 *
 *   botVisit(site, startMs, day, random) // DemoEvent[] of one crawl
 */
import { BOT_AGENTS } from './agents.ts';
import { addressIn, DATA_CENTERS } from './geo.ts';
import type { Random } from './random.ts';
import type { DemoEvent } from './session-events.ts';
import { type SiteDay, type SiteModel, visitPaths } from './site-model.ts';

/** Google's crawlers come from 66.249.64.0/19. */
const GOOGLEBOT_BLOCK = '66.249';

export function botVisit(site: SiteModel, startMs: number, day: SiteDay, random: Random): DemoEvent[] {
  const agent = random.weighted(BOT_AGENTS);
  const ip = agent.includes('Googlebot')
    ? `${GOOGLEBOT_BLOCK}.${random.between(64, 95)}.${random.between(1, 254)}`
    : addressIn(random.pick(DATA_CENTERS).block, random);
  // The pages a crawler finds: those of a few ordinary visits, one after another.
  const paths: string[] = [];
  for (let i = 0; i < 1 + random.int(3); i++) paths.push(...visitPaths(site, day, 'direct', random));
  const anonymousId = random.hex(16);
  let t = startMs;
  return paths.map((path) => {
    const e: DemoEvent = {
      event_id: random.hex(20),
      timestamp: Math.round(t),
      event: 'pageview',
      url: `${site.origin}${path}`,
      referrer: '',
      anonymous_id: anonymousId,
      timezone: '',
      user_agent: agent,
      ip,
    };
    t += 500 + random.exp(4000);
    return e;
  });
}
