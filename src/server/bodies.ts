/**
 * How the server reads request bodies: UTF-8 checked, JSON parsed without prototype poisoning,
 * NDJSON split into lines, and a compressed body refused (no route takes one). Set on the root
 * app, so every route's plugin reads bodies the same way.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import type { ServerConfig } from './config.ts';
import { HttpError } from './http-error.ts';
import { headerOf } from './request.ts';

export function readBodies(app: FastifyInstance, config: Pick<ServerConfig, 'ndjsonBodyLimit'>): void {
  app.removeAllContentTypeParsers();
  const textParser =
    (read: (text: string) => unknown) =>
    (_req: FastifyRequest, body: Buffer, done: (err: Error | null, v?: unknown) => void) => {
      if (!isUtf8(body)) return done(new HttpError('invalid_utf8', 'The body is not valid UTF-8'));
      try {
        done(null, read(body.toString('utf8')));
      } catch (err) {
        done(err as Error);
      }
    };
  app.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer' },
    textParser((text) => {
      try {
        return parseJson(text);
      } catch (err) {
        if (isForbiddenName(err)) throw new HttpError('forbidden_name', FORBIDDEN_NAME);
        throw new HttpError(
          'invalid_json',
          `The body is not valid JSON: ${(err as Error).message.slice(0, 200)}`,
        );
      }
    }),
  );
  app.addContentTypeParser(
    ['application/x-ndjson', 'application/jsonl'],
    { parseAs: 'buffer', bodyLimit: config.ndjsonBodyLimit },
    textParser((text) => ({ ndjson: text.split('\n') })),
  );

  // A compressed body is not read as if it were plain (no route takes one).
  app.addHook('preParsing', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const encoding = headerOf(req, 'content-encoding')?.trim().toLowerCase();
    if (encoding !== undefined && encoding !== '' && encoding !== 'identity')
      throw new HttpError(
        'unsupported_content_encoding',
        `Content-Encoding ${JSON.stringify(encoding)} is not taken: send the body uncompressed (no Content-Encoding)`,
      );
  });
}

/** JSON, refusing prototype poisoning (`__proto__`, `constructor.prototype`). */
export const parseJson = (text: string): unknown =>
  secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });

/** Whether parseJson refused a name that would reach an object's prototype. */
export const isForbiddenName = (err: unknown): boolean =>
  err instanceof SyntaxError && err.message === 'Object contains forbidden prototype property';
export const FORBIDDEN_NAME =
  'The body holds a field named "__proto__" (or a "constructor" object with a "prototype"), which stint does not take: rename it (every other name is stored as it is)';
