/**
 * The views of the dashboard, by the path that opens them, in the order of the header's tabs.
 * Overview is in the first bundle; the others are loaded when opened. A new view: its file in
 * views/, a line here, and its path in the server's DASHBOARD_VIEWS (src/server/routes/dashboard.ts).
 */
import type { ComponentType } from 'preact';
import type { Query } from '../query.ts';
import type { Route } from '../router.ts';
import { Overview } from './overview.tsx';

export interface ViewProps {
  readonly route: Route;
  readonly query: Query;
  /** True for a share link's read-only dashboard. */
  readonly shared: boolean;
}

export interface ViewEntry {
  readonly title: string;
  readonly load: () => Promise<ComponentType<ViewProps>>;
}

export const VIEW_ENTRIES: Readonly<Record<string, ViewEntry>> = {
  overview: { title: 'Overview', load: async () => Overview },
  live: { title: 'Live', load: async () => (await import('./live.tsx')).Live },
};
