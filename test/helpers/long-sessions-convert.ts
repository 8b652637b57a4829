/**
 * A site where long sessions are known to convert at three times the rate of short ones, for
 * the tests of `stint drivers`. 1,000 visitors, one session each, 37 minutes apart from
 * 2026-10-01T00:00Z, no time zone:
 *
 *   i < 500   long:  pageviews at 0, 5, 10, 15 min (15 min, 4 pages); a purchase at 14:30 when i % 10 < 3 (150)
 *   i ≥ 500   short: pageviews at 0, 1, 2 min (2 min, 3 pages);       a purchase at 1:30 when i % 10 < 1 (50)
 *
 * Device: mobile in blocks of ten visitors (⌊i / 10⌋ even), desktop else: each block holds the
 * same purchases, so the device has no effect (100 of 500 convert on each). The first ten short
 * visitors (500–509) enter at /rare (one of them buys), everyone else at /.
 */
import type { StintEvent } from '../../src/core/event.ts';
import { ev } from './store.ts';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';
const DESKTOP = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36';
const START = Date.UTC(2026, 9, 1);
const MINUTE = 60_000;

export function longSessionsConvert(): StintEvent[] {
  const events: StintEvent[] = [];
  for (let i = 0; i < 1000; i++) {
    const who = `v${i}`;
    const t0 = START + i * 37 * MINUTE;
    const long = i < 500;
    const userAgent = Math.floor(i / 10) % 2 === 0 ? IPHONE : DESKTOP;
    const entry = i >= 500 && i < 510 ? '/rare' : '/';
    const at = (min: number) => new Date(t0 + min * MINUTE).toISOString();
    const pages = long ? [0, 5, 10, 15] : [0, 1, 2];
    pages.forEach((min, k) => {
      events.push(ev(who, at(min), { url: `https://shop.example${k === 0 ? entry : `/p${k}`}`, userAgent }));
    });
    if (i % 10 < (long ? 3 : 1)) {
      events.push(
        ev(who, at(long ? 14.5 : 1.5), { name: 'purchase', url: 'https://shop.example/checkout', userAgent }),
      );
    }
  }
  return events;
}
