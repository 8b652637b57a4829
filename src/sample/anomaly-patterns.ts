/**
 * Known anomalous visits to inject into the demo's traffic, to measure `stint anomalies`
 * (bench/anomalies.ts, test/analysis/insights/anomalies-found.test.ts). Each sends a plain
 * browser's user agent (no bot list catches it):
 * - `bot`: a script clicking through 10–40 ordinary pages 0.4–1.8 s apart;
 * - `scraper`: a slow crawl (4–12 s a page, under any rate limit) of the sitemap's product pages
 *   and their colour variants (pages visitors seldom open), in catalogue order, 25–80 pages;
 * - `credential_stuffing`: the login page and a `login_failed` again and again, 10–60 times;
 * - `account_sharing`: one user_id signed in from 3–5 devices in as many countries within 50 min.
 *
 *   injectPattern('scraper', SHOP, startMs, day, random) // [{ pattern: 'scraper', events: [...] }]
 */
import { type Device, pickAgent } from './agents.ts';
import { COUNTRIES, type CountryCode, placeVisitor } from './geo.ts';
import type { Random } from './random.ts';
import type { DemoEvent } from './session-events.ts';
import { type SiteDay, type SiteModel, visitPaths } from './site-model.ts';

export const ANOMALY_PATTERNS = ['bot', 'scraper', 'credential_stuffing', 'account_sharing'] as const;
export type AnomalyPattern = (typeof ANOMALY_PATTERNS)[number];

/** One injected visit: its pattern and its events (one session each). */
export interface InjectedVisit {
  readonly pattern: AnomalyPattern;
  readonly events: DemoEvent[];
}

const SHARERS: readonly CountryCode[] = ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'IN', 'AU'];
const DEVICES: readonly Device[] = ['desktop', 'mobile', 'tablet'];
const COLOURS = ['black', 'navy', 'olive'];

export function injectPattern(
  pattern: AnomalyPattern,
  site: SiteModel,
  startMs: number,
  day: SiteDay,
  random: Random,
): InjectedVisit[] {
  let t = startMs;
  const sender = (device: Device, country: CountryCode) => {
    const place = placeVisitor(COUNTRIES[country], random);
    return { id: random.hex(16), agent: pickAgent(device, random), ...place };
  };
  const visit = (who: ReturnType<typeof sender>, userId = '') => {
    let previous = '';
    return (name: string, path: string, properties?: DemoEvent['properties']): DemoEvent => {
      const url = `${site.origin}${path}`;
      const e: DemoEvent = {
        event_id: random.hex(20),
        timestamp: Math.round(t),
        event: name,
        url,
        referrer: name === 'pageview' ? previous : '',
        anonymous_id: who.id,
        ...(userId === '' ? {} : { user_id: userId }),
        timezone: who.timezone,
        user_agent: who.agent,
        ip: who.ip,
        ...(properties === undefined ? {} : { properties }),
      };
      if (name === 'pageview') previous = url;
      return e;
    };
  };
  const country = (): CountryCode => random.pick(SHARERS);
  switch (pattern) {
    case 'bot': {
      const send = visit(sender('desktop', country()));
      const paths: string[] = [];
      while (paths.length < 10) paths.push(...visitPaths(site, day, 'direct', random));
      const n = Math.min(paths.length, random.between(10, 40));
      while (paths.length < n) paths.push(...visitPaths(site, day, 'direct', random));
      const events: DemoEvent[] = [];
      for (let i = 0; i < n; i++) {
        events.push(send('pageview', paths[i]!));
        t += random.between(400, 1800);
      }
      return [{ pattern, events }];
    }
    case 'scraper': {
      // The sitemap's product pages, each with its colour variants (pages a visitor seldom opens).
      const send = visit(sender('desktop', country()));
      const products = [
        ...new Set(
          Array.from({ length: 400 }, () => visitPaths(site, day, 'organic', random))
            .flat()
            .filter((p) => p.startsWith('/products/')),
        ),
      ].sort();
      const catalogue = products.flatMap((p) => [p, ...COLOURS.map((c) => `${p}/${c}`)]);
      const from = random.int(catalogue.length);
      const n = random.between(25, 80);
      const events: DemoEvent[] = [];
      for (let i = 0; i < n; i++) {
        events.push(send('pageview', catalogue[(from + i) % catalogue.length]!));
        t += random.between(4000, 12_000);
      }
      return [{ pattern, events }];
    }
    case 'credential_stuffing': {
      const send = visit(sender('desktop', country()));
      const events: DemoEvent[] = [];
      for (let i = random.between(10, 60); i > 0; i--) {
        events.push(send('pageview', '/login'));
        t += random.between(300, 900);
        events.push(send('login_failed', '/login', { reason: 'bad_password' }));
        t += random.between(700, 3000);
      }
      return [{ pattern, events }];
    }
    case 'account_sharing': {
      const userId = `u${random.hex(8)}`;
      const countries = [...SHARERS];
      for (let i = countries.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [countries[i], countries[j]] = [countries[j]!, countries[i]!];
      }
      const out: InjectedVisit[] = [];
      const n = random.between(3, 5);
      for (let k = 0; k < n; k++) {
        t = startMs + Math.round((k * 50 * 60_000) / n) + random.int(5 * 60_000);
        const send = visit(sender(DEVICES[k % DEVICES.length]!, countries[k]!), userId);
        const events: DemoEvent[] = [];
        for (const path of visitPaths(site, day, 'direct', random).slice(0, 6)) {
          events.push(send('pageview', path));
          t += random.between(15_000, 60_000);
        }
        out.push({ pattern, events });
      }
      return out;
    }
  }
}
