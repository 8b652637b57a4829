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
  /** A view of the first bundle (drawn at once), or one loaded when first opened. */
  readonly view: ComponentType<ViewProps> | (() => Promise<ComponentType<ViewProps>>);
  /** True for a view loaded when first opened. */
  readonly lazy?: boolean;
}

export const VIEW_ENTRIES: Readonly<Record<string, ViewEntry>> = {
  overview: { title: 'Overview', view: Overview },
  sessions: { title: 'Sessions', lazy: true, view: async () => (await import('./sessions.tsx')).Sessions },
  analyses: { title: 'Analyses', lazy: true, view: async () => (await import('./analyses.tsx')).Analyses },
  insights: { title: 'Insights', lazy: true, view: async () => (await import('./insights.tsx')).Insights },
  live: { title: 'Live', lazy: true, view: async () => (await import('./live.tsx')).Live },
};
