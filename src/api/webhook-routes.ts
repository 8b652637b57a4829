/**
 * The webhooks' part of the HTTP contract (admin token): the hooks, a test ping and the delivery
 * log (server/routes/webhooks.ts serves them; docs/insights/webhooks.md).
 *
 *   WEBHOOK_ROUTES.map((r) => `${r.method} ${r.path}`) // ['get /api/v1/webhooks', …]
 */
import { ERROR_SCHEMA } from './errors.ts';
import type { ApiParam, ApiResponse, ApiRoute } from './routes.ts';

const errors = (...statuses: number[]): Record<number, ApiResponse> =>
  Object.fromEntries(statuses.map((s) => [s, { description: '', schema: ERROR_SCHEMA }]));
const id: ApiParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'the hook id (wh_…)',
  schema: { type: 'string' },
};
const query = (
  name: string,
  description: string,
  schema: Record<string, unknown> = { type: 'string' },
): ApiParam => ({
  name,
  in: 'query',
  description,
  schema,
});

const EVENTS = { type: 'string', enum: ['anomalous-session', 'anomalous-day', 'diagnose-finding'] };
const HOOK = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    site: { type: 'string' },
    url: { type: 'string' },
    events: { type: 'array', items: EVENTS },
    created_at: { type: 'string' },
    state: { type: 'string', enum: ['active', 'disabled'] },
    disabled_at: { type: 'string' },
    disabled_reason: { type: 'string' },
  },
  required: ['id', 'site', 'url', 'events', 'created_at', 'state'],
};
const ATTEMPT = {
  type: 'object',
  properties: {
    attempt: { type: 'integer' },
    at: { type: 'string' },
    status: { type: 'integer' },
    error: { type: 'string' },
    ms: { type: 'integer' },
    outcome: { type: 'string', enum: ['retry', 'delivered', 'failed', 'disabled', 'dropped'] },
  },
};
const DELIVERY = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    hook: { type: 'string' },
    site: { type: 'string' },
    type: { type: 'string' },
    state: { type: 'string', enum: ['pending', 'delivered', 'failed', 'disabled', 'dropped'] },
    attempts: { type: 'array', items: ATTEMPT },
    nextAt: { type: 'string' },
  },
};

export const WEBHOOK_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/api/v1/webhooks',
    summary: 'the webhooks, never their secrets (admin token)',
    credential: 'admin',
    params: [],
    responses: {
      200: {
        description: '{"webhooks": [...]}',
        schema: { type: 'object', properties: { webhooks: { type: 'array', items: HOOK } } },
      },
      ...errors(401, 403),
    },
  },
  {
    method: 'post',
    path: '/api/v1/webhooks',
    summary: 'add a webhook; the answer holds its signing secret, shown once (admin token)',
    credential: 'admin',
    params: [],
    body: {
      contentTypes: ['application/json'],
      schema: {
        type: 'object',
        properties: {
          site: { type: 'string' },
          url: { type: 'string' },
          events: { type: 'array', items: EVENTS },
        },
        required: ['site', 'url', 'events'],
      },
    },
    responses: {
      201: {
        description: '{"webhook", "secret"}',
        schema: { type: 'object', properties: { webhook: HOOK, secret: { type: 'string' } } },
      },
      ...errors(400, 401, 403, 404),
    },
  },
  {
    method: 'delete',
    path: '/api/v1/webhooks/{id}',
    summary: 'remove a webhook; what it still had to send is dropped (admin token)',
    credential: 'admin',
    params: [id],
    responses: { 200: { description: '{"removed": ID}' }, ...errors(401, 403, 404) },
  },
  {
    method: 'post',
    path: '/api/v1/webhooks/{id}/test',
    summary: 'send the webhook a ping delivery now, through the outbox (admin token)',
    credential: 'admin',
    params: [id],
    responses: {
      202: { description: '{"delivery": "dlv_…", "type": "ping"}' },
      ...errors(400, 401, 403, 404),
    },
  },
  {
    method: 'get',
    path: '/api/v1/webhooks/deliveries',
    summary: 'the delivery log, newest first: each delivery and its attempts (admin token)',
    credential: 'admin',
    params: [
      query('hook', 'only this hook’s deliveries'),
      query('site', 'only this site’s deliveries'),
      query('limit', 'deliveries at most', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }),
    ],
    responses: {
      200: {
        description: '{"deliveries": [...]}',
        schema: { type: 'object', properties: { deliveries: { type: 'array', items: DELIVERY } } },
      },
      ...errors(400, 401, 403),
    },
  },
];
