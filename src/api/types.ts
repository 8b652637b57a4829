/**
 * The request and response types of the HTTP API, for clients written in TypeScript (the
 * dashboard): each query route answers its catalogue entry's result, as `stint NAME --json`.
 *
 *   const body = (await res.json()) as AnalysisResponse<'breakdown'>;
 */
import type { AnalysisName, ResultOf } from '../analysis/catalog.ts';
import type { Report } from '../analysis/report.ts';
import type { SessionPage, sessionJourney } from '../analysis/sessions.ts';

export type { ErrorBody } from './errors.ts';

/** `GET /api/v1/NAME`: the analysis's result. */
export type AnalysisResponse<N extends AnalysisName> = ResultOf<N>;
/** `GET /api/v1/report`. */
export type ReportResponse = Report;
/** `GET /api/v1/sessions`: a page of sessions, newest first, and the cursor of the next. */
export type SessionsResponse = SessionPage;
/** `GET /api/v1/sessions/{id}`: one session and its events. */
export type SessionResponse = NonNullable<Awaited<ReturnType<typeof sessionJourney>>>;

/** A query route's parameters as a query string holds them (repeatable ones as arrays). */
export type QueryString = Readonly<Record<string, string | readonly string[]>>;

/** `POST /api/v1/events` and `/events/ndjson`: what was stored and what was refused, per event. */
export interface AcceptedResponse {
  readonly accepted: number;
  readonly duplicates: number;
  readonly bots: number;
  readonly rejected: readonly EventIssue[];
  /** Accepted events whose timestamp was clamped. */
  readonly warnings?: readonly EventIssue[];
}

export interface EventIssue {
  readonly index: number;
  readonly code: string;
  readonly message: string;
}

/** `GET /api/v1/sites`: the sites this token may read. */
export interface SitesResponse {
  readonly sites: readonly {
    readonly name: string;
    readonly origins: readonly string[];
    readonly public_key: string;
  }[];
}

/** One message of `GET /api/v1/live` (text/event-stream, one a second). */
export interface LiveUpdate {
  readonly open_sessions: number;
  readonly events_per_second: number;
  readonly queued: number;
  /** ISO time of the latest event the site holds; null when it holds none. */
  readonly latest_event_time: string | null;
  /** The latest events, oldest first; `visitor` only for credentials that may see visitors. */
  readonly latest: readonly LiveEventRow[];
}

export interface LiveEventRow {
  readonly ts: string;
  readonly event: string;
  readonly path: string;
  readonly visitor?: string;
}
