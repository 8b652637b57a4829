/**
 * The analysis catalogue: each analysis described once, as data (name, summary, typed
 * parameters with bounds and defaults) with `run(store, params)` giving its typed result. The
 * CLI builds its commands from it (cli/commands/analyses.ts), the server its query routes
 * (server/routes/query.ts), and the HTTP contract its routes and OpenAPI (api/).
 *
 *   const entry = CATALOG.breakdown;
 *   const params = planAnalysis(entry, { by: 'traffic_source' }, API_SPELLING);
 *   const { rows } = await runAnalysis(entry, store, params, API_SPELLING);
 *
 * A new analysis: its file in analysis/, an entry here (catalog/*.ts), its text in
 * cli/format/analyses.ts. docs/architecture.md, "Adding an analysis".
 */

import { anomaliesAnalysis } from './catalog/anomalies.ts';
import { activityAnalysis, ctrAnalysis, retentionAnalysis } from './catalog/cohorts.ts';
import { compareAnalysis } from './catalog/compare.ts';
import { diagnoseAnalysis } from './catalog/diagnose.ts';
import { driversAnalysis } from './catalog/drivers.ts';
import type { Analysis } from './catalog/entry.ts';
import { funnelAnalysis, pagesAnalysis, pathsAnalysis } from './catalog/pages.ts';
import { profileAnalysis, usersAnalysis } from './catalog/profile.ts';
import { reportQuery, sessionsQuery } from './catalog/queries.ts';
import { breakdownAnalysis, overviewAnalysis, timeseriesAnalysis } from './catalog/sessions.ts';
import { trendsAnalysis } from './catalog/trends.ts';

export { type Analysis, paramsOf, planAnalysis, runAnalysis } from './catalog/entry.ts';
export {
  MAX_VALUE_LENGTH,
  MAX_VALUES,
  type Param,
  type ParamKind,
  paramSchema,
  QUERY_PARAMS,
  type RawParams,
  type RawValue,
} from './catalog/params.ts';
export { MAX_REPORT_FUNNELS, parseFunnels } from './catalog/queries.ts';
export { API_SPELLING, asParameters, CLI_SPELLING, type Spelling } from './catalog/spelling.ts';

/** The analyses, each a command (`stint NAME`) and a route (`GET /api/v1/NAME`), in this order. */
export const CATALOG = {
  overview: overviewAnalysis,
  timeseries: timeseriesAnalysis,
  breakdown: breakdownAnalysis,
  pages: pagesAnalysis,
  paths: pathsAnalysis,
  funnel: funnelAnalysis,
  retention: retentionAnalysis,
  activity: activityAnalysis,
  ctr: ctrAnalysis,
  compare: compareAnalysis,
  anomalies: anomaliesAnalysis,
  profile: profileAnalysis,
  users: usersAnalysis,
  trends: trendsAnalysis,
  diagnose: diagnoseAnalysis,
  drivers: driversAnalysis,
} as const;

export type AnalysisName = keyof typeof CATALOG;
/** What an analysis's run gives: its JSON. */
export type ResultOf<N extends AnalysisName> = Awaited<ReturnType<(typeof CATALOG)[N]['run']>>;
/** What an analysis's plan gives: its parameters as run takes them. */
export type ParamsOf<N extends AnalysisName> = ReturnType<(typeof CATALOG)[N]['plan']>;

export const ANALYSES: readonly Analysis[] = Object.values(CATALOG);

/** The reads beside the analyses: `GET /api/v1/report` (and `stint report`), `GET /api/v1/sessions`. */
export const QUERIES = { report: reportQuery, sessions: sessionsQuery } as const;
