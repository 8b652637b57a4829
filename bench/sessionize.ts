/**
 * Benchmark: `stint sessionize` Parquet → Parquet against the query a user would write instead
 * (one DuckDB SQL statement: LAG over identity and time, a running sum of new-session flags,
 * GROUP BY), on the same generated file, in the same run. Also the core's own throughput
 * (columns → sessions, one core) and stint's peak memory.
 *
 *   npx tsx bench/sessionize.ts [--events 5000000] [--runs 1]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sessionizeToColumns } from '../src/core/batch.ts';
import { createRules } from '../src/core/rules.ts';
import { loadEvents } from '../src/io/load-events.ts';
import { createCsvWriter } from '../src/io/write-csv.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../src/sample/traffic.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const events = flag('--events', 5_000_000);
const runs = flag('--runs', 1);
const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'bench/out');
mkdirSync(dir, { recursive: true });
const csvPath = join(dir, `events-${events}.csv`);
const parquetPath = join(dir, `events-${events}.parquet`);

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

async function generate(): Promise<void> {
  const t0 = performance.now();
  const writer = createCsvWriter(createWriteStream(csvPath), [...TRAFFIC_COLUMNS]);
  for (const row of generateTraffic({ events, seed: 1 })) {
    const out: unknown[] = [...row];
    out[0] = new Date(row[0]).toISOString();
    await writer.write(out);
  }
  await writer.end();
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run(
    `COPY (SELECT * REPLACE (CAST("timestamp" AS TIMESTAMP) AS "timestamp") FROM read_csv('${csvPath}', header = true, all_varchar = true))
     TO '${parquetPath}' (FORMAT parquet)`,
  );
  c.closeSync();
  db.closeSync();
  console.log(
    `generated ${events.toLocaleString('en-US')} events in ${seconds(performance.now() - t0)}: CSV ${mib(statSync(csvPath).size)}, Parquet ${mib(statSync(parquetPath).size)}`,
  );
}

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

async function runBaseline(): Promise<{ ms: number; sessions: number }> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const out = join(dir, 'baseline-sessions.parquet');
  const t0 = performance.now();
  await c.run(BASELINE_SQL(parquetPath, out));
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

await generate();
for (let r = 0; r < runs; r++) {
  const baseline = await runBaseline();
  const stint = runStint();
  console.log(
    `baseline DuckDB SQL   ${seconds(baseline.ms)} (${baseline.sessions.toLocaleString('en-US')} sessions, no dedup)`,
  );
  console.log(`stint sessionize      ${seconds(stint.ms)} (whole CLI process, Parquet in and out)`);
  console.log(`ratio stint/baseline  ${(stint.ms / baseline.ms).toFixed(2)}× (target ≤ 1.0×)`);
  const core = await coreThroughput();
  console.log(
    `core throughput       ${(core.eventsPerS / 1e6).toFixed(2)} M events/s on one core (${core.sessions.toLocaleString('en-US')} sessions; target ≥ 5 M/s)`,
  );
  console.log(
    `peak memory           ${mib(stint.maxRssBytes)} = ${(stint.maxRssBytes / core.columnsBytes).toFixed(2)}× the input columns (${mib(core.columnsBytes)}; target < 2×)`,
  );
}
