/**
 * The dashboard: `GET /` and the dashboard's own paths (`/login`, `/share/sh_…`, each view) answer
 * its index.html under a strict Content-Security-Policy (no inline script or style); `/assets/…`
 * answers the built files, cached for a year (their names carry a content hash). `/api/*` is not
 * touched: an unknown path there is still the API's JSON 404.
 *
 *   await app.register(dashboardRoutes(buildDashboard({ log: app.log })));
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DashboardBuild } from '../dashboard.ts';

/**
 * What the HTML may load: its own scripts, styles, images and API, nothing inline, in no frame.
 * ECharts and Preact set `element.style` from script, which a policy without 'unsafe-inline'
 * allows (only inline `<style>` and `style="…"` in markup are refused).
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The dashboard's paths: each is the app (the view is read from the URL in the browser). */
export const DASHBOARD_VIEWS = ['overview', 'live', 'sessions', 'analyses', 'insights'] as const;

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  woff2: 'font/woff2',
};

/** A built file's name: letters, digits, `-`, `_` and `.`, and a known type (no path can escape the build). */
const ASSET = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*\.([a-z0-9]+)$/;

interface AssetRequest {
  readonly params: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export const dashboardRoutes = (ready: Promise<DashboardBuild>) =>
  async function dashboard(app: FastifyInstance): Promise<void> {
    // A build that failed is told on the page (and was logged once), not by a crash.
    const build = ready.then(
      (b) => ({ ok: true as const, dir: b.dir }),
      (err: unknown) => {
        app.log.error({ err }, 'dashboard build failed; / answers 503 until a restart builds it');
        return { ok: false as const, why: (err as Error).message };
      },
    );
    let html: { dir: string; body: string } | undefined;

    const page = async (_req: unknown, reply: FastifyReply) => {
      const b = await build;
      reply.header('content-security-policy', DASHBOARD_CSP);
      reply.header('referrer-policy', 'no-referrer');
      reply.header('x-frame-options', 'DENY');
      reply.header('cache-control', 'no-cache');
      if (!b.ok)
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(`The dashboard could not be built: ${b.why}\nThe server's log has the details.`);
      if (html?.dir !== b.dir) html = { dir: b.dir, body: readFileSync(join(b.dir, 'index.html'), 'utf8') };
      return reply.type('text/html; charset=utf-8').send(html.body);
    };

    app.get('/', page);
    app.get('/login', page);
    app.get('/share/:secret', page);
    app.get('/share/:secret/*', page);
    for (const view of DASHBOARD_VIEWS) {
      app.get(`/${view}`, page);
      app.get(`/${view}/*`, page);
    }

    const asset = (prefix: string) => async (req: AssetRequest, reply: FastifyReply) => {
      const b = await build;
      const { name } = req.params as { name: string };
      const m = ASSET.exec(name);
      const type = m === null ? undefined : TYPES[m[1]!];
      const path = b.ok ? join(b.dir, prefix, name) : '';
      if (type === undefined || !b.ok || !existsSync(path))
        return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      // Hashed names change with their content: a year, immutable. Others (favicon) a day.
      reply.header(
        'cache-control',
        prefix === 'assets' ? 'public, max-age=31536000, immutable' : 'public, max-age=86400',
      );
      reply.type(type).header('vary', 'accept-encoding');
      // The build wrote a gzipped copy of each script and style sheet (dashboard.ts).
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && existsSync(`${path}.gz`))
        return reply.header('content-encoding', 'gzip').send(readFileSync(`${path}.gz`));
      return reply.send(readFileSync(path));
    };
    app.get('/assets/:name', asset('assets'));
    app.get('/favicon.svg', (req, reply) =>
      asset('')({ params: { name: 'favicon.svg' }, headers: req.headers }, reply),
    );
  };
