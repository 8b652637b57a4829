/**
 * The dashboard's state lives in the URL, so every view can be shared and reloaded:
 *
 *   /overview?site=shop&period=7d&compare=none&tz=Europe/Berlin&filter=device_type%3Dmobile
 *   /share/sh_…/live            a share link's read-only dashboard (its own site)
 *   /sessions/ID?…               a view's own path segments are kept in `rest`
 *
 * `useRoute()` re-renders on every change; `navigate(patch)` pushes a new URL (or replaces it).
 */
import { useEffect, useState } from 'preact/hooks';
import { browserZone, PRESETS, type Preset } from './period.ts';

export const VIEWS = ['overview', 'sessions', 'analyses', 'insights', 'live'] as const;
export type View = (typeof VIEWS)[number] | 'login';

export interface Route {
  readonly view: View;
  /** Path segments after the view (`/sessions/ID` → ['ID']). */
  readonly rest: readonly string[];
  /** The share link's secret when the dashboard was opened as `/share/sh_…`. */
  readonly share: string | undefined;
  readonly site: string | undefined;
  readonly period: Preset;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly compare: 'previous' | 'none';
  readonly tz: string;
  /** `dimension=value`, `dimension!=value`, `dimension~text`, as the API's `filter` takes them. */
  readonly filters: readonly string[];
  /** A view's own query parameters (kept as they are). */
  readonly extra: Readonly<Record<string, string>>;
}

const OWN = new Set(['site', 'period', 'from', 'to', 'compare', 'tz', 'filter']);
export const DEFAULT_PERIOD: Preset = '30d';

export function parseRoute(path: string, search: string): Route {
  let segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let share: string | undefined;
  if (segments[0] === 'share' && segments[1] !== undefined) {
    share = segments[1];
    segments = segments.slice(2);
  }
  const first = segments[0] ?? 'overview';
  const view: View =
    first === 'login' || (VIEWS as readonly string[]).includes(first) ? (first as View) : 'overview';
  const q = new URLSearchParams(search);
  const period = q.get('period') as Preset | null;
  const extra: Record<string, string> = {};
  for (const [k, v] of q) if (!OWN.has(k)) extra[k] = v;
  return {
    view,
    rest: segments.slice(1),
    share,
    site: q.get('site') ?? undefined,
    period: period !== null && PRESETS.includes(period) ? period : DEFAULT_PERIOD,
    from: q.get('from') ?? undefined,
    to: q.get('to') ?? undefined,
    compare: q.get('compare') === 'none' ? 'none' : 'previous',
    tz: q.get('tz') ?? browserZone(),
    filters: q.getAll('filter'),
    extra,
  };
}

export function hrefOf(r: Route): string {
  const base = r.share === undefined ? '' : `/share/${encodeURIComponent(r.share)}`;
  const path = `${base}/${[r.view, ...r.rest].map(encodeURIComponent).join('/')}`;
  const q = new URLSearchParams();
  if (r.site !== undefined && r.share === undefined) q.set('site', r.site);
  if (r.period !== DEFAULT_PERIOD) q.set('period', r.period);
  if (r.period === 'custom') {
    if (r.from !== undefined) q.set('from', r.from);
    if (r.to !== undefined) q.set('to', r.to);
  }
  if (r.compare === 'none') q.set('compare', 'none');
  if (r.tz !== browserZone()) q.set('tz', r.tz);
  for (const f of r.filters) q.append('filter', f);
  for (const [k, v] of Object.entries(r.extra)) q.set(k, v);
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

export const currentRoute = (): Route => parseRoute(location.pathname, location.search);

const listeners = new Set<() => void>();
// (Only in a browser: the parsing above is also tested in Node.)
if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => {
    for (const l of listeners) l();
  });

/** Moves to the route `patch` makes of the current one (a new history entry unless `replace`). */
export function navigate(patch: Partial<Route>, options: { replace?: boolean } = {}): void {
  const next = hrefOf({ ...currentRoute(), ...patch });
  // The same address is no new history entry, but the app still looks again (a login on the
  // page a refused token was on must show that page).
  if (next !== `${location.pathname}${location.search}`) {
    if (options.replace === true) history.replaceState(null, '', next);
    else history.pushState(null, '', next);
  }
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    listeners.add(update);
    return () => {
      listeners.delete(update);
    };
  }, []);
  return route;
}

/** A link's onClick that navigates in place (the href stays a real URL for new tabs). */
export function linkTo(patch: Partial<Route>) {
  return {
    href: hrefOf({ ...currentRoute(), ...patch }),
    onClick: (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(patch);
    },
  };
}
