/**
 * The server's side of the error catalogue (core/errors.ts): the answers of every failed
 * request, `{ error: { code, message, hint?, details? } }`, registered on the app by
 * `registerErrorAnswers`. Routes throw `HttpError` (http-error.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ERRORS,
  type ErrorEntry,
  entryOfWire,
  errorMessage,
  StintError,
  type WireCode,
} from '../core/errors.ts';
import { type ErrorDetails, HttpError } from './http-error.ts';
import type { ServerMetrics } from './metrics.ts';
import type { Registry } from './registry.ts';

export { HttpError } from './http-error.ts';

/** The status and code an answer has, by a status Fastify (or a plugin) gave its error. */
const BY_STATUS: Readonly<Record<number, WireCode>> = {
  400: 'bad_request',
  404: 'not_found',
  413: 'body_too_large',
  414: 'url_too_long',
  415: 'bad_content_type',
  429: 'rate_limited',
};

export interface ErrorAnswerDeps {
  readonly registry: Pick<Registry, 'siteByPublicKey'>;
  readonly metrics: Pick<ServerMetrics, 'refusedRequest'>;
}

/** Answers every failed request, and every request no route takes, in the API's error shape. */
export function registerErrorAnswers(app: FastifyInstance, deps: ErrorAnswerDeps): void {
  const { registry, metrics } = deps;
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    // (A code from outside the catalogue, from a caller that is no TypeScript, is a 400 as before it.)
    const entry: ErrorEntry | undefined = err instanceof StintError ? ERRORS[err.code] : undefined;
    if (err instanceof StintError && (entry === undefined || entry.status < 500)) {
      // The query routes' errors already name the API's parameters (analysis/catalog/spelling.ts).
      const { status, wire } = entry ?? { status: 400, wire: err.code };
      return reply.code(status).send({
        error: { code: wire, message: err.message, hint: err.hint },
      });
    }
    if (err instanceof StintError) {
      // The server's own files (registry, stores): the operator's business, not the client's.
      req.log.error({ err }, 'request failed');
      const { wire } = entry!;
      return reply
        .code(503)
        .header('retry-after', 5)
        .send({ error: { code: wire, message: entryOfWire(wire)!.message } });
    }
    const status = err instanceof HttpError ? err.statusCode : (err.statusCode ?? 500);
    if (status === 503) {
      // Fastify's own answer while closing, or ours: the client should come back.
      reply.header('retry-after', 1);
      const code = err instanceof HttpError ? err.code : 'shutting_down';
      const message = err instanceof HttpError ? err.message : ERRORS.STINT_SHUTTING_DOWN.message;
      return reply.code(503).send({ error: { code, message, ...detailsOf(err) } });
    }
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return reply
        .code(status)
        .send({ error: { code: ERRORS.STINT_INTERNAL.wire, message: ERRORS.STINT_INTERNAL.message } });
    }
    const code = errorCode(err);
    if (req.url.startsWith('/api/v1/events')) {
      metrics.refusedRequest(code);
      // A browser reads a refusal of its events only with the CORS header: give it to an origin
      // its site key allows, also when the body was refused before the key was read.
      const origin = headerOf(req, 'origin');
      const key = queryText(req, 'key') ?? headerOf(req, 'x-stint-key');
      if (
        origin !== undefined &&
        key !== undefined &&
        registry.siteByPublicKey(key)?.origins.includes(origin) === true
      )
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    }
    return reply
      .code(entryOfWire(code)!.status)
      .send({ error: { code, message: messageOf(err, req), ...detailsOf(err, req) } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      error: {
        code: ERRORS.STINT_NOT_FOUND.wire,
        message: `No route ${req.method} ${req.url.split('?')[0]}`,
      },
    }),
  );
}

/** An HttpError's details; for Fastify's 413, the limit and its setting. */
function detailsOf(err: Error & { statusCode?: number }, req?: FastifyRequest): { details?: ErrorDetails } {
  if (err instanceof HttpError) return err.details === undefined ? {} : { details: err.details };
  if (err.statusCode === 413 && req !== undefined) {
    const { limit, setting } = bodyLimitOf(req);
    return { details: { limit, setting } };
  }
  return {};
}

/** The body limit of a request's route, and the setting that sets it. */
function bodyLimitOf(req: FastifyRequest): { limit: number; setting: string } {
  const setting = req.url.startsWith('/api/v1/events/ndjson') ? 'ndjson_body_limit' : 'body_limit';
  return { limit: req.routeOptions.bodyLimit ?? 0, setting };
}

/** Fastify's own refusals say what would be taken. */
function messageOf(err: Error & { statusCode?: number }, req: FastifyRequest): string {
  if (err instanceof HttpError) return err.message;
  if (err.statusCode === 413) {
    const { limit, setting } = bodyLimitOf(req);
    return errorMessage('STINT_BODY_TOO_LARGE', { limit, setting });
  }
  if (err.statusCode === 415)
    return errorMessage('STINT_BAD_CONTENT_TYPE', {
      type: JSON.stringify(req.headers['content-type'] ?? ''),
    });
  return err.message;
}

/** The catalogue's code of a 4xx: an HttpError's own, else by the status (any other 4xx: `bad_request`). */
function errorCode(err: Error & { code?: string; statusCode?: number }): WireCode {
  if (err instanceof HttpError) return err.code;
  return BY_STATUS[err.statusCode ?? 400] ?? 'bad_request';
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function queryText(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}
