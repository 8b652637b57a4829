/**
 * Node's own refusals (before a request reaches Fastify: headers too large, a request that is no
 * HTTP, a request that took too long) in the API's `{ error: { code, message } }` shape, with
 * the headers every answer has. Fastify's `clientErrorHandler`; the socket is closed after it.
 *
 *   Fastify({ clientErrorHandler: answerClientError })
 */
import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** The status, code and message for a client error of Node's HTTP parser. */
export function clientErrorAnswer(err: Error & { code?: string }): {
  status: number;
  code: string;
  message: string;
} {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      code: 'headers_too_large',
      message: `The request headers are larger than the server takes (${maxHeaderSize} bytes in all): send shorter ones`,
    };
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT')
    return {
      status: 408,
      code: 'request_timeout',
      message: 'The request did not arrive in time; send it again, whole',
    };
  return {
    status: 400,
    code: 'bad_request',
    message: 'The request is not valid HTTP/1.1 (bad request line, header or chunked body)',
  };
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
