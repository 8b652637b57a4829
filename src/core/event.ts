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
  readonly userAgent: string;
  readonly value: number;
  readonly eventId: string;
  /** Every other input field. */
  readonly properties: Readonly<Record<string, unknown>> | undefined;
}

export const PAGEVIEW = 'pageview';

/** The event's identity in device mode (SESSIONS.md section 2): its anonymous_id, else its user_id. */
export const deviceIdentity = (e: StintEvent): string => (e.anonymousId === '' ? e.userId : e.anonymousId);

/** A raw event as a library user or a reader hands it in: canonical keys, any case. */
export type EventInput = Record<string, unknown>;
