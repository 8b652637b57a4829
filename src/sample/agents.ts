/**
 * Real user-agent strings of the demo's visitors, by device, with their weights; the crawlers
 * and scripts the collector recognises as bots; and the plain desktop Chrome that fraud-like
 * traffic hides behind.
 *
 *   pickAgent('mobile', random) // 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) …'
 */
import type { Random } from './random.ts';

export type Device = 'desktop' | 'mobile' | 'tablet';

const WEBKIT = 'AppleWebKit/537.36 (KHTML, like Gecko)';

/** Each device's agents with weights near the browser shares of 2024 (StatCounter). */
export const HUMAN_AGENTS: Readonly<Record<Device, readonly (readonly [string, number])[]>> = {
  desktop: [
    [`Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`, 38],
    [`Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`, 14],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      12,
    ],
    [`Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0`, 12],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 7],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0', 3],
    [`Mozilla/5.0 (X11; Linux x86_64) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`, 4],
    ['Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 2],
    [`Mozilla/5.0 (Windows NT 10.0; Win64; x64) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0`, 2],
    [`Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`, 2],
  ],
  mobile: [
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      34,
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
      10,
    ],
    [`Mozilla/5.0 (Linux; Android 10; K) ${WEBKIT} Chrome/131.0.0.0 Mobile Safari/537.36`, 30],
    [
      `Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) ${WEBKIT} SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36`,
      9,
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
      7,
    ],
    ['Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0', 2],
    [`Mozilla/5.0 (Linux; Android 14; Pixel 8) ${WEBKIT} Chrome/131.0.6778.81 Mobile Safari/537.36`, 8],
  ],
  tablet: [
    [
      'Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      70,
    ],
    [`Mozilla/5.0 (Linux; Android 13; SM-X710) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`, 30],
  ],
};

/** Crawlers, monitors and scripts: every one is a bot by `isbot`, so the collector leaves them out. */
export const BOT_AGENTS: readonly (readonly [string, number])[] = [
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 30],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 14],
  ['Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)', 12],
  [
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
    10,
  ],
  ['Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)', 8],
  ['Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)', 5],
  [`Mozilla/5.0 (X11; Linux x86_64) ${WEBKIT} HeadlessChrome/131.0.0.0 Safari/537.36`, 8],
  ['python-requests/2.32.3', 6],
  ['curl/8.5.0', 3],
  ['UptimeRobot/2.0; http://www.uptimerobot.com/', 4],
];

/**
 * What fraud-like sessions send: a plain Chrome on Linux (an automated browser with its
 * headless marker removed), which no user-agent list can tell from a person.
 */
export const FRAUD_AGENT = `Mozilla/5.0 (X11; Linux x86_64) ${WEBKIT} Chrome/131.0.0.0 Safari/537.36`;

export function pickAgent(device: Device, random: Random): string {
  return random.weighted(HUMAN_AGENTS[device]);
}
