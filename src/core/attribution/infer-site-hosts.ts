/**
 * The site's own hosts, inferred from events whose URLs are bare paths (an access log's): a
 * referrer host is the site's when the pages it refers from are pages of the same events.
 * Used when `--site-host` is not given; the run prints what it inferred.
 *
 *   // referrers http://www.semicomplete.com/blog/a, …/projects/b, and both paths are pages
 *   inferSiteHosts(cols) // ['semicomplete.com']
 */
import type { EventColumns } from '../columns.ts';
import { createRules, type SessionRules } from '../rules.ts';
import { pathOf } from '../url.ts';
import { siteHostOf } from './url-facts.ts';

/** At least this many distinct pages of a host must be pages of the events … */
const MIN_PAGES = 2;
/** … and at least this share of its distinct pages (its front page `/` is left out: every site has one). */
const MIN_SHARE = 0.5;

/** The inferred hosts (sorted); none when the events' URLs carry hosts of their own. */
export function inferSiteHosts(cols: Pick<EventColumns, 'referrers' | 'paths' | 'hosts'>): string[] {
  if (cols.hosts.values.some((host) => host !== '')) return [];
  const pagesOf = new Map<string, Set<string>>();
  for (const referrer of cols.referrers.values) {
    const host = siteHostOf(referrer);
    if (host === '') continue;
    const path = pathOf(referrer);
    if (path === '/') continue;
    let pages = pagesOf.get(host);
    if (pages === undefined) pagesOf.set(host, (pages = new Set()));
    pages.add(path);
  }
  const own: string[] = [];
  for (const [host, pages] of pagesOf) {
    let known = 0;
    for (const page of pages) if (cols.paths.find(page) !== -1) known++;
    if (known >= MIN_PAGES && known >= MIN_SHARE * pages.size) own.push(host);
  }
  return own.sort();
}

/** The rules with the site's hosts: as given (`siteHosts`), else inferred from the events. */
export function withSiteHosts(
  rules: SessionRules,
  columns: Pick<EventColumns, 'referrers' | 'paths' | 'hosts'>,
): { used: SessionRules; inferred: string[] } {
  if (rules.siteHosts.length > 0) return { used: rules, inferred: [] };
  const inferred = inferSiteHosts(columns);
  return inferred.length === 0
    ? { used: rules, inferred }
    : { used: createRules({ ...rules, siteHosts: inferred }), inferred };
}
