/**
 * One visit's steps → the events a tracker would have sent for it, in the collector's wire
 * format: a pageview per page (the first with the arrival's referrer and UTM query, the next
 * ones with the previous page as an internal referrer), the visit's own events, and an
 * `engagement` event (`engaged_ms`) when a page is left, as `stint.js` sends on pagehide.
 *
 *   visitEvents(steps, { origin, startMs, arrival, who, random })
 */
import type { Arrival } from './channels.ts';
import type { Random } from './random.ts';
import type { Step } from './site-model.ts';

/** An event as a server-side sender posts it to /api/v1/events. */
export interface DemoEvent {
  readonly event_id: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly event: string;
  readonly url: string;
  readonly referrer: string;
  readonly anonymous_id: string;
  readonly user_id?: string;
  readonly timezone: string;
  readonly user_agent: string;
  /** The visitor's address: the collector reads the country from it and never stores it. */
  readonly ip: string;
  readonly value?: number;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Who sends a visit's events. */
export interface Sender {
  readonly anonymousId: string;
  readonly userId: string;
  readonly timezone: string;
  readonly userAgent: string;
  readonly ip: string;
}

export interface VisitInput {
  readonly origin: string;
  readonly startMs: number;
  readonly arrival: Arrival;
  readonly who: Sender;
  readonly random: Random;
  /** Share of page leaves whose engagement event reaches the server (a closed laptop sends none). */
  readonly engagementShare?: number;
  /**
   * A single-page app: moving to another route fires no pagehide, so engagement is sent when
   * the tab is hidden (now and then) or the visit ends, with the visible time since the last one.
   */
  readonly singlePage?: boolean;
}

export interface Visit {
  readonly events: DemoEvent[];
  /** The user id the visit ended logged in as ('' if none). */
  readonly userId: string;
}

export function visitEvents(steps: readonly Step[], input: VisitInput): Visit {
  const { origin, arrival, who, random } = input;
  const engagementShare = input.engagementShare ?? 0.85;
  const events: DemoEvent[] = [];
  let userId = who.userId;
  let t = input.startMs;
  let pageUrl = '';
  let pageStart = t;
  let pageStay = 0;
  let previousUrl = '';
  let pages = 0;
  const emit = (
    event: string,
    atMs: number,
    value?: number,
    properties?: Readonly<Record<string, string | number | boolean>>,
  ): void => {
    // Fields set one by one (no spreads): the demo makes some 400,000 of these.
    const e: Mutable<DemoEvent> = {
      event_id: random.hex(20),
      timestamp: Math.round(atMs),
      event,
      url: pageUrl,
      referrer: event !== 'pageview' ? '' : pages === 1 ? arrival.referrer : previousUrl,
      anonymous_id: who.anonymousId,
      timezone: who.timezone,
      user_agent: who.userAgent,
      ip: who.ip,
    };
    if (userId !== '') e.user_id = userId;
    if (value !== undefined) e.value = value;
    if (properties !== undefined) e.properties = properties;
    events.push(e);
  };
  let unsent = 0;
  const leavePage = (last: boolean): void => {
    if (pages === 0) return;
    // Visible time: all of the stay, or less when the tab was in the background for a while.
    unsent += random.chance(0.75) ? pageStay : pageStay * (0.3 + 0.6 * random.next());
    if (input.singlePage === true && !last && !random.chance(0.1)) return;
    const sent = unsent;
    unsent = 0;
    if (!random.chance(engagementShare)) return;
    emit('engagement', pageStart + pageStay - random.between(20, 400), undefined, {
      engaged_ms: Math.max(500, Math.round(sent)),
    });
  };
  for (const step of steps) {
    if (step.kind === 'page') {
      leavePage(false);
      t = pageStart + pageStay;
      previousUrl = pageUrl;
      pages++;
      pageUrl = `${origin}${step.path}${pages === 1 ? joinQuery(step.path, arrival.query) : ''}`;
      pageStart = t;
      pageStay = step.stayMs;
      emit('pageview', t);
    } else if (pages > 0) {
      const at = pageStart + Math.min(step.afterMs, Math.max(0, pageStay - 500));
      if (step.login !== undefined) userId = step.login;
      emit(step.name, at, step.value, step.props);
    }
  }
  leavePage(true);
  // Events on a page may come after its engagement only in a step list that says so: keep time order.
  events.sort((a, b) => a.timestamp - b.timestamp);
  return { events, userId };
}

/** The arrival's query on a landing path that may have its own (`/search?q=…`). */
function joinQuery(path: string, query: string): string {
  if (query === '' || !path.includes('?')) return query;
  return `&${query.slice(1)}`;
}
