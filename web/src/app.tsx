/**
 * The dashboard's shell: who is signed in (a token, or a share link's read-only view of one
 * site), the header with its views and controls, the filters bar, and the view the URL names.
 *
 *   /login#token=…  → kept, then /overview      /share/sh_…  → that site, read-only
 */
import type { ComponentType } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SitesResponse } from '../../src/api/types.ts';
import { ApiError, setApiToken, useApi } from './api.ts';
import { forgetToken, storedToken } from './auth.ts';
import { Controls } from './components/controls.tsx';
import { FiltersBar } from './components/filters-bar.tsx';
import { Empty, ErrorPanel, Skeleton } from './components/states.tsx';
import { queryOf } from './query.ts';
import { linkTo, navigate, type Route, useRoute } from './router.ts';
import { applyTheme, themePick } from './theme.ts';
import { VIEW_ENTRIES, type ViewProps } from './views/index.ts';
import { Login } from './views/login.tsx';

export function App() {
  const route = useRoute();
  const token = route.share ?? storedToken();
  // The credential the server refused, and why; a new one (signed in again) starts afresh.
  const [refusal, setRefusal] = useState<{ token: string | undefined; error: ApiError } | undefined>(
    undefined,
  );
  setApiToken(token, (error) => {
    if (route.share === undefined) forgetToken();
    setRefusal({ token, error });
  });
  const refused =
    refusal !== undefined && (refusal.token === token || token === undefined) ? refusal.error : undefined;

  if (route.share === undefined && (route.view === 'login' || token === undefined || refused !== undefined))
    return <Login reason={refused?.message} />;
  if (refused !== undefined)
    return (
      <main class="centered" id="main">
        <ErrorPanel error={refused} what="this share link" />
      </main>
    );
  return <Signed route={route} />;
}

function Signed({ route }: { route: Route }) {
  const sites = useApi<SitesResponse>('/api/v1/sites', {});
  const list = sites.status === 'ok' ? sites.data.sites : [];
  const site = route.site ?? list[0]?.name;
  const shared = route.share !== undefined;
  useEffect(() => {
    // The site in the URL from the first load on, so the address can be shared as it is.
    if (!shared && route.site === undefined && site !== undefined) navigate({ site }, { replace: true });
  }, [shared, route.site, site]);
  const query = useMemo(() => queryOf(route, site, Date.now()), [route, site]);
  // One message for the whole view, not one per panel.
  const unknownSite =
    !shared && sites.status === 'ok' && site !== undefined && !list.some((s) => s.name === site);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to the content
      </a>
      <header class="top">
        <div class="top-row">
          <span class="brand">stint</span>
          <nav class="tabs" aria-label="Views">
            {Object.entries(VIEW_ENTRIES).map(([view, entry]) => (
              <a
                key={view}
                class={route.view === view ? 'tab active' : 'tab'}
                aria-current={route.view === view ? 'page' : undefined}
                {...linkTo({ view: view as Route['view'], rest: [] })}
              >
                {entry.title}
              </a>
            ))}
          </nav>
          <div class="top-end">
            {shared ? <span class="badge">Shared · read-only</span> : null}
            <ThemeToggle />
            {shared ? null : (
              <button
                type="button"
                class="link-button"
                onClick={() => {
                  forgetToken();
                  navigate({ view: 'login', rest: [] });
                }}
              >
                Sign out
              </button>
            )}
          </div>
        </div>
        <Controls route={route} sites={list} site={site} />
      </header>
      {route.view === 'live' ? null : <FiltersBar route={route} />}
      <main id="main" class="main">
        {/* A view whose site the URL names need not wait for the list of sites. */}
        {unknownSite ? (
          <ErrorPanel
            what="this site"
            error={
              new ApiError(
                404,
                'unknown_site',
                `No site named "${site ?? ''}" for this token`,
                `Pick one of: ${list.map((s) => s.name).join(', ')}`,
              )
            }
          />
        ) : site !== undefined || shared ? (
          <ViewOf route={route} props={{ route, query, shared }} />
        ) : sites.status === 'loading' ? (
          <Skeleton kind="chart" label="Loading your sites" />
        ) : sites.status === 'error' ? (
          <ErrorPanel error={sites.error} what="your sites" />
        ) : (
          <Empty
            title="No sites yet"
            hint={
              <>
                Add one with <code>stint sites add NAME --origin https://…</code>, then put the tracker on its
                pages.
              </>
            }
          />
        )}
      </main>
    </div>
  );
}

/** The view the route names: at once when it is in the first bundle, else loaded on first use. */
function ViewOf({ route, props }: { route: Route; props: ViewProps }) {
  const entry = VIEW_ENTRIES[route.view] ?? VIEW_ENTRIES.overview!;
  const [loaded, setLoaded] = useState<{ view: string; component: ComponentType<ViewProps> } | undefined>(
    undefined,
  );
  useEffect(() => {
    if (entry.lazy !== true) return;
    let live = true;
    (entry.view as () => Promise<ComponentType<ViewProps>>)().then(
      (component) => live && setLoaded({ view: route.view, component }),
    );
    return () => {
      live = false;
    };
  }, [entry, route.view]);
  const View =
    entry.lazy !== true
      ? (entry.view as ComponentType<ViewProps>)
      : loaded?.view === route.view
        ? loaded.component
        : undefined;
  if (View === undefined) return <Skeleton kind="chart" label={`Loading ${entry.title}`} />;
  return <View {...props} />;
}

function ThemeToggle() {
  const [pick, setPick] = useState(themePick);
  const next = pick === 'auto' ? 'dark' : pick === 'dark' ? 'light' : 'auto';
  return (
    <button
      type="button"
      class="icon-button"
      aria-label={`Theme: ${pick}. Switch to ${next}`}
      title={`Theme: ${pick} (click for ${next})`}
      onClick={() => {
        applyTheme(next);
        setPick(next);
      }}
    >
      {pick === 'dark' ? '☾' : pick === 'light' ? '☀' : '◐'}
    </button>
  );
}
