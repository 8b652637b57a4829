/**
 * `GET /api/v1/live?site=NAME`: a server-sent event each second with the site's open sessions,
 * events per second, queue and latest events (as much as the reader's token may see). A revoked
 * or expired credential ends its stream; so does the server's close().
 */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { HttpError } from '../http-error.ts';
import { bearerOf, queryText } from '../request.ts';
import { liveEventsFor } from '../visitor-scope.ts';

const MAX_LIVE_STREAMS = 20;

export const liveRoutes = (ctx: ServerContext) =>
  async function live(app: FastifyInstance): Promise<void> {
    const { config, now, registry, auth, state } = ctx;
    /** Open live streams per credential. */
    const liveStreams = new Map<string, number>();
    app.get('/api/v1/live', async (req, reply) => {
      const { writer, who } = await auth.readSite(req, reply);
      // Opening the site may have taken a while: a stream begun now would keep close() waiting.
      if (state.closing) throw new HttpError('shutting_down', 'The server is shutting down; retry shortly');
      const streams = liveStreams.get(who.id) ?? 0;
      if (streams >= MAX_LIVE_STREAMS) {
        reply.header('retry-after', 30);
        throw new HttpError(
          'too_many_streams',
          `At most ${MAX_LIVE_STREAMS} live streams per token at once; close one first`,
        );
      }
      liveStreams.set(who.id, streams + 1);
      const secret = bearerOf(req) ?? queryText(req, 'access_token') ?? '';
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        connection: 'keep-alive',
      });
      // Events per second over the last ten seconds.
      const samples: { ms: number; accepted: number }[] = [];
      const send = () => {
        // A revoked or expired credential ends the stream, as it ends any other read.
        if (registry.authenticate(secret, now(), config.adminToken)?.id !== who.id) return stop();
        const sample = { ms: performance.now(), accepted: writer.accepted };
        samples.push(sample);
        if (samples.length > 11) samples.shift();
        const first = samples[0]!;
        const perSecond =
          sample.ms > first.ms ? ((sample.accepted - first.accepted) * 1000) / (sample.ms - first.ms) : 0;
        const latest = Number.isFinite(writer.latestTsMs) ? new Date(writer.latestTsMs).toISOString() : null;
        const update = {
          open_sessions: writer.openSessions(),
          events_per_second: Math.round(perSecond * 10) / 10,
          queued: writer.queued,
          latest_event_time: latest,
          latest: liveEventsFor(who, writer.recentEvents().slice(-20)),
        };
        res.write(`data: ${JSON.stringify(update)}\n\n`);
      };
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        state.live.delete(stop);
        const left = (liveStreams.get(who.id) ?? 1) - 1;
        if (left > 0) liveStreams.set(who.id, left);
        else liveStreams.delete(who.id);
        res.end();
      };
      state.live.add(stop);
      req.raw.on('close', stop);
      timer = setInterval(send, 1000);
      send();
    });
  };
