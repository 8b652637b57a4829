/**
 * Small readers for the fields most formats share: `-` as "not logged", numeric status and bytes,
 * `host:port` addresses, and the request line `METHOD target PROTOCOL`.
 *
 *   splitRequest(entry, 'GET /a b?x=1 HTTP/1.1') // method 'GET', path '/a b?x=1', protocol 'HTTP/1.1'
 */
import type { AccessLogEntry } from './entry.ts';

/** `-` and undefined mean "not logged". */
export function orEmpty(value: string | undefined): string {
  return value === undefined || value === '-' ? '' : value;
}

/** A whole non-negative number, or 0 for `-`, empty, negative (HAProxy's -1), fractions or garbage. */
export function countOf(value: string | undefined): number {
  if (value === undefined || value.length === 0 || value.length > 15) return 0;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** `1.2.3.4:80` → `1.2.3.4`, `[::1]:80` → `::1`, `example.com:443` → `example.com`; bare IPv6 untouched. */
export function withoutPort(address: string): string {
  if (address === '') return address;
  if (address.charCodeAt(0) === 91) {
    const close = address.indexOf(']');
    return close > 0 ? address.slice(1, close) : address;
  }
  const colon = address.lastIndexOf(':');
  if (colon < 0 || address.indexOf(':') !== colon) return address;
  for (let i = colon + 1; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c < 48 || c > 57) return address;
  }
  return address.slice(0, colon);
}

/** Host of an absolute URL (`https://a.example:443/x` → `a.example`), else ''. */
export function hostOfUrl(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 1 || scheme > 8) return '';
  const start = scheme + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break;
    end++;
  }
  return withoutPort(url.slice(start, end));
}

/**
 * Fill `method`, `path` and `protocol` from a logged request line. The protocol is the last word
 * when it starts with `HTTP`; the path is everything between, spaces included (`"GET /a b HTTP/1.0"`).
 * A line without a space (`"-"`, garbage) becomes the method, with an empty path.
 */
export function splitRequest(entry: AccessLogEntry, request: string): void {
  const line = request.trim();
  const first = line.indexOf(' ');
  if (first < 0) {
    entry.method = line;
    return;
  }
  entry.method = line.slice(0, first);
  const last = line.lastIndexOf(' ');
  if (last > first && line.startsWith('HTTP', last + 1)) {
    entry.path = line.slice(first + 1, last).trim();
    entry.protocol = line.slice(last + 1);
  } else {
    entry.path = line.slice(first + 1).trim();
  }
}
