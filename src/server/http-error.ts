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
 * An error the API answers with its catalogue code and that code's status: a status cannot be
 * written beside a code, so no code is ever answered with two.
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: WireCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: WireCode, message: string, details?: ErrorDetails) {
    super(message);
    const entry = entryOfWire(code);
    // Only a caller outside TypeScript can get here with a code the type does not allow.
    if (entry === undefined) throw new TypeError(`HttpError: no code "${code}" in the error catalogue`);
    this.code = code;
    this.statusCode = entry.status;
    this.details = details;
  }
}
