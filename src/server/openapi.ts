/**
 * The OpenAPI 3.1 document served at `/api/v1/openapi.json`, built from the same pieces the
 * routes use (the event schema, each analysis's parameters), so it cannot drift from them.
 */
import { EVENT_SCHEMA } from './collect.ts';

export interface DocumentedAnalysis {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly string[];
}

const ERROR = {
  type: 'object',
  properties: {
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
};
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      { description: STATUS[c], content: { 'application/json': { schema: ERROR } } },
    ]),
  );
const STATUS: Record<number, string> = {
  400: 'bad input; the reasons are in the body',
  401: 'no valid key or token',
  403: 'the key or token may not do this',
  404: 'no such site or session',
  413: 'body or batch too large',
  415: 'wrong content type',
  429: 'rate limited; see Retry-After',
  503: 'shutting down, the store is unavailable, or the site is busy with reads (too_many_reads, query_timeout); retry after Retry-After',
};
const param = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  description,
  schema: REPEATED.has(name) ? { type: 'array', items: { type: 'string' } } : { type: 'string' },
  ...(REPEATED.has(name) ? { style: 'form', explode: true } : {}),
});
const REPEATED = new Set(['filter', 'step', 'funnel']);
const SITE = param('site', 'the site; read-only tokens and share links default to their own');
const QUERY = [
  param('from', 'first day (2026-10-01) or ISO instant'),
  param('to', 'last day (inclusive) or end instant (exclusive)'),
  param('tz', 'IANA zone of dates and buckets (default UTC)'),
  param('filter', 'dim=value, dim!=value or dim~text; repeatable'),
];
const READ = {
  security: [{ bearer: [] }, { accessToken: [] }],
  responses: {
    200: { description: 'the result, as the CLI prints with --json' },
    ...errors(400, 401, 403, 404, 429, 503),
  },
};

export function openApiDocument(analyses: readonly DocumentedAnalysis[]) {
  const perEvent = {
    type: 'array',
    items: {
      type: 'object',
      properties: { index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
    },
  };
  const accepted = {
    type: 'object',
    properties: {
      accepted: { type: 'integer' },
      duplicates: { type: 'integer' },
      bots: { type: 'integer' },
      rejected: perEvent,
      warnings: { ...perEvent, description: 'accepted events whose timestamp was clamped' },
    },
  };
  const ingest = (contentTypes: readonly string[], schema: object) => ({
    security: [{ siteKey: [] }, { siteKeyHeader: [] }, { bearer: [] }],
    parameters: [
      param('key', "the site's public key (browsers, from an allowed origin)"),
      param('site', 'the site, with an admin token (a key implies its own)'),
    ],
    requestBody: {
      required: true,
      content: Object.fromEntries(contentTypes.map((type) => [type, { schema }])),
    },
    responses: {
      200: {
        description: 'stored (answered only after commit)',
        content: { 'application/json': { schema: accepted } },
      },
      400: {
        description: 'every event refused (the reasons per event), or a bad request',
        content: { 'application/json': { schema: { oneOf: [accepted, ERROR] } } },
      },
      ...errors(401, 403, 413, 415, 429, 503),
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'stint',
      version: '1',
      description: 'Collector and query API of stint serve (docs/operations.md).',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'st_… token, sh_… share link, or sk_… write key for the collector',
        },
        siteKey: { type: 'apiKey', in: 'query', name: 'key' },
        siteKeyHeader: { type: 'apiKey', in: 'header', name: 'X-Stint-Key' },
        accessToken: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'a token or share link in the URL (for EventSource and shared links)',
        },
      },
      schemas: { Event: EVENT_SCHEMA },
    },
    paths: {
      '/api/v1/events': {
        post: {
          summary: 'store one event or {"events": [...]}',
          ...ingest(['application/json', 'text/plain'], {
            oneOf: [
              { $ref: '#/components/schemas/Event' },
              {
                type: 'object',
                properties: {
                  site: { type: 'string' },
                  events: { type: 'array', items: { $ref: '#/components/schemas/Event' } },
                },
              },
            ],
          }),
        },
      },
      '/api/v1/events/ndjson': {
        post: {
          summary: 'store events, one JSON object a line (write keys and admin tokens only)',
          ...ingest(['application/x-ndjson', 'application/jsonl'], { type: 'string' }),
          security: [{ bearer: [] }],
        },
      },
      '/api/v1/report': {
        get: {
          summary: 'the report, as stint report --json',
          parameters: [
            SITE,
            ...QUERY,
            param('interval', 'hour, day, week or month'),
            param('funnel', 'a funnel: comma-separated steps, as --funnel of stint report; repeatable'),
          ],
          ...READ,
        },
      },
      ...Object.fromEntries(
        analyses.map((a) => [
          `/api/v1/${a.name}`,
          {
            get: {
              summary: a.summary,
              parameters: [
                SITE,
                ...a.params.map((p) => param(p, `as --${p.replaceAll('_', '-')} of stint ${a.name}`)),
              ],
              ...READ,
            },
          },
        ]),
      ),
      '/api/v1/sessions': {
        get: {
          summary: 'sessions, newest first',
          parameters: [
            SITE,
            ...QUERY,
            param('limit', '1–1000, default 50'),
            param('cursor', '"next" of the previous page'),
          ],
          ...READ,
        },
      },
      '/api/v1/sessions/{id}': {
        get: {
          summary: 'one session and its events',
          parameters: [SITE, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          ...READ,
        },
      },
      '/api/v1/live': {
        get: {
          summary: 'Server-Sent Events: open sessions, events per second, latest events (every second)',
          parameters: [SITE, param('access_token', 'the token, for EventSource')],
          ...READ,
        },
      },
      '/api/v1/sites': { get: { summary: 'the sites this token may read', ...READ } },
      '/api/v1/visitors/{id}': {
        delete: {
          summary:
            'erase a visitor (a user_id or anonymous_id): their events and sessions; the answer counts them (admin token)',
          parameters: [SITE, { name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          security: [{ bearer: [] }],
          responses: {
            200: { description: '{"events", "sessions", "resessionized"}' },
            ...errors(400, 401, 403, 404, 429),
          },
        },
      },
      '/healthz': {
        get: {
          summary: 'liveness',
          responses: {
            200: { description: 'ok' },
            503: { description: 'shutting down, or a site cannot be opened (the log says why)' },
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (admin token)',
          security: [{ bearer: [] }],
          responses: { 200: { description: 'text exposition format' }, ...errors(401, 403) },
        },
      },
    },
  };
}
