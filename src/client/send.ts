/**
 * One batch to the collector, retried until it is answered: `{"events": [...]}` to
 * `POST /api/v1/events`, retried with the same bytes (so the same event ids: the server stores
 * a retried event once) after a network error, a timeout, 408, 429 or 5xx. Refusals are final
 * and reported with the server's reasons; a 413 asks the caller to send smaller batches.
 *
 *   const outcome = await send(batch); // { kind: 'answered', accepted, duplicates, bots, rejected } | …
 */
import type { AcceptedResponse, ErrorBody } from '../api/types.ts';
import { parseRetryAfter, retryDelayMs } from './backoff.ts';
import { ClientError, type RejectedEvent } from './errors.ts';
import type { Event } from './event.ts';
import type { ClientSettings } from './options.ts';

/** A tracked event as it waits: its id, its JSON (fixed at `track`) and its place in line. */
export interface QueuedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly json: string;
}

export type SendOutcome =
  /** The server answered for each event: stored, already stored, a bot, or refused (reported). */
  | { kind: 'answered'; accepted: number; duplicates: number; bots: number; rejected: number }
  /** Given up or refused as a whole (reported). */
  | { kind: 'failed' }
  /** 413 for a batch of several: send it again in smaller ones. */
  | { kind: 'too_large' };

/** The events of a batch, back from their JSON, for an error report. */
export const eventsOf = (batch: readonly QueuedEvent[]): Event[] => batch.map((q) => JSON.parse(q.json));

export function createSender(
  settings: ClientSettings,
  report: (error: ClientError) => void,
): (batch: readonly QueuedEvent[]) => Promise<SendOutcome> {
  const { clock, random } = settings;
  const headers = {
    authorization: settings.authorization,
    'content-type': 'application/json',
    'user-agent': 'stint-client',
  };
  const site = settings.site === undefined ? '' : `"site":${JSON.stringify(settings.site)},`;

  return async (batch) => {
    const body = `{${site}"events":[${batch.map((q) => q.json).join(',')}]}`;
    for (let retry = 0; ; retry++) {
      let why: string;
      let status: number | undefined;
      let serverCode: string | undefined;
      let retryAfterMs: number | undefined;
      let cause: unknown;
      try {
        const res = await settings.fetch(settings.endpoint, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(settings.requestTimeoutMs),
        });
        status = res.status;
        const answer = await readJson(res);
        if (isAccepted(answer) && (res.ok || res.status === 400)) return answered(batch, answer, res.status);
        serverCode = isErrorBody(answer) ? answer.error.code : undefined;
        why = isErrorBody(answer) ? answer.error.message : `${res.status} ${res.statusText}`.trim();
        if (res.status === 413 && batch.length > 1) return { kind: 'too_large' };
        if (!retriable(res.status)) {
          report(
            new ClientError(
              'refused',
              `The server refused ${count(batch.length)} (${res.status}${serverCode === undefined ? '' : ` ${serverCode}`}): ${why}`,
              { events: eventsOf(batch), status, serverCode },
            ),
          );
          return { kind: 'failed' };
        }
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), clock.now());
      } catch (err) {
        // No answer: the server may or may not have stored the batch; a retry is safe either way.
        cause = err;
        why = describe(err);
      }
      if (retry >= settings.maxRetries) {
        report(
          new ClientError(
            'gave_up',
            `${count(batch.length)} not sent after ${retry + 1} attempts; the last: ${why}`,
            { events: eventsOf(batch), status, serverCode, cause },
          ),
        );
        return { kind: 'failed' };
      }
      await clock.sleep(retryDelayMs(retry, retryAfterMs, settings, random));
    }
  };

  function answered(batch: readonly QueuedEvent[], answer: AcceptedResponse, status: number): SendOutcome {
    const rejected: RejectedEvent[] = [];
    for (const r of answer.rejected) {
      const q = batch[r.index];
      if (q !== undefined) rejected.push({ event: JSON.parse(q.json), code: r.code, message: r.message });
    }
    if (rejected.length > 0) {
      const first = rejected[0]!;
      report(
        new ClientError(
          'rejected',
          `The server refused ${rejected.length} of ${count(batch.length)}; the first (${first.event.event_id}): ${first.code}: ${first.message}`,
          { events: rejected.map((r) => r.event), status, rejected },
        ),
      );
    }
    return {
      kind: 'answered',
      accepted: answer.accepted,
      duplicates: answer.duplicates,
      bots: answer.bots,
      rejected: rejected.length,
    };
  }
}

/** "1 event", "2 events". */
export const count = (n: number): string => `${n} event${n === 1 ? '' : 's'}`;

/** A failed fetch with its cause: `TypeError: fetch failed (ECONNREFUSED)`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  const why =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return `${err.name}: ${err.message}${why === '' ? '' : ` (${why})`}`;
}

/** 408 (request timeout), 429 (rate limited) and 5xx are passing states: the batch is tried again. */
const retriable = (status: number): boolean => status === 408 || status === 429 || status >= 500;

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isAccepted(v: unknown): v is AcceptedResponse {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AcceptedResponse).accepted === 'number' &&
    Array.isArray((v as AcceptedResponse).rejected)
  );
}

function isErrorBody(v: unknown): v is ErrorBody {
  const e = (v as ErrorBody | null)?.error;
  return typeof e === 'object' && e !== null && typeof e.message === 'string' && typeof e.code === 'string';
}
