/**
 * The catalogue's `diagnose`: does the sessionization fit the stored data? Findings with a
 * severity, evidence and a fix, then the gap histogram and the sessions per timeout. The plan
 * reads the clock (the edge), so the analysis itself never does.
 *
 *   stint diagnose --db shop.duckdb      GET /api/v1/diagnose
 */
import { diagnose } from '../insights/diagnose.ts';
import { defineAnalysis } from './entry.ts';

export const diagnoseAnalysis = defineAnalysis({
  name: 'diagnose',
  summary:
    'findings on the session settings and the data: the timeout the gaps suggest, sessions per timeout, odd times, identities and fields',
  params: [],
  example: {},
  plan: (read) => ({ query: read.query(), nowMs: Date.now() }),
  run: (store, { query, nowMs }) => diagnose(store, query, nowMs),
});
