/**
 * The event a Node app tracks: the collector's wire fields (schema/events.ts EVENT_SPECS), each
 * optional, written out with what it means. A compile-time check below (and
 * test/client/event-fields.test.ts) keeps it to exactly the fields of EVENT_SPECS.
 *
 *   client.track({ event: 'signup', user_id: 'u-42', url: 'https://shop.example/join', value: 49 });
 */
import type { EventFieldName } from '../schema/events.ts';

/** A property's value, as the collector takes it. */
export type Scalar = string | number | boolean | null;

/** An event's properties: a flat object of at most 64 scalars, names of at most 64 characters. */
export type Properties = Readonly<Record<string, Scalar>>;

export interface Event {
  /** When it happened: epoch milliseconds, ISO-8601 text or a Date. Default: the time of `track`. */
  readonly timestamp?: number | string | Date | undefined;
  /** The device's id; with neither this nor `user_id`, the server hashes `ip` and `user_agent`. */
  readonly anonymous_id?: string | undefined;
  /** The known user's id. */
  readonly user_id?: string | undefined;
  /** The event's name (`pageview` when left out). */
  readonly event?: string | undefined;
  readonly url?: string | undefined;
  readonly referrer?: string | undefined;
  readonly utm_source?: string | undefined;
  readonly utm_medium?: string | undefined;
  readonly utm_campaign?: string | undefined;
  readonly utm_term?: string | undefined;
  readonly utm_content?: string | undefined;
  /** A session key of the app's own (used when the site's rules have a session key). */
  readonly session_id?: string | undefined;
  /** The visitor's IANA time zone, such as `Europe/Berlin`. */
  readonly timezone?: string | undefined;
  /** ISO 3166-1 alpha-2 of the visitor, when the app knows it; else the server takes it from `ip`, then `timezone`. */
  readonly country?: string | undefined;
  /** The visitor's User-Agent (the app's own agent is never used): device, browser and OS come from it. */
  readonly user_agent?: string | undefined;
  /** A decimal number from -1e12 to 1e12 (revenue, a score). */
  readonly value?: number | string | undefined;
  /** Assigned by `track` when left out (crypto.randomUUID), so a retried event is stored once. */
  readonly event_id?: string | undefined;
  /** The visitor's address, for the server's daily visitor hash only: it is never stored. */
  readonly ip?: string | undefined;
  readonly properties?: Properties | undefined;
  /** Plausible's name for `properties`, read the same way; prefer `properties`. */
  readonly props?: Properties | undefined;
}

/** True when A and B are the same set of names. */
type SameNames<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when Event and EVENT_SPECS list different fields. */
export const EVENT_MATCHES_WIRE: SameNames<keyof Event, EventFieldName> = true;
