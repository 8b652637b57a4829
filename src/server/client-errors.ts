/**
 * Node's own refusals (before a request reaches Fastify: headers too large, a request that is no
 * HTTP, a request that took too long) in the API's `{ error: { code, message } }` shape, with
 * the headers every answer has. Fastify's `clientErrorHandler`; the socket is closed after it.
 *
 *   Fastify({ clientErrorHandler: answerClientError })
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ERRORS, type ErrorCode, errorMessage, type WireCode } from '../core/errors.ts';

/** The status, code and message for a client error of Node's HTTP parser (core/errors.ts). */
export function clientErrorAnswer(err: Error & { code?: string }): {
  status: number;
  code: WireCode;
  message: string;
} {
  const code: ErrorCode =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'STINT_HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
        ? 'STINT_REQUEST_TIMEOUT'
        : 'STINT_BAD_REQUEST';
  const { status, wire } = ERRORS[code];
  return { status, code: wire, message: errorMessage(code, { limit: maxHeaderSize }) };
}

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has no one to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, code, message } = clientErrorAnswer(err);
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n` +
        `Cache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
