/**
 * Paths and attribution from URLs, exactly as SESSIONS.md section 4 defines the path: drop
 * `scheme://host`, cut at the first `?` or `#`, empty becomes `/`, nothing else changes.
 *
 *   pathOf('https://shop.example/Cart/?a=1#x') === '/Cart/'
 */

export function pathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme > 0 && isScheme(url, scheme)) {
    const slash = url.indexOf('/', scheme + 3);
    const query = firstOf(url, scheme + 3);
    start = slash === -1 || (query !== -1 && query < slash) ? (query === -1 ? url.length : query) : slash;
  } else if (url.startsWith('//')) {
    const slash = url.indexOf('/', 2);
    start = slash === -1 ? url.length : slash;
  }
  const end = firstOf(url, start);
  const path = url.slice(start, end === -1 ? url.length : end);
  return path === '' ? '/' : path;
}

function firstOf(url: string, from: number): number {
  const q = url.indexOf('?', from);
  const h = url.indexOf('#', from);
  if (q === -1) return h;
  if (h === -1) return q;
  return Math.min(q, h);
}

function isScheme(url: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = url.charCodeAt(i);
    const ok =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46));
    if (!ok) return false;
  }
  return true;
}

export interface Utm {
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
  utm_term: string;
  utm_content: string;
}

export const UTM_KEYS = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

/** The parameters of a URL's query string (between `?` and `#`), decoded; undefined without one. */
export function queryOf(url: string): URLSearchParams | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  const hash = url.indexOf('#', q);
  return new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash));
}

/** The utm_* parameters of a URL's query string (decoded); missing ones are ''. */
export function utmFromUrl(url: string): Partial<Utm> | undefined {
  // Most URLs have no utm_ at all: found without parsing the query.
  const q = url.indexOf('?');
  if (q === -1 || url.indexOf('utm_', q) === -1) return undefined;
  const params = queryOf(url)!;
  const found: Partial<Utm> = {};
  for (const key of UTM_KEYS) {
    const v = params.get(key);
    if (v !== null && v !== '') found[key] = v;
  }
  return found;
}

/** The host of an absolute URL (lower case), or '' for a path or something unreadable. */
export function hostOf(url: string): string {
  const scheme = url.indexOf('://');
  const from = scheme > 0 ? scheme + 3 : url.startsWith('//') ? 2 : -1;
  if (from === -1) return '';
  let end = url.length;
  for (const stop of ['/', '?', '#']) {
    const i = url.indexOf(stop, from);
    if (i !== -1 && i < end) end = i;
  }
  const authority = url.slice(from, end);
  const at = authority.lastIndexOf('@');
  return authority.slice(at + 1).toLowerCase();
}
