/**
 * One interaction after validation: the canonical fields of SESSIONS.md section 1 with their
 * types settled. Readers yield raw records; `createNormalizer` (normalize.ts) turns them into these.
 */

export interface StintEvent {
  readonly tsMs: number;
  /** '' when absent; at least one of anonymousId/userId is non-empty. */
  readonly anonymousId: string;
  readonly userId: string;
  /** 'pageview' when the input had none. */
  readonly name: string;
  readonly url: string;
  readonly referrer: string;
  readonly utmSource: string;
  readonly utmMedium: string;
  readonly utmCampaign: string;
  readonly utmTerm: string;
  readonly utmContent: string;
  /** Value of the `--session-key` column ('' when absent or when the rule is off). */
  readonly sessionKey: string;
  readonly timezone: string;
  /** ISO 3166-1 alpha-2 from the client IP (the collector, an access log) or the input; '' when unknown. */
  readonly country: string;
  readonly userAgent: string;
  readonly value: number;
  readonly eventId: string;
  /** Every other input field. */
  readonly properties: Readonly<Record<string, unknown>> | undefined;
}

export const PAGEVIEW = 'pageview';

/**
 * The tracker's ping of the time spent on a page (on leaving it or hiding it): it extends the
 * session's duration, and like a start or end event it never makes a session a non-bounce.
 */
export const ENGAGEMENT = 'engagement';

/** The event's identity in device mode (SESSIONS.md section 2): its anonymous_id, else its user_id. */
export const deviceIdentity = (e: StintEvent): string => (e.anonymousId === '' ? e.userId : e.anonymousId);

/** A page view of `anonymousId` at `tsMs`, every other field empty but those in `fields`. */
export const pageview = (
  anonymousId: string,
  tsMs: number,
  fields: Partial<StintEvent> = {},
): StintEvent => ({
  tsMs,
  anonymousId,
  userId: '',
  name: PAGEVIEW,
  url: '',
  referrer: '',
  utmSource: '',
  utmMedium: '',
  utmCampaign: '',
  utmTerm: '',
  utmContent: '',
  sessionKey: '',
  timezone: '',
  country: '',
  userAgent: '',
  value: 0,
  eventId: '',
  properties: undefined,
  ...fields,
});

/** A raw event as a library user or a reader hands it in: canonical keys, any case. */
export type EventInput = Record<string, unknown>;

/**
 * The event as an input record with the canonical fields of SESSIONS.md (empty ones left out,
 * the time in ISO-8601 UTC): normalized again, it gives the same event.
 */
export function eventRecord(e: StintEvent): EventInput {
  const record: EventInput = { ...e.properties, timestamp: new Date(e.tsMs).toISOString() };
  const texts: [string, string][] = [
    ['event_id', e.eventId],
    ['anonymous_id', e.anonymousId],
    ['user_id', e.userId],
    ['event', e.name],
    ['url', e.url],
    ['referrer', e.referrer],
    ['utm_source', e.utmSource],
    ['utm_medium', e.utmMedium],
    ['utm_campaign', e.utmCampaign],
    ['utm_term', e.utmTerm],
    ['utm_content', e.utmContent],
    ['session_id', e.sessionKey],
    ['timezone', e.timezone],
    ['country', e.country],
    ['user_agent', e.userAgent],
  ];
  for (const [key, text] of texts) if (text !== '') record[key] = text;
  if (e.value !== 0) record.value = e.value;
  return record;
}
