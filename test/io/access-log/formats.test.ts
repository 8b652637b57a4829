/**
 * Every access-log format stint reads, checked on the Matomo fixtures (read in place, never copied:
 * they are GPL) and on hand-written lines: detection, exact field values, and the W3C state machine.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClf, parseCombined, parseNcsa } from '../../../src/io/access-log/clf.ts';
import {
  ACCESS_LOG_FORMATS,
  DETECTION_ORDER,
  detectAccessLogFormat,
  isAccessLogFormat,
} from '../../../src/io/access-log/detect.ts';
import type { AccessLogEntry } from '../../../src/io/access-log/entry.ts';
import { countOf, hostOfUrl, splitRequest, withoutPort } from '../../../src/io/access-log/fields.ts';
import { type AccessLogFormatName, createLineParser } from '../../../src/io/access-log/formats.ts';
import { clfTimeToMs, dateAndTimeToMs, isoUtcToMs } from '../../../src/io/access-log/log-time.ts';
import { parseNginxJson } from '../../../src/io/access-log/nginx-json.ts';
import { createW3cParser } from '../../../src/io/access-log/w3c.ts';
import { decodeW3cAgent, splitW3cLine } from '../../../src/io/access-log/w3c-line.ts';
import { DATA } from '../../helpers/cli.ts';

const FIXTURES = `${DATA}/edge_cases/matomo_log_analytics_format_fixtures`;
const CHROME_17 =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/535.11 (KHTML, like Gecko) Chrome/17.0.963.56 Safari/535.11';

function fixtureLines(name: string): string[] {
  return readFileSync(`${FIXTURES}/${name}`).toString().split('\n');
}

/** Entries of a fixture in the given format, plus the count of data lines that did not parse. */
function parseFixture(
  name: string,
  format: AccessLogFormatName,
): { entries: AccessLogEntry[]; failed: number } {
  const parser = createLineParser(format);
  const entries: AccessLogEntry[] = [];
  let failed = 0;
  for (const line of fixtureLines(name)) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) parser.directive(line);
    else {
      const entry = parser.parse(line);
      if (entry === undefined) failed++;
      else entries.push(entry);
    }
  }
  return { entries, failed };
}

interface Expected {
  file: string;
  format: AccessLogFormatName;
  entries: number;
  failed?: number;
  first: Partial<AccessLogEntry> & { time: string };
}

const CASES: Expected[] = [
  {
    file: 'common.log',
    format: 'clf',
    entries: 1,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      user: 'theuser',
      path: '/',
      status: 301,
      bytes: 368,
    },
  },
  {
    file: 'ncsa_extended.log',
    format: 'combined',
    entries: 1,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      path: '/',
      status: 301,
      userAgent: CHROME_17,
    },
  },
  {
    file: 'logs_to_tests.log',
    format: 'combined',
    entries: 4,
    first: {
      time: '2013-02-05T07:01:26.000Z',
      clientIp: '203.38.78.246',
      referrer: 'http://clearcode.cc/',
      status: 200,
      bytes: 192,
    },
  },
  {
    file: 'icecast2.log',
    format: 'ncsa',
    entries: 1,
    first: { time: '2012-02-10T21:42:07.000Z', clientIp: '1.2.3.4', path: '/', userAgent: CHROME_17 },
  },
  {
    file: 'common_vhost.log',
    format: 'vhost',
    entries: 1,
    first: { time: '2012-02-10T21:42:07.000Z', clientIp: '1.2.3.4', host: 'www.example.com', userAgent: '' },
  },
  {
    file: 'common_complete.log',
    format: 'vhost',
    entries: 1,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      host: 'www.example.com',
      userAgent: CHROME_17,
    },
  },
  {
    file: 'common_encoding_big5.log',
    format: 'vhost',
    entries: 1,
    first: { time: '2012-02-10T21:42:07.000Z', clientIp: '1.2.3.4', status: 301 },
  },
  {
    file: 'static_ignores.log',
    format: 'vhost',
    entries: 4,
    first: { time: '2012-02-10T21:41:07.000Z', clientIp: '1.2.3.4', path: '/', status: 200 },
  },
  {
    file: 'gandi.log',
    format: 'gandi',
    entries: 2,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      host: 'www.example.com',
      userAgent: CHROME_17,
    },
  },
  {
    file: 'ovh.log',
    format: 'ovh',
    entries: 1,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      host: 'www.example.com',
      user: 'theuser',
    },
  },
  {
    file: 's3.log',
    format: 's3',
    entries: 1,
    first: {
      time: '2012-02-10T21:42:07.000Z',
      clientIp: '1.2.3.4',
      host: 'www.example.com',
      path: '/index',
      status: 200,
      bytes: 368,
      userAgent: CHROME_17,
    },
  },
  {
    file: 'haproxy.log',
    format: 'haproxy',
    entries: 1,
    first: {
      time: '2018-09-25T06:05:27.584Z',
      clientIp: '4.3.2.1',
      method: 'POST',
      path: '/user/',
      status: 200,
    },
  },
  {
    file: 'elb.log',
    format: 'elb',
    entries: 2,
    first: {
      time: '2015-05-13T23:39:43.945Z',
      clientIp: '1.2.3.4',
      path: 'https://www.example.com:443/path/index.html',
      host: 'www.example.com',
      status: 200,
      bytes: 57,
      userAgent: CHROME_17,
    },
  },
  {
    file: 'alb.log',
    format: 'alb',
    entries: 1,
    first: {
      time: '2020-01-01T00:55:04.127Z',
      clientIp: '1.2.3.4',
      status: 200,
      bytes: 24950,
      userAgent: CHROME_17,
    },
  },
  {
    file: 'nginx_json.log',
    format: 'nginx-json',
    entries: 2,
    first: {
      time: '2013-10-10T14:52:00.000Z',
      clientIp: '1.2.3.4',
      host: 'www.piwik.org',
      method: '',
      status: 200,
      bytes: 192,
      referrer: 'http://clearcode.cc/',
    },
  },
  {
    file: 'caddy_json.log',
    format: 'caddy-json',
    entries: 3,
    first: {
      time: '2023-12-23T23:17:54.816Z',
      clientIp: '1.2.3.4',
      method: 'GET',
      path: '/beta/',
      protocol: 'HTTP/2.0',
      status: 200,
      bytes: 3609,
      host: 'example.com',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0',
    },
  },
  {
    file: 'traefik_json.log',
    format: 'traefik-json',
    entries: 1,
    first: {
      time: '2023-08-11T11:39:21.773Z',
      clientIp: '1.2.3.4',
      path: '/my/app/auth?id=1234&user=dude',
      status: 200,
      bytes: 15,
      userAgent: 'Prometheus/2.40.5',
      host: 'localhost',
    },
  },
  {
    file: 'iis.log',
    format: 'w3c',
    entries: 1,
    first: {
      time: '2012-04-01T00:00:13.000Z',
      clientIp: '1.2.3.4',
      path: '/foo/bar?topCat1=divinity&submit=Search',
      status: 200,
      bytes: 27028,
      host: 'example.com',
      user: 'theuser',
      userAgent: 'Mozilla/5.0 (X11; U; Linux i686; en-US; rv:1.9.2.7) Gecko/20100722 Firefox/3.6.7',
    },
  },
  {
    // The second line has no client address (c-ip `-`): no identity, so it does not parse.
    file: 'iis_custom.log',
    format: 'w3c',
    entries: 2,
    failed: 1,
    first: {
      time: '2012-08-15T17:00:00.363Z',
      clientIp: '70.95.0.0',
      path: '/Products/theProduct',
      host: 'xzy.example.com',
      referrer: 'http://example.com/Search/SearchResults.pg?informationRecipient.languageCode.c=en',
    },
  },
  {
    file: 'incapsula_w3c.log',
    format: 'w3c',
    entries: 2,
    first: {
      time: '2017-06-28T07:26:35.000Z',
      clientIp: '123.123.123.123',
      path: '/page.php?variable=test',
      host: 'www.example.com',
      status: 200,
    },
  },
  {
    file: 'netscaler.log',
    format: 'w3c',
    entries: 1,
    first: { time: '2012-08-16T11:55:13.000Z', clientIp: '172.20.1.0', status: 302, bytes: 355 },
  },
  {
    file: 'amazon_cloudfront_web.log',
    format: 'w3c',
    entries: 1,
    first: {
      time: '2014-05-23T01:13:11.000Z',
      clientIp: '192.0.2.10',
      path: '/view/my/file.html',
      host: 'example.com',
      referrer: 'https://example.com/',
      userAgent:
        'Mozilla/5.0 (Windows; U; Windows NT 6.1; de-DE) AppleWebKit/534.17 (KHTML, like Gecko) Chrome/10.0.649.0 Safari/534.17',
    },
  },
  {
    file: 'shoutcast.log',
    format: 'w3c',
    entries: 1,
    first: {
      time: '2015-12-07T10:37:05.000Z',
      clientIp: '1.2.3.4',
      userAgent: 'NSPlayer/10.0.0.3702 WMFSDK/10.0',
    },
  },
  {
    file: 'splitted_date_and_time.log',
    format: 'w3c',
    entries: 1,
    first: { time: '2015-12-07T10:37:05.000Z', clientIp: '1.2.3.4', path: '/stream?title=UKR%20Nights' },
  },
];

describe('fixtures', () => {
  it.each(CASES)('$file is detected as $format and parses', ({ file, format, entries, failed, first }) => {
    expect(detectAccessLogFormat(fixtureLines(file).slice(0, 50))).toBe(format);
    const parsed = parseFixture(file, format);
    expect(parsed.entries).toHaveLength(entries);
    expect(parsed.failed).toBe(failed ?? 0);
    const { time, ...fields } = first;
    const entry = parsed.entries[0];
    expect(new Date(entry?.tsMs ?? Number.NaN).toISOString()).toBe(time);
    expect(entry).toMatchObject(fields);
  });

  it('does not recognise a custom date format', () => {
    expect(detectAccessLogFormat(fixtureLines('custom_regex_custom_date.log'))).toBeUndefined();
  });

  it('reads the ELB TCP-listener line with method "-" (left out later by method)', () => {
    expect(parseFixture('elb.log', 'elb').entries[1]).toMatchObject({
      clientIp: '192.168.131.39',
      method: '-',
      status: 0,
    });
  });
});

describe('format names', () => {
  it('detection tries every format exactly once', () => {
    expect([...DETECTION_ORDER].sort()).toEqual([...ACCESS_LOG_FORMATS].sort());
  });

  it('accepts the names and access-log, nothing else', () => {
    expect(isAccessLogFormat('combined')).toBe(true);
    expect(isAccessLogFormat('access-log')).toBe(true);
    expect(isAccessLogFormat('csv')).toBe(false);
  });

  it('prefers the strict format on a tie, the loose one when only it fits', () => {
    const clf = '1.2.3.4 - - [10/Feb/2012:16:42:07 -0500] "GET / HTTP/1.0" 200 5';
    const combined = `${clf} "-" "curl/8.0"`;
    expect(detectAccessLogFormat([clf, clf])).toBe('clf');
    expect(detectAccessLogFormat([combined, combined])).toBe('combined');
    expect(detectAccessLogFormat([clf, combined, `${combined} 1234`])).toBe('ncsa');
    expect(detectAccessLogFormat(['', '   ', 'not a log line'])).toBeUndefined();
    expect(detectAccessLogFormat(['#Version: 1.0', '#Fields: date time c-ip cs-uri-stem'])).toBe('w3c');
  });
});

describe('Common Log Format lines', () => {
  const line = 'in24.inetnebr.com - - [01/Aug/1995:00:00:01 -0400] "GET /a.txt HTTP/1.0" 200 1839';

  it('reads every field', () => {
    expect(parseClf(line)).toEqual({
      tsMs: Date.UTC(1995, 7, 1, 4, 0, 1),
      clientIp: 'in24.inetnebr.com',
      method: 'GET',
      path: '/a.txt',
      protocol: 'HTTP/1.0',
      status: 200,
      bytes: 1839,
      referrer: '',
      userAgent: '',
      host: '',
      user: '',
    });
  });

  it('accepts CRLF endings, "-" bytes and HTTP/0.9 requests', () => {
    expect(parseClf(`${line}\r`)?.bytes).toBe(1839);
    expect(parseClf(line.replace('1839', '-'))?.bytes).toBe(0);
    expect(parseClf(line.replace(' HTTP/1.0', ''))).toMatchObject({ path: '/a.txt', protocol: '' });
  });

  it('rejects broken lines and impossible dates', () => {
    expect(parseClf('in24.inetnebr.com - - [01/Aug/1995:00:00:01 -0400] "GET /a')).toBeUndefined();
    expect(parseClf(line.replace('01/Aug', '30/Feb'))).toBeUndefined();
    expect(parseClf(line.replace('00:00:01', '24:00:01'))).toBeUndefined();
    expect(parseCombined(line)).toBeUndefined();
  });

  it('keeps escaped and unescaped quotes inside quoted fields', () => {
    const quoted = `${line} "-" "Mozilla \\"quoted\\" agent"`;
    expect(parseCombined(quoted)?.userAgent).toBe('Mozilla \\"quoted\\" agent');
    expect(parseCombined(line.replace('/a.txt', '/a"b.txt').concat(' "-" "UA"'))?.path).toBe('/a"b.txt');
    expect(parseNcsa(`${line} "-" "UA" "cookie=1" 42`)?.userAgent).toBe('UA');
  });
});

describe('clfTimeToMs', () => {
  it.each([
    ['01/Aug/1995:00:00:01 -0400', '1995-08-01T04:00:01.000Z'],
    ['10/Feb/2012:16:42:07 +0530', '2012-02-10T11:12:07.000Z'],
    ['29/Feb/2024:23:59:59 +00:00', '2024-02-29T23:59:59.000Z'],
    ['25/Sep/2018:06:05:27.584', '2018-09-25T06:05:27.584Z'],
    ['31/dec/1999:23:59:59 -0000', '1999-12-31T23:59:59.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(new Date(clfTimeToMs(text) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([
    '29/Feb/2023:00:00:00 +0000',
    '01/Foo/2020:00:00:00 +0000',
    '01/Aug/1995:00:00:01 0400',
    '1/Aug/1995:0:0:1',
  ])('rejects %s', (text) => {
    expect(clfTimeToMs(text)).toBeUndefined();
  });
});

describe('dateAndTimeToMs', () => {
  it.each([
    ['2012-04-01', '00:00:13', '2012-04-01T00:00:13.000Z'],
    ['2012-08-15', '17:00:00.363', '2012-08-15T17:00:00.363Z'],
    ['2012-08-15', '17:00:00.5', '2012-08-15T17:00:00.500Z'],
    ['2023-08-11', '11:39:21.773360139', '2023-08-11T11:39:21.773Z'],
    ['2024-02-29', '23:59', '2024-02-29T23:59:00.000Z'],
  ])('%s %s is %s', (date, time, iso) => {
    expect(new Date(dateAndTimeToMs(date, time) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([
    ['2023-02-29', '00:00:00'],
    ['2012-13-01', '00:00:00'],
    ['2012-04-01', '24:00:00'],
    ['2012-04-01', '00:00:00.'],
    ['2012-04-01', '00:00:00.1x'],
    ['01/04/2012', '00:00:00'],
    ['', ''],
  ])('rejects %s %s', (date, time) => {
    expect(dateAndTimeToMs(date, time)).toBeUndefined();
  });
});

describe('isoUtcToMs', () => {
  it('reads ISO UTC times and leaves other shapes to the general parser', () => {
    expect(isoUtcToMs('2015-05-13T23:39:43.945958Z')).toBe(Date.UTC(2015, 4, 13, 23, 39, 43, 945));
    expect(isoUtcToMs('2015-05-13T23:39:43+02:00')).toBeUndefined();
    expect(isoUtcToMs('2015-05-13 23:39:43Z')).toBeUndefined();
  });
});

describe('shared fields', () => {
  function request(text: string): Pick<AccessLogEntry, 'method' | 'path' | 'protocol'> {
    const entry = parseClf('1.2.3.4 - - [01/Aug/1995:00:00:01 -0400] "-" 400 0');
    if (entry === undefined) throw new Error('fixture line does not parse');
    splitRequest(entry, text);
    return { method: entry.method, path: entry.path, protocol: entry.protocol };
  }

  it('splits request lines', () => {
    expect(request('GET /a b?x=1 HTTP/1.1')).toEqual({
      method: 'GET',
      path: '/a b?x=1',
      protocol: 'HTTP/1.1',
    });
    expect(request('-')).toEqual({ method: '-', path: '', protocol: '' });
    expect(request('')).toEqual({ method: '', path: '', protocol: '' });
  });

  it('drops ports and reads counts', () => {
    expect(withoutPort('1.2.3.4:80')).toBe('1.2.3.4');
    expect(withoutPort('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(withoutPort('2001:db8::1')).toBe('2001:db8::1');
    expect(hostOfUrl('https://www.example.com:443/x?y')).toBe('www.example.com');
    expect(hostOfUrl('/x')).toBe('');
    expect([countOf('368'), countOf('-'), countOf('-1'), countOf('1.5'), countOf(undefined)]).toEqual([
      368, 0, 0, 0, 0,
    ]);
  });
});

describe('JSON logs', () => {
  it('reads nginx variable names and rejects non-objects', () => {
    const line = JSON.stringify({
      remote_addr: '9.9.9.9',
      time_local: '10/Oct/2013:16:52:00 +0200',
      request: 'GET /x?y=1 HTTP/1.1',
      status: 404,
      body_bytes_sent: '12',
      http_user_agent: 'curl/8.0',
    });
    expect(parseNginxJson(line)).toMatchObject({
      tsMs: Date.UTC(2013, 9, 10, 14, 52),
      clientIp: '9.9.9.9',
      method: 'GET',
      path: '/x?y=1',
      status: 404,
      bytes: 12,
      userAgent: 'curl/8.0',
    });
    expect(parseNginxJson('[1, 2]')).toBeUndefined();
    expect(parseNginxJson('{"ip": "1.2.3.4", "status": 200')).toBeUndefined();
  });
});

describe('W3C extended', () => {
  it('splits quoted, spaced and tabbed lines', () => {
    expect(splitW3cLine('a "b c"  - ""\r')).toEqual(['a', 'b c', '-', '']);
    expect(splitW3cLine('a\tb c\t\t')).toEqual(['a', 'b c', '', '']);
  });

  it('decodes IIS and CloudFront agents', () => {
    expect(decodeW3cAgent('Mozilla/5.0+(X11;+U)')).toBe('Mozilla/5.0 (X11; U)');
    expect(decodeW3cAgent('Mozilla/5.0%2520(Windows)')).toBe('Mozilla/5.0 (Windows)');
    expect(decodeW3cAgent('Plain agent+1')).toBe('Plain agent+1');
    expect(decodeW3cAgent('bad%E0%A4%A')).toBe('bad%E0%A4%A');
  });

  it('follows #Fields: changes and refuses data before any', () => {
    const w3c = createW3cParser();
    expect(w3c.parse('2012-04-01 00:00:13 1.2.3.4 /a 200')).toBeUndefined();
    expect(w3c.parse('#Fields: date time c-ip cs-uri-stem sc-status')).toEqual({ kind: 'directive' });
    const first = w3c.parse('2012-04-01 00:00:13 1.2.3.4 /a 200');
    expect(first?.kind === 'entry' && first.entry).toMatchObject({
      clientIp: '1.2.3.4',
      path: '/a',
      status: 200,
    });
    expect(w3c.parse('2012-04-01 00:00:13 1.2.3.4 /a')).toBeUndefined();
    w3c.parse('#Fields: c-ip date-local time-local cs-uri-stem');
    const second = w3c.parse('5.6.7.8 2012-04-01 02:00:00 /b');
    expect(second?.kind === 'entry' && second.entry).toMatchObject({
      tsMs: Date.UTC(2012, 3, 1, 2),
      status: 0,
    });
  });

  it('reads local columns in the given zone', () => {
    const w3c = createW3cParser({ inputZone: 'Europe/Berlin' });
    w3c.parse('#Fields: date-local time-local c-ip');
    const result = w3c.parse('2012-08-15 17:00:00.363 1.2.3.4');
    expect(result?.kind === 'entry' && new Date(result.entry.tsMs).toISOString()).toBe(
      '2012-08-15T15:00:00.363Z',
    );
  });
});
