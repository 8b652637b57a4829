/**
 * The one error catalogue. Each error has a stable `STINT_*` code, the code the HTTP API answers
 * with (`wire`), its HTTP status, the CLI's exit code (1 usage, 2 input; `null` for errors only
 * the server gives) and a message template. A code is never reused, and a wire code never has
 * two statuses (test/core/error-catalogue.test.ts); docs/operations.md ("Error codes") lists them.
 *
 *   throw new StintError('STINT_BAD_DURATION', 'Cannot read duration "3x"', 'Use ms, s, m, h, d: 90s, 1h30m');
 */

export interface ErrorEntry {
  /** The code an API answer carries (`{ error: { code } }`): the STINT code itself for CLI errors. */
  readonly wire: string;
  /** The HTTP status the API answers with. */
  readonly status: number;
  /** The CLI's exit code; `null` for an error only the server gives. */
  readonly exit: 1 | 2 | null;
  /**
   * What the error says: `{name}` is filled from the values at the throw (errorMessage). A throw
   * site with more to say (which file, which flag) gives its own text under the same code.
   */
  readonly message: string;
}

/** Errors the CLI and the API share: the API answers with the STINT code itself. */
const usage = (message: string) => ({ exit: 1, status: 400, message }) as const;
const input = (message: string) => ({ exit: 2, status: 400, message }) as const;
/** The server's own files: the operator's business. The API says 503 `unavailable` only. */
const serverSide = (message: string) => ({ exit: 2, status: 503, wire: 'unavailable', message }) as const;
/** Errors only the server gives. */
const http = <W extends string>(wire: W, status: number, message: string) =>
  ({ wire, status, exit: null, message }) as const;

const CATALOGUE = {
  // ---- usage (exit 1) and input (exit 2): the CLI's, and the API's as 400 -------------------
  STINT_BAD_DURATION: usage('Cannot read duration "{text}"'),
  STINT_BAD_RULES: usage('The session rules are not valid: {why}'),
  STINT_BAD_TIMEZONE: usage('Unknown time zone "{zone}"'),
  STINT_BAD_FLAG: usage('{flag} is not valid: {why}'),
  STINT_BAD_MAP: usage('Cannot read the column mapping: {why}'),
  STINT_NO_INPUT: input('No input file matches {pattern}'),
  STINT_UNKNOWN_FORMAT: input('Cannot tell the format of {path}'),
  STINT_EMPTY_INPUT: input('{path} holds no rows'),
  STINT_TOO_MANY_REJECTS: input('More than {max} rows rejected'),
  STINT_UNMAPPED_COLUMNS: input('No column of {path} is a timestamp or an identity'),
  STINT_ALL_REJECTED: input('Every row of {path} was rejected'),
  STINT_STREAM_CLOSED: usage('The sessionizer was closed'),
  STINT_RULES_CHANGED: usage("The rules differ from the store's: {why}"),
  STINT_BAD_SITE: usage('Site name "{name}" is not valid'),
  STINT_NO_TOKEN: usage('No token "{id}"'),
  STINT_NO_WEBHOOK: usage('No webhook "{id}"'),
  STINT_BAD_CONFIG: usage('The setting {setting} is not valid: {why}'),
  /** No site of that name: the CLI's exit 1, the API's 404. */
  STINT_NO_SITE: { wire: 'unknown_site', status: 404, exit: 1, message: 'No site named "{site}"' },
  // ---- the server's own files: the CLI's exit 2, the API's 503 unavailable ----------------
  STINT_UNREADABLE: serverSide('Cannot read {path}'),
  STINT_STORE_LOCKED: serverSide('The store {path} is in use'),
  STINT_STORE_UNREADABLE: serverSide('Cannot read the store {path}'),
  STINT_REGISTRY_UNREADABLE: serverSide('Cannot read the registry {path}'),
  STINT_REGISTRY_LOCKED: serverSide('The registry {path} is locked'),
  STINT_MIGRATE_MISMATCH: serverSide('The moved store {to} differs from {from}'),
  STINT_QUERY_TIMEOUT: {
    wire: 'query_timeout',
    status: 503,
    exit: 2,
    message:
      "The read took longer than the server's query_timeout and was stopped; ask for less or retry later",
  },
  // ---- the request ---------------------------------------------------------------------------
  STINT_BAD_REQUEST: http(
    'bad_request',
    400,
    'The request is not valid HTTP/1.1 (bad request line, header or chunked body)',
  ),
  STINT_HEADERS_TOO_LARGE: http(
    'headers_too_large',
    431,
    'The request headers are larger than the server takes ({limit} bytes in all): send shorter ones',
  ),
  STINT_REQUEST_TIMEOUT: http(
    'request_timeout',
    408,
    'The request did not arrive in time; send it again, whole',
  ),
  STINT_URL_TOO_LONG: http('url_too_long', 414, 'A part of the URL is too long'),
  STINT_NOT_FOUND: http('not_found', 404, 'No route {method} {path}'),
  STINT_UNSUPPORTED_CONTENT_ENCODING: http(
    'unsupported_content_encoding',
    415,
    'Content-Encoding {encoding} is not taken: send the body uncompressed (no Content-Encoding)',
  ),
  STINT_BAD_CONTENT_TYPE: http(
    'bad_content_type',
    415,
    'Content-Type {type} is not taken here: send application/json (or text/plain holding JSON), or application/x-ndjson to /api/v1/events/ndjson',
  ),
  STINT_BODY_TOO_LARGE: http(
    'body_too_large',
    413,
    "The body is larger than this route takes ({limit} bytes, the server's {setting}); send fewer events a request",
  ),
  STINT_INVALID_UTF8: http('invalid_utf8', 400, 'The body is not valid UTF-8'),
  STINT_INVALID_JSON: http('invalid_json', 400, 'The body is not valid JSON: {why}'),
  STINT_FORBIDDEN_NAME: http(
    'forbidden_name',
    400,
    'The body holds a field named "__proto__" (or a "constructor" object with a "prototype"), which stint does not take: rename it (every other name is stored as it is)',
  ),
  STINT_BAD_BODY: http(
    'bad_body',
    400,
    'Send one event as a JSON object, or {"events": [...]}; NDJSON goes to /api/v1/events/ndjson',
  ),
  STINT_BAD_PARAM: http('bad_param', 400, 'Parameter "{name}" is not valid: {why}'),
  /** A request that names no site where one is needed (an unknown one is STINT_NO_SITE). */
  STINT_SITE_REQUIRED: http('no_site', 400, 'Name the site: ?site=NAME'),
  STINT_SITE_MISMATCH: http(
    'site_mismatch',
    400,
    'This key is site "{site}"\'s, but the request names site {named}; use that site\'s key, or leave "site" out',
  ),
  // ---- who asks ------------------------------------------------------------------------------
  STINT_UNAUTHORIZED: http(
    'unauthorized',
    401,
    'Send a token: Authorization: Bearer st_… (stint tokens create), or a share link',
  ),
  STINT_FORBIDDEN: http('forbidden', 403, 'This token may not do that'),
  STINT_ORIGIN_NOT_ALLOWED: http('origin_not_allowed', 403, 'This site key is only taken from {origins}'),
  STINT_WRITE_KEY_REQUIRED: http(
    'write_key_required',
    403,
    'The bulk route /api/v1/events/ndjson takes a write key (Authorization: Bearer sk_…) or an admin token, not a site key',
  ),
  STINT_VISITORS_NOT_SHARED: http(
    'visitors_not_shared',
    403,
    "This share link does not show single visitors' data",
  ),
  // ---- how much --------------------------------------------------------------------------------
  STINT_BATCH_TOO_LARGE: http('batch_too_large', 413, '{count} events in one request; at most {most}'),
  STINT_RATE_LIMITED: http('rate_limited', 429, 'More than {max} requests a minute; retry later'),
  STINT_EVENT_RATE_LIMITED: http('event_rate_limited', 429, 'More events than {setting} allows; retry later'),
  STINT_TOO_MANY_STREAMS: http(
    'too_many_streams',
    429,
    'At most {max} live streams per token at once; close one first',
  ),
  STINT_TOO_MANY_READS: http('too_many_reads', 503, 'Too many reads of this site wait; retry later'),
  // ---- the server ------------------------------------------------------------------------------
  STINT_INTERNAL: http('internal', 500, 'Internal error; the server log has the details'),
  STINT_UNAVAILABLE: http('unavailable', 503, 'The server cannot serve this now; retry later'),
  STINT_SHUTTING_DOWN: http('shutting_down', 503, 'The server is shutting down; retry shortly'),
  STINT_BUSY: http('busy', 503, 'Too many events wait to be stored; retry shortly'),
  STINT_STORE_UNAVAILABLE: http('store_unavailable', 503, 'The events could not be stored; retry shortly'),
  STINT_DISK_FULL: http(
    'disk_full',
    503,
    "The server's disk is full: the events were not stored; retry later",
  ),
} as const;

type Catalogue = typeof CATALOGUE;
/** Every stable code. */
export type ErrorCode = keyof Catalogue;
/** The entry with its wire code (the STINT code itself when the entry names none). */
type Wired<C extends ErrorCode> = Catalogue[C] extends { wire: infer W extends string } ? W : C;

/** The catalogue, each entry with its wire code filled in. */
export const ERRORS: { readonly [C in ErrorCode]: ErrorEntry & { readonly wire: Wired<C> } } =
  Object.fromEntries(Object.entries(CATALOGUE).map(([code, e]) => [code, { wire: code, ...e }])) as never;

/** The codes the CLI can report (an exit code of their own): the codes a StintError carries. */
export type StintErrorCode = { [C in ErrorCode]: Catalogue[C]['exit'] extends null ? never : C }[ErrorCode];
/** A code the HTTP API answers with. */
export type WireCode = { [C in ErrorCode]: Wired<C> }[ErrorCode];

/** The catalogue's exit codes, by code (kept for callers of the former `ERROR_CODES`). */
export const ERROR_CODES: { readonly [C in StintErrorCode]: { readonly exit: 1 | 2 } } = ERRORS as never;

/** Each wire code's entry: the one whose code is `STINT_` + the wire code, else the first. */
const BY_WIRE = new Map<string, ErrorEntry & { readonly code: ErrorCode }>();
for (const code of Object.keys(ERRORS) as ErrorCode[]) {
  const { wire } = ERRORS[code];
  if (!BY_WIRE.has(wire) || code === `STINT_${wire.toUpperCase()}`)
    BY_WIRE.set(wire, { ...ERRORS[code], code });
}

/** The entry a wire code answers with (its status, and its message template). */
export function entryOfWire(wire: string): (ErrorEntry & { readonly code: ErrorCode }) | undefined {
  return BY_WIRE.get(wire);
}

/** The code's message template with `{name}` filled from `values` (a name without a value stays). */
export function errorMessage(
  code: ErrorCode,
  values: Readonly<Record<string, string | number>> = {},
): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

export class StintError extends Error {
  readonly code: StintErrorCode;
  readonly hint: string | undefined;

  constructor(code: StintErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'StintError';
    this.code = code;
    this.hint = hint;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }
}
