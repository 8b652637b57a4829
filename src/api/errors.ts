/**
 * The HTTP API's error answers as data: the body's shape, what each status means, and the codes
 * a route may answer with. Every refusal is `{ "error": { "code", "message", "hint"?, "details"? } }`.
 *
 *   const body: ErrorBody = { error: { code: 'bad_param', message: 'Unknown parameter "x"; …' } };
 */
import { entryOfWire, type WireCode } from '../core/errors.ts';

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly hint?: string;
    readonly details?: Readonly<Record<string, string | number | boolean>>;
  };
}

/** What a status means on this API (OpenAPI's response descriptions). */
export const STATUS: Readonly<Record<number, string>> = {
  400: 'bad input; the reasons are in the body',
  401: 'no valid key or token',
  403: 'the key or token may not do this',
  404: 'no such site or session',
  413: 'body or batch too large',
  415: 'wrong content type',
  429: 'rate limited; see Retry-After',
  503: 'shutting down, the store is unavailable, or the site is busy with reads (too_many_reads, query_timeout); retry after Retry-After',
};

/**
 * The codes of the reading routes' refusals; each one's status is the catalogue's
 * (core/errors.ts), so the contract cannot give a code a second one.
 */
export const READ_ERRORS = [
  /** A query parameter the route does not take, one too long, or a required one missing. */
  'bad_param',
  /** A value the analysis cannot read (the catalogue's errors, e.g. "limit needs a whole number…"). */
  'STINT_BAD_FLAG',
  'STINT_BAD_DURATION',
  'STINT_BAD_TIMEZONE',
  'unauthorized',
  'forbidden',
  'visitors_not_shared',
  /** No site named. */
  'no_site',
  /** No such site. */
  'unknown_site',
  'not_found',
  'rate_limited',
  'too_many_reads',
  'query_timeout',
  'unavailable',
] as const satisfies readonly WireCode[];

export type ReadErrorCode = (typeof READ_ERRORS)[number];

/** A wire code's HTTP status, from the catalogue. */
export function statusOf(code: WireCode): number {
  return entryOfWire(code)!.status;
}

export const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        hint: { type: 'string' },
        details: { type: 'object' },
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;
