/**
 * What stint.js sends, event by event, in headless Chromium: the built tracker on a page, the
 * collector's address answered by the browser's own request routing (so every request is seen,
 * beacons included), the page's clock driven by playwright and its visibility set by the test.
 * The end-to-end test with a real `stint serve` is tracks-a-site-in-chromium.test.ts.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTracker } from '../../src/server/tracker.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';

const SITE = 'https://shop.test';
const STINT = 'https://stint.test';
const T0 = Date.UTC(2026, 2, 8, 10, 0, 0);

interface Sent {
  event: string;
  url: string;
  timestamp: number;
  event_id: string;
  timezone: string;
  properties?: Record<string, unknown>;
  value?: number;
  anonymous_id?: string;
  user_id?: string;
}
type Tracked = Window & {
  stint: ((name: string, options?: object) => void) & { identify(id?: string): void };
  setHidden(hidden: boolean): void;
  startHidden?: boolean;
};

describe.skipIf(!runBrowserTests)('stint.js, event by event', () => {
  let browser: BrowserContext;
  let code = '';

  beforeAll(async () => {
    code = await buildTracker();
    browser = await launchChromium({ timezoneId: 'America/New_York' });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /**
   * A tab on the shop's `path`, whose pages carry the tracker tag with `attributes` and `body`;
   * `sent()` is every event it sent so far, with the address it went to.
   */
  const open = async (
    options: { attributes?: string; body?: string; hidden?: boolean; clock?: boolean; path?: string } = {},
  ) => {
    const tab = await browser.newPage();
    const requests: { url: string; events: Sent[] }[] = [];
    await tab.route(`${STINT}/**`, async (route) => {
      const request = route.request();
      if (request.method() === 'GET')
        return route.fulfill({ contentType: 'application/javascript', body: code });
      const { events } = JSON.parse(request.postData() ?? '{}') as { events: Sent[] };
      requests.push({ url: request.url(), events });
      return route.fulfill({
        contentType: 'application/json',
        headers: { 'access-control-allow-origin': SITE },
        body: JSON.stringify({ accepted: events.length, duplicates: 0, bots: 0, rejected: [] }),
      });
    });
    const html = `<!doctype html><html><head><title>shop</title>
<script defer src="${STINT}/stint.js" data-site="pk_test" ${options.attributes ?? ''}></script></head>
<body>${options.body ?? ''}</body></html>`;
    await tab.route(`${SITE}/**`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
    // The page's visibility, as the test sets it (a headless page is always visible).
    await tab.addInitScript((hidden) => {
      const w = window as unknown as Tracked;
      w.startHidden = hidden;
      Object.defineProperty(Document.prototype, 'hidden', { get: () => w.startHidden === true });
      Object.defineProperty(Document.prototype, 'visibilityState', {
        get: () => (w.startHidden ? 'hidden' : 'visible'),
      });
      w.setHidden = (h) => {
        w.startHidden = h;
        document.dispatchEvent(new Event('visibilitychange'));
      };
    }, options.hidden === true);
    if (options.clock === true) await tab.clock.install({ time: T0 });
    await tab.goto(`${SITE}${options.path ?? '/'}`);
    await tab.waitForFunction(() => typeof (window as unknown as Tracked).stint?.identify === 'function');
    const sent = () => requests.flatMap((r) => r.events);
    return { tab, requests, sent };
  };

  /** Runs `f` in the page. */
  const inPage = (tab: Page, f: (w: Tracked) => void) =>
    tab.evaluate((source) => new Function('w', `(${source})(w)`)(window), f.toString());

  it('sends a page view with the fields of the wire format', async () => {
    const { tab, requests } = await open({ path: '/pricing?utm_source=news&gclid=abc' });
    await expect.poll(() => requests.length).toBe(1);
    expect(requests[0]!.url).toBe(`${STINT}/api/v1/events?key=pk_test`);
    const [view] = requests[0]!.events;
    expect(view).toEqual({
      event: 'pageview',
      url: `${SITE}/pricing?utm_source=news&gclid=abc`,
      referrer: '',
      timezone: 'America/New_York',
      timestamp: expect.any(Number),
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await tab.close();
  });

  it('counts only the visible time on the page, and sends it when the page is hidden or left', async () => {
    const { tab, sent } = await open({ hidden: true, clock: true });
    await expect.poll(() => sent().length).toBe(1);
    await tab.clock.pauseAt(T0 + 60_000);
    await inPage(tab, (w) => w.setHidden(false));
    await tab.clock.fastForward(10_000);
    await inPage(tab, (w) => w.setHidden(true));
    await tab.clock.fastForward(5 * 60_000); // hidden: not counted
    await inPage(tab, (w) => w.setHidden(false));
    await tab.clock.fastForward(5_000);
    await inPage(tab, () => window.dispatchEvent(new Event('pagehide')));
    await inPage(tab, (w) => w.setHidden(true)); // after pagehide: nothing more to send
    await expect.poll(() => sent().length).toBe(3);
    expect(sent().map((e) => [e.event, e.properties, e.timestamp - T0])).toEqual([
      ['pageview', undefined, expect.any(Number)],
      ['engagement', { engaged_ms: 10_000 }, 70_000],
      ['engagement', { engaged_ms: 5_000 }, 375_000],
    ]);
    await tab.close();
  });

  it('starts a new visit with a page view when the page is shown after more than 30 minutes hidden', async () => {
    const { tab, sent } = await open({ hidden: true, clock: true });
    await expect.poll(() => sent().length).toBe(1);
    await tab.clock.pauseAt(T0 + 60_000);
    for (const hiddenMinutes of [29, 31]) {
      await inPage(tab, (w) => w.setHidden(false));
      await tab.clock.fastForward(1_000);
      await inPage(tab, (w) => w.setHidden(true));
      await tab.clock.fastForward(hiddenMinutes * 60_000);
    }
    await inPage(tab, (w) => w.setHidden(false));
    await expect.poll(() => sent().length).toBe(4);
    expect(sent().map((e) => e.event)).toEqual(['pageview', 'engagement', 'engagement', 'pageview']);
    await tab.close();
  });

  it("sends a single-page app's route changes, once each", async () => {
    const { tab, sent } = await open();
    await inPage(tab, () => {
      history.pushState({}, '', '/a');
      history.replaceState({ only: 'state' }, ''); // the same URL: no page view
      history.replaceState({}, '', '/b');
      location.hash = 'faq';
    });
    await expect.poll(() => sent().length).toBe(4);
    await inPage(tab, () => history.back()); // back to /b
    await expect.poll(() => sent().length).toBe(5);
    expect(sent().map((e) => new URL(e.url).pathname + new URL(e.url).hash)).toEqual([
      '/',
      '/a',
      '/b',
      '/b#faq',
      '/b',
    ]);
    expect(new Set(sent().map((e) => e.event_id)).size).toBe(5);
    await tab.close();
  });

  it('sends clicks: tagged elements, outbound links and downloads, by left or middle button', async () => {
    const stay = 'onclick="event.preventDefault()"';
    const { tab, sent } = await open({
      body: `<div data-stint-event="plan_click" data-stint-prop-plan="pro" data-stint-prop-billing-period="year"><span id="tagged">Pro</span></div>
<a id="out" href="https://elsewhere.test/x?y=1" ${stay}>out</a>
<a id="pdf" href="/files/Price-List.PDF" ${stay}>pdf</a>
<a id="attr" href="/export?id=3" download ${stay}>export</a>
<a id="inside" href="/about" ${stay}>about</a>
<a id="mail" href="mailto:hi@shop.test" ${stay}>mail</a>`,
    });
    await tab.click('#tagged');
    await tab.click('#out');
    await tab.click('#out', { button: 'middle' });
    await tab.click('#out', { button: 'right' }); // a context menu opens nothing
    await tab.click('#pdf');
    await tab.click('#attr');
    await tab.click('#inside');
    await tab.click('#mail');
    await expect.poll(() => sent().length).toBe(6);
    expect(sent().map((e) => [e.event, e.properties])).toEqual([
      ['pageview', undefined],
      ['plan_click', { plan: 'pro', 'billing-period': 'year' }],
      ['outbound', { link_url: 'https://elsewhere.test/x?y=1' }],
      ['outbound', { link_url: 'https://elsewhere.test/x?y=1' }],
      ['download', { link_url: `${SITE}/files/Price-List.PDF` }],
      ['download', { link_url: `${SITE}/export?id=3` }],
    ]);
    await tab.close();
  });

  it('sends no id by default, a user id once identified, and a kept anonymous id with data-storage="local"', async () => {
    const plain = await open();
    await inPage(plain.tab, (w) => {
      w.stint('before');
      w.stint.identify('user-42');
      w.stint('after', { props: { plan: 'pro' }, value: 49 });
    });
    await expect.poll(() => plain.sent().length).toBe(3);
    expect(plain.sent().map((e) => [e.event, e.anonymous_id, e.user_id, e.properties, e.value])).toEqual([
      ['pageview', undefined, undefined, undefined, undefined],
      ['before', undefined, undefined, undefined, undefined],
      ['after', undefined, 'user-42', { plan: 'pro' }, 49],
    ]);
    expect(await plain.tab.evaluate(() => Object.keys(localStorage))).toEqual([]);
    await plain.tab.close();

    const local = await open({ attributes: 'data-storage="local"', path: '/local' });
    await inPage(local.tab, (w) => w.stint.identify('user-7'));
    await local.tab.reload();
    await inPage(local.tab, (w) => w.stint.identify());
    await inPage(local.tab, (w) => w.stint('signed_out'));
    await expect.poll(() => local.sent().length).toBe(3);
    const [first, second, third] = local.sent();
    expect(first!.anonymous_id).toMatch(/^[0-9a-f-]{36}$/);
    expect([second!.anonymous_id, third!.anonymous_id]).toEqual([first!.anonymous_id, first!.anonymous_id]);
    expect([first!.user_id, second!.user_id, third!.user_id]).toEqual([undefined, 'user-7', undefined]);
    await local.tab.close();
  });

  it('sends to data-api when given, with the key', async () => {
    const { tab, requests } = await open({ attributes: `data-api="${STINT}/collect?v=1"` });
    await expect.poll(() => requests.length).toBe(1);
    expect(requests[0]!.url).toBe(`${STINT}/collect?v=1&key=pk_test`);
    await tab.close();
  });
});
