/**
 * `GET /stint.js`: the page tracker (tracker.ts builds it at start when it is missing or stale),
 * gzipped for a client that takes it, with an ETag and an hour's caching. No CORS header: a
 * <script> tag needs none.
 */
import type { FastifyInstance } from 'fastify';
import { headerOf } from '../request.ts';
import { loadTracker } from '../tracker.ts';

const CACHE = 'public, max-age=3600';

export async function trackerRoutes(app: FastifyInstance): Promise<void> {
  const tracker = await loadTracker(app.log);
  app.get('/stint.js', async (req, reply) => {
    const gzip = takesGzip(headerOf(req, 'accept-encoding') ?? '');
    const etag = gzip ? tracker.gzipEtag : tracker.etag;
    reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('etag', etag)
      .header('vary', 'Accept-Encoding');
    if (headerOf(req, 'if-none-match')?.includes(etag)) return reply.code(304).send();
    if (gzip) reply.header('content-encoding', 'gzip');
    return reply.send(gzip ? tracker.gzip : tracker.code);
  });
  // The app marks every answer no-store (most carry a site's data); this one is public. Hooks of
  // this plugin run after the app's.
  app.addHook('onSend', async (_req, reply) => {
    if (reply.statusCode === 200 || reply.statusCode === 304) reply.header('cache-control', CACHE);
  });
}

/** Whether an Accept-Encoding takes gzip (`gzip` or `*`, with a quality above 0). */
export function takesGzip(acceptEncoding: string): boolean {
  return acceptEncoding.split(',').some((part) => {
    const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}
