/**
 * The server's Fastify instance before any route: its log (no client address, no credential),
 * proxies, body limits and readers, Node's own refusals in the API's error shape, and the
 * timeouts and cap on connections (timeouts.ts).
 */
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { readBodies } from './bodies.ts';
import { answerClientError } from './client-errors.ts';
import type { ServerConfig } from './config.ts';
import { redactedUrl } from './redact.ts';
import { capConnections, connectionOptions } from './timeouts.ts';

/** `logger`: false for none (tests); otherwise at the config's log level. */
export function buildFastify(config: ServerConfig, logger: boolean | undefined): FastifyInstance {
  const app = Fastify({
    logger:
      logger === false
        ? false
        : {
            level: config.logLevel,
            // No client address (it is personal data) and no credential in the URL, ever.
            serializers: {
              req: (req: { method: string; url: string }) => ({
                method: req.method,
                url: redactedUrl(req.url),
              }),
            },
          },
    bodyLimit: config.bodyLimit,
    // A number of proxies: the address the nearest `n` of them saw (the client cannot write it).
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    return503OnClosing: true,
    // Node's own refusals (431, a request that is no HTTP) in the API's error shape.
    clientErrorHandler: answerClientError,
    // One line per request only at debug: a busy collector would log more than it stores.
    logController: new LogController({
      disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
    }),
    // Slow and idle connections are closed, and their number is capped (timeouts.ts).
    ...connectionOptions(config),
  });
  capConnections(app.server, config);
  readBodies(app, config);
  return app;
}
