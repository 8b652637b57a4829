/**
 * Reading a request's parts as text: one header, one query parameter, the bearer token.
 * A value sent twice (an array) counts as absent.
 */
import type { FastifyRequest } from 'fastify';

export function bearerOf(req: FastifyRequest): string | undefined {
  const h = headerOf(req, 'authorization');
  const m = h === undefined ? null : /^Bearer\s+(\S{1,200})$/i.exec(h);
  return m?.[1];
}

export function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

export function queryText(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}
