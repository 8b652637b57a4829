/**
 * The error a route or hook throws to answer a client: its HTTP status, a stable code and a
 * message. The app's error handler sends it as `{ error: { code, message } }`.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
