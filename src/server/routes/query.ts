/**
 * The query routes: `GET /api/v1/NAME` for every analysis of the catalogue, `/api/v1/report`,
 * `/api/v1/sessions` and `/api/v1/sessions/:id`, registered from the HTTP contract
 * (api/routes.ts). The query string is checked at the edge by a JSON schema made from the
 * entry's parameters (names, repeats, lengths); the values are read by the catalogue, whose
 * errors name query parameters (`limit`, not `--limit`). Credentials come first: a caller
 * without them learns nothing, not even the parameters.
 *
 *   registerQueryRoutes(app, { readSite });
 *   await app.register(queryRoutes, { readSite }); // the same, as a Fastify plugin
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import type { Planned } from '../../analysis/catalog/entry.ts';
import {
  type Analysis,
  API_SPELLING,
  MAX_VALUE_LENGTH,
  MAX_VALUES,
  type Param,
  paramsOf,
  planAnalysis,
  type RawParams,
  runAnalysis,
} from '../../analysis/catalog.ts';
import { sessionJourney } from '../../analysis/sessions.ts';
import { QUERY_ROUTES, READ_ROUTE_PARAMS } from '../../api/routes.ts';
import type { Store } from '../../store/store.ts';
import { HttpError } from '../http-error.ts';

/** What the query routes need from the app. */
export interface QueryRouteDeps {
  /**
   * The store of the site a read is for, once the request's principal may read it: 401 without
   * credentials, 400/404 `no_site`, 403 otherwise. The store is limited to the request's read
   * slot (the app gives the slot back when the handler is done).
   */
  readSite(
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ readonly store: Store; readonly name?: string }>;
}

export function registerQueryRoutes(app: FastifyInstance, deps: QueryRouteDeps): void {
  for (const route of QUERY_ROUTES) {
    const url = route.path.replace(/\{(\w+)\}/g, ':$1');
    const { entry } = route;
    if (entry === undefined) app.get(url, sessionHandler(deps));
    else
      app.get(
        url,
        { schema: { querystring: queryStringSchema(entry) }, attachValidation: true },
        entryHandler(entry, deps),
      );
  }
}

/** The routes as a Fastify plugin (hooks and the error handler of the app that registers it apply). */
export async function queryRoutes(app: FastifyInstance, deps: QueryRouteDeps): Promise<void> {
  registerQueryRoutes(app, deps);
}

function entryHandler(entry: Analysis, deps: QueryRouteDeps) {
  const read = entryRequest(entry, deps);
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const { site, planned } = await read(req, reply);
    return runAnalysis(entry, site.store, planned, API_SPELLING);
  };
}

/**
 * An entry's request read: the site (after its credentials) and the planned parameters, refused
 * as the entry's route refuses them. For a route that answers an entry's result in another form
 * (routes/report-html.ts), registered with `queryStringSchema(entry)` and `attachValidation`.
 */
export function entryRequest<P extends Planned>(entry: Analysis<P, unknown>, deps: QueryRouteDeps) {
  const params = paramsOf(entry);
  const taken = [...params.map((p) => p.name), ...READ_ROUTE_PARAMS];
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const site = await deps.readSite(req, reply);
    if (req.validationError !== undefined) throw refusal(req.validationError.validation, taken);
    const query = req.query as Record<string, string | string[] | undefined>;
    for (const p of params) {
      if (p.required === true && query[p.name] === undefined)
        throw new HttpError('bad_param', `Parameter "${p.name}" is required: ${p.help}`);
    }
    return { site, planned: planAnalysis(entry, rawOf(params, query), API_SPELLING) };
  };
}

function sessionHandler(deps: QueryRouteDeps) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const { id } = req.params as { id: string };
    const { store } = await deps.readSite(req, reply);
    if (!/^[0-9a-f]{32}$/.test(id)) throw new HttpError('not_found', 'No such session');
    const journey = await sessionJourney(store, id);
    if (journey === undefined) throw new HttpError('not_found', 'No such session');
    return journey;
  };
}

/**
 * The query string an entry takes: only its parameters' names (and site, access_token), each at
 * most MAX_VALUES times and MAX_VALUE_LENGTH characters. Values stay text: the catalogue reads
 * them, with the messages the CLI gives too.
 */
export function queryStringSchema(entry: Pick<Analysis, 'params'>): Record<string, unknown> {
  const params = paramsOf(entry);
  const text = { type: 'string', maxLength: MAX_VALUE_LENGTH };
  const texts = { type: 'array', items: text, maxItems: MAX_VALUES };
  // One value, or the same given again (the first is taken, as the CLI takes the last).
  const value = (p: Param) => (p.kind === 'texts' ? texts : { anyOf: [text, texts] });
  return {
    type: 'object',
    propertyNames: { enum: [...params.map((p) => p.name), ...READ_ROUTE_PARAMS] },
    properties: Object.fromEntries(params.map((p) => [p.name, value(p)])),
  };
}

/** A refused query string, as the API has always told it. */
function refusal(
  errors: readonly (FastifySchemaValidationError & { propertyName?: string })[],
  taken: readonly string[],
): Error {
  const unknown = errors.find((e) => e.propertyName !== undefined)?.propertyName;
  if (unknown !== undefined)
    return new HttpError(
      'bad_param',
      `Unknown parameter "${unknown}"; this route takes: ${taken.join(', ')}`,
    );
  // Only the route's own parameters have a schema, and their names need no JSON-pointer escapes.
  const name = errors[0]?.instancePath.split('/')[1] ?? '';
  return new HttpError('bad_param', `Parameter "${name}" is too long`);
}

/** The query's values by parameter: repeatable ones as lists, the others their first value. */
function rawOf(params: readonly Param[], query: Record<string, string | string[] | undefined>): RawParams {
  return Object.fromEntries(
    params.map((p) => {
      const v = query[p.name];
      if (p.kind === 'texts') return [p.name, v === undefined ? undefined : typeof v === 'string' ? [v] : v];
      return [p.name, Array.isArray(v) ? v[0] : v];
    }),
  );
}
