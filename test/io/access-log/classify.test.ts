/**
 * Which access-log lines become pageviews (SESSIONS.md, "Access logs"), in the documented check
 * order bot → method → status → asset, and how an entry becomes a canonical record.
 */
import { describe, expect, it } from 'vitest';
import { isAssetPath } from '../../../src/io/access-log/asset.ts';
import { classifyRequest } from '../../../src/io/access-log/classify.ts';
import type { AccessLogEntry } from '../../../src/io/access-log/entry.ts';
import { entryToRecord } from '../../../src/io/access-log/to-record.ts';
import { countryOfIp } from '../../../src/io/ip-country.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

function entry(fields: Partial<AccessLogEntry> = {}): AccessLogEntry {
  return {
    tsMs: Date.UTC(1995, 7, 1, 4),
    clientIp: '1.2.3.4',
    method: 'GET',
    path: '/index.html',
    protocol: 'HTTP/1.1',
    status: 200,
    bytes: 100,
    referrer: '',
    userAgent: FIREFOX,
    host: '',
    user: '',
    ...fields,
  };
}

const STRICT = { keepAll: false, keepBots: false };
const KEEP_ALL = { keepAll: true, keepBots: false };
const KEEP_BOTS = { keepAll: false, keepBots: true };
const KEEP_EVERYTHING = { keepAll: true, keepBots: true };

describe('classifyRequest', () => {
  it.each([
    ['a page', {}, 'pageview', 'pageview', 'pageview'],
    ['a redirect', { status: 302 }, 'pageview', 'pageview', 'pageview'],
    ['a POST', { method: 'POST' }, 'method', 'request', 'method'],
    ['a HEAD', { method: 'HEAD' }, 'method', 'request', 'method'],
    ['a 404', { status: 404 }, 'status', 'request', 'status'],
    ['a 199', { status: 199 }, 'status', 'request', 'status'],
    ['a 400', { status: 400 }, 'status', 'request', 'status'],
    ['an image', { path: '/img/Logo.PNG?v=2' }, 'asset', 'request', 'asset'],
    ['a bot page', { userAgent: GOOGLEBOT }, 'bot', 'bot', 'pageview'],
    [
      'a bot POST of an image',
      { userAgent: GOOGLEBOT, method: 'POST', path: '/a.png' },
      'bot',
      'bot',
      'method',
    ],
    [
      'a POST 404 image (method first)',
      { method: 'POST', status: 404, path: '/a.png' },
      'method',
      'request',
      'method',
    ],
    ['a 404 image (status before asset)', { status: 404, path: '/a.png' }, 'status', 'request', 'status'],
    ['no method logged', { method: '' }, 'pageview', 'pageview', 'pageview'],
    ['an empty request line', { method: '', path: '', status: 400 }, 'method', 'request', 'method'],
    ['no agent', { userAgent: '' }, 'pageview', 'pageview', 'pageview'],
  ])('%s: %s by default, %s with keepAll, %s with keepBots', (_name, fields, strict, keepAll, keepBots) => {
    const asWord = (options: typeof STRICT): string => {
      const c = classifyRequest(entry(fields), options);
      return c.kind === 'keep' ? c.event : c.reason;
    };
    expect(asWord(STRICT)).toBe(strict);
    expect(asWord(KEEP_ALL)).toBe(keepAll);
    expect(asWord(KEEP_BOTS)).toBe(keepBots);
    expect(asWord(KEEP_EVERYTHING)).toBe(keepBots === 'pageview' ? 'pageview' : 'request');
  });
});

describe('isAssetPath', () => {
  it.each([
    ['/a.css', true],
    ['/a.JS', true],
    ['/fonts/x.woff2#iefix', true],
    ['/v.mp4?start=10', true],
    ['/', false],
    ['/page.html', false],
    ['/robots.txt', false],
    ['/app.js/', false],
    ['/dir.png/page', false],
    ['/search?q=a.png', false],
    ['/a.json', false],
  ])('%s → %s', (path, asset) => {
    expect(isAssetPath(path)).toBe(asset);
  });
});

describe('entryToRecord', () => {
  it("builds the canonical record, identity ip|agent, the address's country, no client_ip", () => {
    const record = entryToRecord(
      entry({
        path: '/a?b=1',
        referrer: 'http://ref.example/',
        host: 'www.example.com',
        status: 304,
        bytes: 0,
      }),
      'pageview',
    );
    expect(record).toEqual({
      timestamp: Date.UTC(1995, 7, 1, 4),
      anonymous_id: `1.2.3.4|${FIREFOX}`,
      event: 'pageview',
      url: '/a?b=1',
      referrer: 'http://ref.example/',
      user_agent: FIREFOX,
      method: 'GET',
      status: 304,
      bytes: 0,
      host: 'www.example.com',
      // The bundled database's answer for the address (io/ip-country.ts); the address is not kept.
      country: countryOfIp('1.2.3.4'),
    });
  });

  it('uses the bare ip without an agent and omits empty fields', () => {
    const record = entryToRecord(entry({ userAgent: '', referrer: '-', path: '' }), 'request');
    expect(record).toEqual({
      timestamp: Date.UTC(1995, 7, 1, 4),
      anonymous_id: '1.2.3.4',
      event: 'request',
      method: 'GET',
      status: 200,
      bytes: 100,
      country: countryOfIp('1.2.3.4'),
    });
  });

  it('gives no country for a private or unreadable address', () => {
    expect(entryToRecord(entry({ clientIp: '192.168.1.20' }), 'pageview').country).toBeUndefined();
    expect(entryToRecord(entry({ clientIp: 'host.example.org' }), 'pageview').country).toBeUndefined();
  });
});
