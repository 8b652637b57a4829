/**
 * The HTTP contract as data: every route of `stint serve` with its method, path, parameters,
 * credentials, body and answers. The query routes come from the analysis catalogue (one per
 * entry, plus the report and the session list); the server registers them from here
 * (server/routes/query.ts) and OpenAPI is generated from here (api/openapi.ts).
 *
 *   QUERY_ROUTES.find((r) => r.path === '/api/v1/breakdown')?.entry // CATALOG.breakdown
 */
import { ANALYSES, type Analysis, type Param, paramSchema, paramsOf, QUERIES } from '../analysis/catalog.ts';
import { ERROR_SCHEMA, READ_ERRORS, STATUS, statusOf } from './errors.ts';
import { WEBHOOK_ROUTES } from './webhook-routes.ts';

/** Who may call: a read token or share link, an event sender (site key, write key, admin), an admin token, anyone. */
export type Credential = 'read' | 'collect' | 'bulk' | 'admin' | 'none';

export interface ApiParam {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly required?: boolean;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  /** Repeatable: `filter=a&filter=b`. */
  readonly repeated?: boolean;
}

export interface ApiResponse {
  readonly description: string;
  readonly schema?: Readonly<Record<string, unknown>>;
  /** Defaults to application/json. */
  readonly contentType?: string;
}

export interface ApiRoute {
  readonly method: 'get' | 'post' | 'delete';
  /** OpenAPI's form: `/api/v1/sessions/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly credential: Credential;
  readonly params: readonly ApiParam[];
  /** A query route: the catalogue entry it runs. */
  readonly entry?: Analysis;
  readonly body?: {
    readonly contentTypes: readonly string[];
    readonly schema: Readonly<Record<string, unknown>>;
  };
  readonly responses: Readonly<Record<number, ApiResponse>>;
}

const query = (name: string, description: string): ApiParam => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string' },
});
const pathId = (description: string): ApiParam => ({
  name: 'id',
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
export const SITE_PARAM = query('site', 'the site; read-only tokens and share links default to their own');
/** Parameters every read route takes beside its own: the site and a credential in the URL. */
export const READ_ROUTE_PARAMS = ['site', 'access_token'] as const;

/** A catalogue parameter as a query parameter. */
export function apiParam(p: Param): ApiParam {
  return {
    name: p.name,
    in: 'query',
    ...(p.required === true ? { required: true } : {}),
    description: p.help,
    schema: paramSchema(p),
    ...(p.kind === 'texts' ? { repeated: true } : {}),
  };
}

const errors = (...statuses: number[]): Record<number, ApiResponse> =>
  Object.fromEntries(statuses.map((s) => [s, { description: '', schema: ERROR_SCHEMA }]));

/** A read route's refusals: each status with the codes it comes with. */
const READ_REFUSALS: Record<number, ApiResponse> = (() => {
  const codes = new Map<number, string[]>();
  for (const code of READ_ERRORS) {
    const s = statusOf(code);
    codes.set(s, [...(codes.get(s) ?? []), code]);
  }
  return Object.fromEntries(
    [...codes].map(([s, list]) => [
      s,
      { description: `${STATUS[s]} (${list.join(', ')})`, schema: ERROR_SCHEMA },
    ]),
  );
})();

function queryRoute(entry: Analysis, summary = entry.summary): ApiRoute {
  return {
    method: 'get',
    path: `/api/v1/${entry.name}`,
    summary,
    credential: 'read',
    params: [SITE_PARAM, ...paramsOf(entry).map(apiParam)],
    entry,
    responses: { 200: { description: 'the result, as the CLI prints with --json' }, ...READ_REFUSALS },
  };
}

/** The routes that read a site's sessions: each analysis, the report, the session list and one session. */
export const QUERY_ROUTES: readonly ApiRoute[] = [
  queryRoute(QUERIES.report),
  ...ANALYSES.map((entry) => queryRoute(entry)),
  queryRoute(QUERIES.sessions),
  {
    method: 'get',
    path: '/api/v1/sessions/{id}',
    summary: 'one session and its events',
    credential: 'read',
    params: [SITE_PARAM, pathId('the session id: 32 hex digits')],
    responses: { 200: { description: 'the session and its events' }, ...READ_REFUSALS },
  },
];

/** The report as one standalone HTML file, to download (`stint report --html`'s file). */
export const REPORT_HTML_ROUTE: ApiRoute = {
  ...queryRoute(QUERIES.report, 'the report as a standalone HTML file (stint report --html), to download'),
  path: '/api/v1/report.html',
  responses: {
    200: {
      description:
        'the HTML file, as an attachment named stint-report-SITE-FROM-TO.html (FROM and TO: the first and last day, in tz)',
      schema: { type: 'string' },
      contentType: 'text/html',
    },
    ...READ_REFUSALS,
  },
};

const EVENT = { $ref: '#/components/schemas/Event' };
const ISSUES = {
  type: 'array',
  items: {
    type: 'object',
    properties: { index: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } },
  },
};
const ACCEPTED = {
  type: 'object',
  properties: {
    accepted: { type: 'integer' },
    duplicates: { type: 'integer' },
    bots: { type: 'integer' },
    rejected: ISSUES,
    warnings: { ...ISSUES, description: 'accepted events whose timestamp was clamped' },
  },
};

function ingestRoute(
  path: string,
  summary: string,
  credential: 'collect' | 'bulk',
  contentTypes: readonly string[],
  schema: Record<string, unknown>,
): ApiRoute {
  return {
    method: 'post',
    path,
    summary,
    credential,
    params: [
      query('key', "the site's public key (browsers, from an allowed origin)"),
      query('site', 'the site, with an admin token (a key implies its own)'),
    ],
    body: { contentTypes, schema },
    responses: {
      200: { description: 'stored (answered only after commit)', schema: ACCEPTED },
      400: {
        description: 'every event refused (the reasons per event), or a bad request',
        schema: { oneOf: [ACCEPTED, ERROR_SCHEMA] },
      },
      ...errors(401, 403, 413, 415, 429, 503),
    },
  };
}

/** The other routes: the collector, live, sites, erasure, health, metrics, this document. */
export const SERVICE_ROUTES: readonly ApiRoute[] = [
  ingestRoute(
    '/api/v1/events',
    'store one event or {"events": [...]}',
    'collect',
    ['application/json', 'text/plain'],
    {
      oneOf: [
        EVENT,
        { type: 'object', properties: { site: { type: 'string' }, events: { type: 'array', items: EVENT } } },
      ],
    },
  ),
  ingestRoute(
    '/api/v1/events/ndjson',
    'store events, one JSON object a line (write keys and admin tokens only)',
    'bulk',
    ['application/x-ndjson', 'application/jsonl'],
    { type: 'string' },
  ),
  {
    method: 'get',
    path: '/api/v1/live',
    summary: 'Server-Sent Events: open sessions, events per second, latest events (every second)',
    credential: 'read',
    params: [SITE_PARAM, query('access_token', 'the token, for EventSource')],
    responses: {
      200: { description: 'a stream of JSON updates, one a second', contentType: 'text/event-stream' },
      ...READ_REFUSALS,
    },
  },
  {
    method: 'get',
    path: '/api/v1/sites',
    summary: 'the sites this token may read',
    credential: 'read',
    params: [],
    responses: { 200: { description: '{"sites": [{"name", "origins", "public_key"}]}' }, ...READ_REFUSALS },
  },
  {
    method: 'delete',
    path: '/api/v1/visitors/{id}',
    summary:
      'erase a visitor (a user_id or anonymous_id): their events and sessions; the answer counts them (admin token)',
    credential: 'admin',
    params: [SITE_PARAM, pathId('a user_id or anonymous_id')],
    responses: {
      200: { description: '{"events", "sessions", "resessionized"}' },
      ...errors(400, 401, 403, 404, 429),
    },
  },
  {
    method: 'get',
    path: '/healthz',
    summary: 'liveness',
    credential: 'none',
    params: [],
    responses: {
      200: { description: 'ok' },
      503: { description: 'shutting down, or a site cannot be opened (the log says why)' },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (admin token)',
    credential: 'admin',
    params: [],
    responses: {
      200: { description: 'text exposition format', contentType: 'text/plain' },
      ...errors(401, 403),
    },
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'this document',
    credential: 'none',
    params: [],
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
];

export const ROUTES: readonly ApiRoute[] = [
  ...SERVICE_ROUTES.slice(0, 2),
  ...QUERY_ROUTES,
  REPORT_HTML_ROUTE,
  ...SERVICE_ROUTES.slice(2),
  ...WEBHOOK_ROUTES,
];
