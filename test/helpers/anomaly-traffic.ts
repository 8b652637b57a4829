/**
 * A small site's traffic with known anomalies injected, as NDJSON records for `stint import`:
 * 60 ordinary visits over six days (one device and zone each, 20–50 s a page), then a bot (37
 * pageviews 1.1 s apart), a credential stuffer (5 login_failed in 2 min) and one account shared
 * on three devices in three zones within 40 minutes.
 *
 *   writeFileSync(file, anomalyTrafficNdjson()); // then stint import file --db …
 */
const DESKTOP =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';

/** Ordinary visits' paths, in turn. */
const PATHS = [
  ['/', '/products/boots', '/cart'],
  [
    '/',
    '/collections/jackets',
    '/products/shell',
    '/collections/jackets',
    '/products/parka',
    '/cart',
    '/checkout',
  ],
  ['/products/boots'],
  [
    '/',
    '/collections/jackets',
    '/products/parka',
    '/products/shell',
    '/collections/jackets',
    '/products/boots',
    '/cart',
  ],
  ['/collections/jackets', '/products/shell'],
];

export const ANOMALY_DAY0 = Date.UTC(2026, 10, 2);

interface Record_ {
  timestamp: string;
  anonymous_id: string;
  user_id?: string;
  event: string;
  url: string;
  timezone: string;
  user_agent: string;
}

export function anomalyTraffic(): Record_[] {
  const out: Record_[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  for (let i = 0; i < 60; i++) {
    const start = ANOMALY_DAY0 + (i % 6) * 86_400_000 + (9 + (i % 10)) * 3_600_000 + i * 60_000;
    PATHS[i % PATHS.length]!.forEach((path, k) => {
      out.push({
        timestamp: at(start + k * (20_000 + ((i * 7 + k * 13) % 30) * 1000)),
        anonymous_id: `h${i}`,
        event: 'pageview',
        url: `https://shop.test${path}`,
        timezone: 'Europe/Berlin',
        user_agent: DESKTOP,
      });
    });
  }
  const night = ANOMALY_DAY0 + 3 * 86_400_000 + 2 * 3_600_000;
  for (let k = 0; k < 37; k++) {
    out.push({
      timestamp: at(night + k * 1100),
      anonymous_id: 'bot',
      event: 'pageview',
      url: `https://shop.test${PATHS[1]![k % 7]}`,
      timezone: 'UTC',
      user_agent: DESKTOP,
    });
  }
  for (let k = 0; k < 5; k++) {
    const base = {
      anonymous_id: 'stuffer',
      url: 'https://shop.test/login',
      timezone: 'UTC',
      user_agent: DESKTOP,
    };
    out.push({ ...base, timestamp: at(night + 3_600_000 + k * 30_000), event: 'pageview' });
    out.push({ ...base, timestamp: at(night + 3_600_000 + k * 30_000 + 1000), event: 'login_failed' });
  }
  const shared: [string, string, string][] = [
    ['share-a', DESKTOP, 'Europe/Berlin'],
    ['share-b', IPHONE, 'America/New_York'],
    ['share-c', ANDROID, 'Asia/Tokyo'],
  ];
  shared.forEach(([id, agent, zone], k) => {
    for (const [j, path] of ['/', '/products/boots'].entries()) {
      out.push({
        timestamp: at(night + 5 * 3_600_000 + k * 20 * 60_000 + j * 30_000),
        anonymous_id: id,
        user_id: 'shared-account',
        event: 'pageview',
        url: `https://shop.test${path}`,
        timezone: zone,
        user_agent: agent,
      });
    }
  });
  return out.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

export const anomalyTrafficNdjson = (): string =>
  `${anomalyTraffic()
    .map((r) => JSON.stringify(r))
    .join('\n')}\n`;
