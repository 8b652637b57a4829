/**
 * OpenAPI is generated from the HTTP contract (src/api/routes.ts): every route of the contract
 * is in it with its method, and each query parameter carries its catalogue type, bounds,
 * choices and default.
 */
import { describe, expect, it } from 'vitest';
import { ANALYSES, CATALOG, QUERIES } from '../../src/analysis/catalog.ts';
import { openApiDocument } from '../../src/api/openapi.ts';
import { QUERY_ROUTES, ROUTES } from '../../src/api/routes.ts';

type Operation = {
  parameters?: { name: string; schema: Record<string, unknown>; style?: string; explode?: boolean }[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security?: unknown[];
};
const doc = openApiDocument({ type: 'object' }) as unknown as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

describe('the OpenAPI document', () => {
  it('has every route of the contract, with its method, and no other', () => {
    const listed = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(listed.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(doc.components.schemas.Event).toEqual({ type: 'object' });
    for (const m of ['/api/v1/events', '/api/v1/live', '/api/v1/sites', '/healthz', '/metrics'])
      expect(Object.keys(doc.paths), m).toContain(m);
  });

  it('has a query route for every catalogue entry, the report, the sessions and a session', () => {
    expect(QUERY_ROUTES.map((r) => r.path).sort()).toEqual(
      [
        ...ANALYSES.map((a) => `/api/v1/${a.name}`),
        ...Object.keys(QUERIES).map((q) => `/api/v1/${q}`),
        '/api/v1/sessions/{id}',
      ].sort(),
    );
  });

  it('gives each parameter its catalogue type: bounds, choices, defaults, repeats', () => {
    const params = (path: string) => doc.paths[path]!.get!.parameters!;
    const limit = params('/api/v1/pages').find((p) => p.name === 'limit')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100_000, default: 20 });
    const cohort = params('/api/v1/retention').find((p) => p.name === 'cohort')!;
    expect(cohort.schema).toMatchObject({
      type: 'string',
      enum: expect.arrayContaining(['week', 'source']),
      default: 'week',
    });
    const step = params('/api/v1/funnel').find((p) => p.name === 'step')!;
    expect(step).toMatchObject({ schema: { type: 'array' }, style: 'form', explode: true });
    expect(params('/api/v1/funnel').find((p) => p.name === 'any_order')!.schema).toEqual({
      type: 'boolean',
      default: false,
    });
    expect(params('/api/v1/sessions').find((p) => p.name === 'limit')!.schema).toMatchObject({
      maximum: 1000,
    });
    expect(CATALOG.pages.params.map((p) => p.name)).toEqual(['limit']);
  });

  it('describes every refusal of a read route with the error body, and the credentials it takes', () => {
    const op = doc.paths['/api/v1/overview']!.get!;
    for (const status of ['400', '401', '403', '404', '429', '503'])
      expect(op.responses[status]!.content!['application/json']!.schema, status).toMatchObject({
        properties: { error: { required: ['code', 'message'] } },
      });
    expect(op.security).toEqual([{ bearer: [] }, { accessToken: [] }]);
    expect(doc.paths['/healthz']!.get!.security).toBeUndefined();
  });
});
