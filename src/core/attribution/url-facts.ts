/**
 * What attribution reads from URLs: a page's or referrer's host as stint compares hosts, and
 * the ad click id a landing URL carries. Each is one pattern, which the stores also run in
 * SQL (store/duckdb/columns.ts), so both ways give the same answer.
 *
 *   siteHostOf('https://WWW.Shop.example:8443/a?b') === 'shop.example'
 *   clickIdOf('/landing?utm_source=x&gclid=abc') === 'gclid'
 */

/** The authority of an absolute (`scheme://…`) or scheme-relative (`//…`) URL, as group 1. */
export const AUTHORITY_PATTERN = '^(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#]*)';
/** After the authority is lowered: the user info, the port and a leading `www.`, each removed. */
export const HOST_TRIMS = ['^.*@', ':[0-9]*$', '^www\\.'] as const;

/** The ad click ids stint knows (attribute.ts says what each means), as group 1. */
export const CLICK_ID_PATTERN =
  '\\?(?:[^#]*&)?(gclid|gbraid|wbraid|dclid|msclkid|fbclid|ttclid|li_fat_id)(?:[=&#]|$)';

const AUTHORITY = new RegExp(AUTHORITY_PATTERN);
const TRIMS = HOST_TRIMS.map((p) => new RegExp(p));
const CLICK_ID = new RegExp(CLICK_ID_PATTERN);

/** The host of a URL in lower case, without user info, port and `www.`; '' for a path or no URL. */
export function siteHostOf(url: string): string {
  const authority = AUTHORITY.exec(url)?.[1];
  if (authority === undefined || authority === '') return '';
  return bareHost(authority);
}

/** A host (`WWW.Shop.example:8443`) as stint compares hosts: `shop.example`. */
export function bareHost(host: string): string {
  let bare = host.toLowerCase();
  for (const trim of TRIMS) bare = bare.replace(trim, '');
  return bare;
}

/** The first ad click id parameter of a URL's query ('' for none). */
export function clickIdOf(url: string): string {
  // Most URLs carry none: looked for without the pattern first.
  if (url.indexOf('?') === -1) return '';
  return CLICK_ID.exec(url)?.[1] ?? '';
}
