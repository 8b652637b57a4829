/**
 * The HTTP API's error answers as data: the body's shape, what each status means, and the codes
 * a route may answer with. Every refusal is `{ "error": { "code", "message", "hint"? } }`.
 *
 *   const body: ErrorBody = { error: { code: 'bad_param', message: 'Unknown parameter "x"; …' } };
 */

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly hint?: string };
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

/** The codes of the reading routes' refusals, with their status. */
export const READ_ERRORS = {
  /** A query parameter the route does not take, one too long, or a required one missing. */
  bad_param: 400,
  /** A value the analysis cannot read (the catalogue's errors, e.g. "limit needs a whole number…"). */
  STINT_BAD_FLAG: 400,
  STINT_BAD_DURATION: 400,
  STINT_BAD_TIMEZONE: 400,
  unauthorized: 401,
  forbidden: 403,
  visitors_not_shared: 403,
  /** No site named (400), or no such site (404). */
  no_site: [400, 404],
  not_found: 404,
  rate_limited: 429,
  too_many_reads: 503,
  query_timeout: 503,
  unavailable: 503,
} as const satisfies Record<string, number | readonly number[]>;

export type ReadErrorCode = keyof typeof READ_ERRORS;

export const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;
