/**
 * Realistic synthetic traffic for the demo and the benchmarks: many visitors, Zipf-distributed
 * pages, sessions of a few to dozens of events with think times, returning visitors, logins,
 * campaigns, conversions, a share of rows arriving late (out of order) and retried duplicates.
 * Deterministic for a seed.
 *
 *   for (const row of generateTraffic({ events: 1000, seed: 1 })) … // row follows TRAFFIC_COLUMNS
 */

export const TRAFFIC_COLUMNS = [
  'timestamp',
  'anonymous_id',
  'user_id',
  'event',
  'url',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'timezone',
  'user_agent',
  'value',
  'event_id',
] as const;

export type TrafficRow = [
  number,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  number,
  string,
];

export interface TrafficOptions {
  events: number;
  seed?: number;
  /** Share of rows emitted late, out of order (default 0.02). */
  lateShare?: number;
  /** Share of rows sent twice with the same event_id (default 0.005). */
  duplicateShare?: number;
  startMs?: number;
}

const PAGES = 2000;
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'America/Los_Angeles',
  'Europe/London',
  'Asia/Tokyo',
  '',
];
const CAMPAIGNS: [string, string, string][] = [
  ['google', 'cpc', 'brand'],
  ['newsletter', 'email', 'november'],
  ['twitter', 'social', 'launch'],
];
const REFERRERS = ['https://www.google.com/', 'https://news.ycombinator.com/', 'https://t.co/abc', ''];
const SECTIONS = ['blog', 'docs', 'products', 'pricing', 'about', 'help', 'cart', 'checkout'];

/** mulberry32: small, fast, good enough for synthetic data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(s=1.1) sampler over ranks 1..n by inverse CDF on a precomputed table. */
function zipf(n: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    sum += 1 / k ** 1.1;
    cdf[k - 1] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function pagePath(rank: number): string {
  if (rank === 0) return '/';
  return `/${SECTIONS[rank % SECTIONS.length]}/${rank}`;
}

export function* generateTraffic(options: TrafficOptions): Generator<TrafficRow> {
  const random = prng(options.seed ?? 42);
  const page = zipf(PAGES, random);
  const lateShare = options.lateShare ?? 0.02;
  const duplicateShare = options.duplicateShare ?? 0.005;
  const startMs = options.startMs ?? Date.UTC(2026, 9, 1);
  const visitors = Math.max(10, Math.round(options.events / 25));
  const late: TrafficRow[] = [];
  let clockMs = startMs;
  let emitted = 0;
  let eventNo = 0;
  while (emitted < options.events) {
    // One session of one visitor, interleaved in time with others by the shared clock.
    const visitor = Math.floor(random() * visitors);
    const anon = `v${visitor.toString(36)}`;
    const user = visitor % 7 === 0 ? `user${visitor}` : '';
    const agent = AGENTS[visitor % AGENTS.length]!;
    const zone = ZONES[visitor % ZONES.length]!;
    const campaign = random() < 0.25 ? CAMPAIGNS[Math.floor(random() * CAMPAIGNS.length)] : undefined;
    const referrer = REFERRERS[Math.floor(random() * REFERRERS.length)]!;
    const length = 1 + Math.floor(-Math.log(1 - random()) * 5);
    clockMs += Math.floor(random() * 2000);
    let t = clockMs;
    for (let k = 0; k < length && emitted < options.events; k++) {
      const p = pagePath(page());
      const isPurchase = p.startsWith('/checkout') && random() < 0.3;
      const name = isPurchase ? 'purchase' : random() < 0.15 ? 'click' : 'pageview';
      const url = `https://shop.example${p}${k === 0 && campaign !== undefined ? `?utm_source=${campaign[0]}` : ''}`;
      const row: TrafficRow = [
        t,
        anon,
        k > 0 || random() < 0.5 ? user : '',
        name,
        url,
        k === 0 ? referrer : '',
        k === 0 && campaign !== undefined ? campaign[0] : '',
        k === 0 && campaign !== undefined ? campaign[1] : '',
        k === 0 && campaign !== undefined ? campaign[2] : '',
        zone,
        agent,
        isPurchase ? Math.round(random() * 20000) / 100 : 0,
        `e${(eventNo++).toString(36)}`,
      ];
      if (random() < lateShare) late.push(row);
      else {
        yield row;
        emitted++;
      }
      if (random() < duplicateShare && emitted < options.events) {
        yield row;
        emitted++;
      }
      t += Math.floor(5000 + -Math.log(1 - random()) * 60_000);
      if (late.length > 64 && emitted < options.events) {
        yield late.shift()!;
        emitted++;
      }
    }
  }
}
