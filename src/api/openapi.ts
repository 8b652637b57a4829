/**
 * The OpenAPI 3.1 document served at `/api/v1/openapi.json`, generated from the HTTP contract
 * (api/routes.ts), whose query routes come from the analysis catalogue: it cannot drift from
 * the routes. The event schema is the collector's, passed in by the server.
 *
 *   const doc = openApiDocument(EVENT_SCHEMA);
 */
import { STATUS } from './errors.ts';
import { type ApiParam, type ApiResponse, type ApiRoute, type Credential, ROUTES } from './routes.ts';

const SECURITY: Record<Credential, readonly Record<string, never[]>[] | undefined> = {
  read: [{ bearer: [] }, { accessToken: [] }],
  collect: [{ siteKey: [] }, { siteKeyHeader: [] }, { bearer: [] }],
  bulk: [{ bearer: [] }],
  admin: [{ bearer: [] }],
  none: undefined,
};

function parameter(p: ApiParam) {
  return {
    name: p.name,
    in: p.in,
    required: p.required === true,
    description: p.description,
    schema: p.schema,
    ...(p.repeated === true ? { style: 'form', explode: true } : {}),
  };
}

function response(status: number, r: ApiResponse) {
  return {
    description: r.description === '' ? (STATUS[status] ?? '') : r.description,
    ...(r.schema === undefined
      ? {}
      : { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } }),
  };
}

function operation(route: ApiRoute) {
  const security = SECURITY[route.credential];
  return {
    summary: route.summary,
    ...(route.params.length === 0 ? {} : { parameters: route.params.map(parameter) }),
    ...(route.body === undefined
      ? {}
      : {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              route.body.contentTypes.map((type) => [type, { schema: route.body!.schema }]),
            ),
          },
        }),
    ...(security === undefined ? {} : { security }),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([s, r]) => [s, response(Number(s), r)]),
    ),
  };
}

export function openApiDocument(eventSchema: object, routes: readonly ApiRoute[] = ROUTES) {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
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
      schemas: { Event: eventSchema },
    },
    paths,
  };
}
