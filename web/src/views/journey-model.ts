/**
 * A session's journey as the timeline draws it: its events in order, each page view with the
 * time spent on it: until the next page view, or, for the last page, the visible time its
 * `engagement` events report (`engaged_ms`), else until the session's last event after it.
 *
 *   timeline(events) // [{ event, page: true, spentMs: 42000, spentFrom: 'next page', offsetMs: 0 }, …]
 */
export interface JourneyEvent {
  readonly timestamp: string;
  readonly event: string;
  readonly url?: unknown;
  readonly path?: unknown;
  readonly properties?: unknown;
  readonly [field: string]: unknown;
}

export interface Step {
  readonly event: JourneyEvent;
  /** A page view (the others are events on the page before them). */
  readonly page: boolean;
  /** Milliseconds since the session's first event. */
  readonly offsetMs: number;
  /** Time on this page (page views only); null when nothing tells it. */
  readonly spentMs: number | null;
  readonly spentFrom: 'next page' | 'engagement' | 'last event' | null;
}

export function timeline(events: readonly JourneyEvent[]): Step[] {
  const at = events.map((e) => Date.parse(e.timestamp));
  const start = at[0] ?? 0;
  const pageAt = events.flatMap((e, i) => (e.event === 'pageview' ? [i] : []));
  return events.map((event, i): Step => {
    const base = { event, offsetMs: at[i]! - start };
    if (event.event !== 'pageview') return { ...base, page: false, spentMs: null, spentFrom: null };
    const nextPage = pageAt.find((j) => j > i);
    if (nextPage !== undefined)
      return { ...base, page: true, spentMs: at[nextPage]! - at[i]!, spentFrom: 'next page' };
    const after = events.slice(i + 1);
    const engaged = after
      .filter((e) => e.event === 'engagement')
      .map((e) => engagedMs(e.properties))
      .filter((ms): ms is number => ms !== undefined);
    if (engaged.length > 0)
      return { ...base, page: true, spentMs: engaged.reduce((a, b) => a + b, 0), spentFrom: 'engagement' };
    const last = at[at.length - 1]!;
    return last > at[i]!
      ? { ...base, page: true, spentMs: last - at[i]!, spentFrom: 'last event' }
      : { ...base, page: true, spentMs: null, spentFrom: null };
  });
}

function engagedMs(properties: unknown): number | undefined {
  if (properties === null || typeof properties !== 'object') return undefined;
  const v = Number((properties as Record<string, unknown>).engaged_ms);
  return Number.isFinite(v) && v >= 0 ? v : undefined;
}
