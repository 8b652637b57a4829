/**
 * What the client reports through `onError`: one error per batch or dropped event, with a code,
 * a message that says what happened to the events, and the events themselves (so an app can keep
 * them elsewhere). Nothing is dropped without one.
 *
 *   onError: (e) => logger.warn({ code: e.code, ids: e.events.map((x) => x.event_id) }, e.message)
 */
import type { Event } from './event.ts';

export type ClientErrorCode =
  /** The server refused some events of a batch, each with its reason (`rejected`); the rest were stored. */
  | 'rejected'
  /** The server refused the request (a 4xx other than 408 and 429: a wrong key, a bad body): not retried. */
  | 'refused'
  /** Every retry failed (network errors, 408, 429, 5xx): the batch was given up. */
  | 'gave_up'
  /** The queue held `maxQueue` events: this one was dropped at `track`. */
  | 'queue_full'
  /** `track` after `close()`: the event was dropped. */
  | 'closed'
  /** The event is no JSON object (a BigInt, a cycle, not an object): dropped at `track`. */
  | 'invalid';

/** An event the server refused, with its reason (the collector's codes: invalid, bad_timestamp, …). */
export interface RejectedEvent {
  readonly event: Event;
  readonly code: string;
  readonly message: string;
}

export class ClientError extends Error {
  override readonly name = 'StintClientError';
  readonly code: ClientErrorCode;
  /** The events concerned: those dropped, given up or refused. */
  readonly events: readonly Event[];
  /** The HTTP status of the last answer, when there was one. */
  readonly status: number | undefined;
  /** The server's error code (`unauthorized`, `batch_too_large`, …), when it gave one. */
  readonly serverCode: string | undefined;
  /** For `rejected`: each refused event with the server's reason. */
  readonly rejected: readonly RejectedEvent[];

  constructor(
    code: ClientErrorCode,
    message: string,
    details: {
      events: readonly Event[];
      status?: number | undefined;
      serverCode?: string | undefined;
      rejected?: readonly RejectedEvent[];
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.events = details.events;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.rejected = details.rejected ?? [];
  }
}
