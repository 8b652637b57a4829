/**
 * Benchmark: `stint sessionize` Parquet → Parquet against the query a user would write instead
 * (one DuckDB SQL statement: LAG over identity and time, a running sum of new-session flags,
 * GROUP BY), on the same generated file, in the same run; for context also against one
 * statement that writes stint's fields with retries dropped. Also the core's own throughput
 * (columns → sessions, one core) and stint's peak memory.
 *
 *   npx tsx bench/sessionize.ts [--events 5000000] [--runs 1]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sessionizeToColumns } from '../src/core/batch.ts';
import { createRules } from '../src/core/rules.ts';
import { loadEvents } from '../src/io/load-events.ts';
import { numberFlag } from './flags.ts';
import { trafficFiles } from './traffic-files.ts';

const events = numberFlag('--events', 5_000_000);
const runs = numberFlag('--runs', 1);
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench/out');
mkdirSync(dir, { recursive: true });

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

function runStint(): { ms: number; maxRssBytes: number } {
  const out = join(dir, 'stint-sessions.parquet');
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/run-cli.ts'), 'sessionize', parquetPath, '-o', out, '-q'],
    {
      encoding: 'utf8',
      cwd: root,
    },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`stint failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop() ?? '{}';
  return { ms, maxRssBytes: (JSON.parse(last) as { maxRssBytes: number }).maxRssBytes };
}

const BASELINE_SQL = (input: string, output: string): string => `
COPY (
  WITH e AS (
    SELECT coalesce(nullif(anonymous_id, ''), user_id) AS identity, "timestamp" AS ts, event,
           regexp_extract(url, '^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1) AS path
    FROM read_parquet('${input}')
  ),
  flagged AS (
    SELECT *, CASE WHEN ts - lag(ts) OVER w > INTERVAL 30 MINUTE OR lag(ts) OVER w IS NULL THEN 1 ELSE 0 END AS new_session
    FROM e WINDOW w AS (PARTITION BY identity ORDER BY ts)
  ),
  numbered AS (
    SELECT *, sum(new_session) OVER (PARTITION BY identity ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session_no FROM flagged
  )
  SELECT identity, min(ts) AS start, max(ts) AS "end", count(*) AS events,
         count(*) FILTER (WHERE event = 'pageview') AS pageviews,
         arg_min(CASE WHEN path = '' THEN '/' ELSE path END, ts) FILTER (WHERE event = 'pageview') AS entry_page,
         arg_max(CASE WHEN path = '' THEN '/' ELSE path END, ts) FILTER (WHERE event = 'pageview') AS exit_page
  FROM numbered GROUP BY identity, session_no ORDER BY identity, start
) TO '${output}' (FORMAT parquet)`;

/**
 * A second baseline for context (not the target): one DuckDB statement that writes
 * what stint writes, as a user would have to: retries dropped by event_id (first wins), rules
 * 1-3 at 30 minutes, and every field of docs/sessions.md, first non-empty values in time order.
 * It still leaves out max duration, device parsing and the ordinal of equal starts.
 */
const FULL_SQL = (input: string, output: string): string => `
COPY (
  WITH raw AS (SELECT *, file_row_number AS rn FROM read_parquet('${input}', file_row_number = true)),
  repeated AS (SELECT event_id FROM raw WHERE event_id <> '' GROUP BY event_id HAVING count(*) > 1),
  firsts AS (SELECT min(rn) AS rn FROM raw WHERE event_id IN (SELECT event_id FROM repeated) GROUP BY event_id),
  kept AS (SELECT * FROM raw WHERE coalesce(event_id, '') = '' OR event_id NOT IN (SELECT event_id FROM repeated)
                                OR rn IN (SELECT rn FROM firsts)),
  e AS (
    SELECT coalesce(nullif(trim(anonymous_id), ''), trim(user_id)) AS identity, epoch_ms("timestamp") AS ts, rn,
           coalesce(nullif(trim(event), ''), 'pageview') AS event,
           regexp_extract(url, '^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1) AS path,
           referrer, utm_source, utm_medium, utm_campaign, timezone, user_agent,
           TRY_CAST(value AS DOUBLE) AS value, user_id, anonymous_id
    FROM kept),
  flagged AS (
    SELECT *, CASE WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > 1800000
                     OR lag(event) OVER w = 'session_end' OR event = 'session_start' THEN 1 ELSE 0 END AS new
    FROM e WINDOW w AS (PARTITION BY identity ORDER BY ts, rn)),
  numbered AS (SELECT *, sum(new) OVER (PARTITION BY identity ORDER BY ts, rn ROWS UNBOUNDED PRECEDING) AS sn FROM flagged)
  SELECT md5(identity || '|' || min(ts)::VARCHAR) AS session_id, identity,
         arg_min(user_id, (ts, rn)) FILTER (WHERE user_id <> '') AS user_id,
         arg_min(anonymous_id, (ts, rn)) FILTER (WHERE anonymous_id <> '') AS anonymous_id,
         epoch_ms(min(ts)) AS start, epoch_ms(max(ts)) AS "end", (max(ts) - min(ts)) / 1000 AS duration_s,
         count(*) AS events, count(*) FILTER (WHERE event = 'pageview') AS pageviews,
         arg_min(CASE WHEN path = '' THEN '/' ELSE path END, (ts, rn)) FILTER (WHERE event = 'pageview') AS entry_page,
         arg_max(CASE WHEN path = '' THEN '/' ELSE path END, (ts, rn)) FILTER (WHERE event = 'pageview') AS exit_page,
         arg_min(utm_source, (ts, rn)) FILTER (WHERE utm_source <> '') AS source,
         arg_min(utm_medium, (ts, rn)) FILTER (WHERE utm_medium <> '') AS medium,
         arg_min(utm_campaign, (ts, rn)) FILTER (WHERE utm_campaign <> '') AS campaign,
         arg_min(referrer, (ts, rn)) FILTER (WHERE referrer <> '') AS referrer,
         arg_min(user_agent, (ts, rn)) FILTER (WHERE user_agent <> '') AS user_agent,
         arg_min(timezone, (ts, rn)) FILTER (WHERE timezone <> '') AS timezone,
         sum(value) AS value, count(*) FILTER (WHERE event = 'purchase') AS conversions
  FROM numbered GROUP BY identity, sn ORDER BY identity, start
) TO '${output}' (FORMAT parquet)`;

async function runBaseline(
  query: (input: string, output: string) => string = BASELINE_SQL,
  name = 'baseline-sessions.parquet',
): Promise<{ ms: number; sessions: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const out = join(dir, name);
  const t0 = performance.now();
  await c.run(query(parquetPath, out));
  const ms = performance.now() - t0;
  const count = await c.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet('${out}')`);
  const sessions = Number(count.getRows()[0]?.[0]);
  c.closeSync();
  db.closeSync();
  return { ms, sessions };
}

async function coreThroughput(): Promise<{ eventsPerS: number; sessions: number; columnsBytes: number }> {
  const { columns } = await loadEvents([parquetPath], { normalize: {} });
  const rules = createRules();
  sessionizeToColumns(columns, rules); // warm-up
  let best = Number.POSITIVE_INFINITY;
  let sessions = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    sessions = sessionizeToColumns(columns, rules).length;
    best = Math.min(best, performance.now() - t0);
  }
  // 9 int32 columns + 2 float64 columns per event; dictionaries counted at 2 bytes a character.
  const dictChars = [
    columns.ids,
    columns.names,
    columns.paths,
    columns.referrers,
    columns.campaigns,
    columns.zones,
    columns.agents,
  ]
    .flatMap((d) => d.values)
    .reduce((n, s) => n + s.length, 0);
  const columnsBytes = columns.length * (9 * 4 + 2 * 8) + dictChars * 2;
  return { eventsPerS: (columns.length / best) * 1000, sessions, columnsBytes };
}

const { parquetPath } = await trafficFiles(events);
for (let r = 0; r < runs; r++) {
  const baseline = await runBaseline();
  const full = await runBaseline(FULL_SQL, 'full-baseline-sessions.parquet');
  const stint = runStint();
  console.log(
    `baseline DuckDB SQL   ${seconds(baseline.ms)} (${baseline.sessions.toLocaleString('en-US')} sessions, no dedup)`,
  );
  console.log(`stint sessionize      ${seconds(stint.ms)} (whole CLI process, Parquet in and out)`);
  console.log(`ratio stint/baseline  ${(stint.ms / baseline.ms).toFixed(2)}× (target ≤ 1.0×)`);
  console.log(
    `full-fields SQL       ${seconds(full.ms)} (${full.sessions.toLocaleString('en-US')} sessions; dedup and every field, for context)`,
  );
  console.log(`ratio stint/full SQL  ${(stint.ms / full.ms).toFixed(2)}×`);
  const core = await coreThroughput();
  console.log(
    `core throughput       ${(core.eventsPerS / 1e6).toFixed(2)} M events/s on one core (${core.sessions.toLocaleString('en-US')} sessions; target ≥ 5 M/s)`,
  );
  console.log(
    `peak memory           ${mib(stint.maxRssBytes)} = ${(stint.maxRssBytes / core.columnsBytes).toFixed(2)}× the input columns (${mib(core.columnsBytes)}; target < 2×)`,
  );
}
