/**
 * Fraud-like visits, which no user-agent list catches (they send a plain desktop Chrome): each
 * comes from one address in a hosting provider's range, at night in UTC, with the zone a
 * headless browser reports (`UTC`), and no engagement. Three patterns:
 * - `scraper`: one visit of 40–150 pages, under two seconds apart;
 * - `click_fraud`: a burst of one-page visits landing from a search ad (gclid), gone in seconds;
 * - `credential_stuffing`: the login page again and again, a failed login each time.
 */
import { FRAUD_AGENT } from './agents.ts';
import { arrive } from './channels.ts';
import { addressIn, DATA_CENTERS } from './geo.ts';
import type { Random } from './random.ts';
import type { DemoEvent } from './session-events.ts';
import { type SiteDay, type SiteModel, visitPaths } from './site-model.ts';

export type FraudPattern = 'scraper' | 'click_fraud' | 'credential_stuffing';

/** Which patterns hit which site, and on what share of days. */
export const FRAUD_ON: Readonly<Record<string, readonly (readonly [FraudPattern, number])[]>> = {
  shop: [
    ['scraper', 0.25],
    ['click_fraud', 0.15],
  ],
  blog: [['scraper', 0.35]],
  app: [
    ['click_fraud', 0.12],
    ['credential_stuffing', 0.1],
  ],
};

/** The visits of one pattern on one night: each a list of events. */
export function fraudVisits(
  pattern: FraudPattern,
  site: SiteModel,
  nightMs: number,
  day: SiteDay,
  random: Random,
): DemoEvent[][] {
  const center = random.pick(DATA_CENTERS);
  const ip = addressIn(center.block, random);
  // Between 01:00 and 05:00 UTC.
  let t = nightMs + 3_600_000 + random.int(4 * 3_600_000);
  const event = (anonymousId: string, name: string, url: string, referrer: string): DemoEvent => ({
    event_id: random.hex(20),
    timestamp: Math.round(t),
    event: name,
    url,
    referrer,
    anonymous_id: anonymousId,
    timezone: 'UTC',
    user_agent: FRAUD_AGENT,
    ip,
  });
  switch (pattern) {
    case 'scraper': {
      const id = random.hex(16);
      const n = random.between(40, 150);
      const out: DemoEvent[] = [];
      let previous = '';
      for (let i = 0; i < n; i++) {
        const url = `${site.origin}${random.pick(visitPaths(site, day, 'organic', random).concat('/'))}`;
        out.push(event(id, 'pageview', url, previous));
        previous = url;
        t += 300 + random.int(1500);
      }
      return [out];
    }
    case 'click_fraud': {
      const visits: DemoEvent[][] = [];
      for (let i = random.between(8, 25); i > 0; i--) {
        const arrival = arrive('cpc', site.campaigns, 'US', 1, site.origin, '/', random);
        // Landing on the ad's page: the home page, and sometimes a second page right after.
        const id = random.hex(16);
        const visit = [event(id, 'pageview', `${site.origin}/${arrival.query}`, arrival.referrer)];
        if (random.chance(0.3)) {
          t += 400 + random.int(800);
          const next = visitPaths(site, day, 'direct', random)[1] ?? '/';
          visit.push(event(id, 'pageview', `${site.origin}${next}`, `${site.origin}/${arrival.query}`));
        }
        visits.push(visit);
        t += 40_000 + random.int(200_000);
      }
      return visits;
    }
    case 'credential_stuffing': {
      const id = random.hex(16);
      const out: DemoEvent[] = [];
      const login = `${site.origin}/login`;
      for (let i = random.between(30, 80); i > 0; i--) {
        out.push(event(id, 'pageview', login, out.length === 0 ? '' : login));
        t += 300 + random.int(600);
        out.push({ ...event(id, 'login_failed', login, ''), properties: { reason: 'bad_password' } });
        t += 600 + random.int(1800);
      }
      return [out];
    }
  }
}
