/**
 * The error a route or hook throws to answer a client: a catalogue code (core/errors.ts), and so
 * its HTTP status, a message and optional details. errors.ts sends it as
 * `{ error: { code, message, details? } }`.
 *
 *   throw new HttpError('bad_param', 'Parameter "limit" is too long', { parameter: 'limit' });
 */
import { entryOfWire, type WireCode } from '../core/errors.ts';

/** What an answer may add beside its message: such as the parameter it is about. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/**
 * Pairs of status and wire code that routes wrote before the catalogue, answered now under the
 * catalogue's code (docs/operations.md, "Error codes"): an unknown site was `no_site` with 404,
 * which is 400 for a request naming no site; NDJSON sent to the JSON route was `bad_body` with 415.
 */
const RENAMED: Readonly<Record<string, WireCode>> = {
  '404 no_site': 'unknown_site',
  '415 bad_body': 'bad_content_type',
};

/** An error the API answers with its catalogue code and status. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: WireCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: WireCode, message: string, details?: ErrorDetails);
  /**
   * The form before the catalogue: `status` must be the code's own (or a pair of RENAMED), else
   * this throws (test/server/error-answers.test.ts checks every such construction in src).
   */
  constructor(status: number, code: string, message: string);
  constructor(a: number | WireCode, b: string, c?: string | ErrorDetails) {
    const [status, wire, message, details] =
      typeof a === 'number'
        ? [a, b, c as string, undefined]
        : [undefined, a, b, c as ErrorDetails | undefined];
    super(message);
    const code = status === undefined ? wire : (RENAMED[`${status} ${wire}`] ?? wire);
    const entry = entryOfWire(code);
    if (entry === undefined) throw new TypeError(`HttpError: no code "${code}" in the error catalogue`);
    if (status !== undefined && code === wire && status !== entry.status)
      throw new TypeError(`HttpError: "${code}" is ${entry.status} in the error catalogue, not ${status}`);
    this.code = code as WireCode;
    this.statusCode = entry.status;
    this.details = details;
  }
}
