/**
 * The states every panel goes through, designed rather than blank: a skeleton while loading, a
 * friendly message with a hint when there is nothing, and the server's own message (code and
 * hint) when a request is refused.
 *
 *   <Loaded state={useApi(...)} skeleton="table">{(data) => <Table rows={data.rows} />}</Loaded>
 */
import type { ComponentChildren } from 'preact';
import type { ApiError, ApiState } from '../api.ts';

export function Skeleton({
  kind = 'table',
  label = 'Loading',
}: {
  kind?: 'table' | 'chart' | 'kpi';
  label?: string;
}) {
  const lines = kind === 'table' ? 6 : kind === 'kpi' ? 2 : 0;
  return (
    <div class={`skeleton skeleton-${kind}`} role="status" aria-live="polite" aria-busy="true">
      <span class="visually-hidden">{label}…</span>
      {kind === 'chart' ? <div class="skeleton-block" /> : null}
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} class="skeleton-line" data-n={i % 3} />
      ))}
    </div>
  );
}

export function Empty({ title, hint }: { title: string; hint?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {hint === undefined ? null : <p class="empty-hint">{hint}</p>}
    </div>
  );
}

export function ErrorPanel({ error, what }: { error: ApiError; what?: string }) {
  return (
    <div class="error-panel" role="alert">
      <p class="error-title">
        {what === undefined ? 'Could not load this' : `Could not load ${what}`}
        <span class="error-code">
          {error.status === 0 ? '' : `${error.status} `}
          {error.code}
        </span>
      </p>
      <p class="error-message">{error.message}</p>
      {error.hint === undefined ? null : <p class="error-hint">{error.hint}</p>}
    </div>
  );
}

export function Loaded<T>({
  state,
  skeleton = 'table',
  what,
  children,
}: {
  state: ApiState<T>;
  skeleton?: 'table' | 'chart' | 'kpi';
  what?: string;
  children: (data: T) => ComponentChildren;
}) {
  if (state.status === 'loading') return <Skeleton kind={skeleton} />;
  if (state.status === 'error')
    return <ErrorPanel error={state.error} {...(what === undefined ? {} : { what })} />;
  return <>{children(state.data)}</>;
}
