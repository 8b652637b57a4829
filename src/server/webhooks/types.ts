/**
 * The webhooks' records: a hook (site, URL, events, secret), a delivery (the JSON POSTed and
 * where it is in its retries) and one attempt of it (status, time, error), as the files under
 * `DATA/webhooks/` hold them and the CLI and API show them.
 */

/** What a hook can be sent: a finding of a detector, or a `ping` (stint webhooks test). */
export const HOOK_EVENTS = ['anomalous-session', 'anomalous-day', 'diagnose-finding'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
export type DeliveryType = HookEvent | 'ping';

export interface Webhook {
  /** `wh_` and 12 characters: listed, removed and tested by it. */
  readonly id: string;
  readonly site: string;
  readonly url: string;
  readonly events: readonly HookEvent[];
  /** `whsec_…`: kept in clear (0600), because the server signs with it (docs/insights/webhooks.md). */
  readonly secret: string;
  readonly createdAtMs: number;
  /** Set when a receiver answered 410 Gone: nothing more is sent to it. */
  readonly disabledAtMs?: number;
  readonly disabledReason?: string;
}

/** The body POSTed: `{ id: "dlv_…", type, site, created_at, data }`. */
export interface DeliveryBody {
  readonly id: string;
  readonly type: DeliveryType;
  readonly site: string;
  /** ISO time the delivery was made. */
  readonly created_at: string;
  readonly data: unknown;
}

/** A delivery in the outbox (one file each until it is done or given up). */
export interface OutboxEntry {
  readonly hook: string;
  readonly body: DeliveryBody;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt is due (epoch ms). */
  readonly nextAtMs: number;
}

export type Outcome = 'retry' | 'delivered' | 'failed' | 'disabled' | 'dropped';

/** One line of the delivery log (`DATA/webhooks/deliveries.ndjson`): one attempt, or a drop. */
export interface AttemptLine {
  readonly delivery: string;
  readonly hook: string;
  readonly site: string;
  readonly type: DeliveryType;
  readonly attempt: number;
  /** ISO time the attempt started. */
  readonly at: string;
  /** The receiver's HTTP status; absent when none came (timeout, refused, DNS). */
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
  /** What follows: another attempt, done, given up, the hook disabled (410), or dropped (hook gone). */
  readonly outcome: Outcome;
}

/** A delivery as listed: its last state and its attempts. */
export interface DeliveryView {
  readonly id: string;
  readonly hook: string;
  readonly site: string;
  readonly type: DeliveryType;
  /** `pending` while in the outbox; else the last attempt's outcome. */
  readonly state: 'pending' | Exclude<Outcome, 'retry'>;
  readonly attempts: readonly AttemptLine[];
  readonly nextAt?: string;
}
