/**
 * Benchmark: the ClickHouse cluster against DuckDB, and 2 shards against 1, in one run.
 *
 * - Import. DuckDB: `stint import FILE --db` of the generated Parquet file, in a child process
 *   pinned to core 0 (one core, as a 1-shard cluster gets). A cluster, as collectors and workers
 *   fill it: the same events written without sessions (`pendingRows`, in batches of `--batch`)
 *   through the entry node, then one `stint worker --shard K --once` per shard, each pinned
 *   next to its shard's server (`--pin`: shard K and its worker on core K-1), timed until every
 *   event has a session. A fresh cluster for each run.
 * - Queries over the whole range (overview, a 3-step funnel over the three most viewed pages,
 *   top paths, weekly retention) against each store, after one warm-up.
 *
 * Each figure is the median of `--runs` with its range. The ratios 2 shards / 1 shard are the
 * scaling (target: import ≥ 1.6×, queries ≤ 0.7×); DuckDB is the baseline.
 *
 *   npx tsx bench/cluster.ts [--events 20000000] [--runs 5] [--batch 100000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { funnel, parseSteps } from '../src/analysis/funnel.ts';
import { overview } from '../src/analysis/overview.ts';
import { pages } from '../src/analysis/pages.ts';
import { topPaths } from '../src/analysis/paths.ts';
import { parseQueryOptions } from '../src/analysis/query-options.ts';
import { retention } from '../src/analysis/retention.ts';
import type { EventInput, StintEvent } from '../src/core/event.ts';
import { createNormalizer } from '../src/core/normalize.ts';
import { createRules } from '../src/core/rules.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../src/sample/traffic.ts';
import { pendingRows } from '../src/store/clickhouse/pending.ts';
import { type ClickHouseStore, openClickHouseStore } from '../src/store/clickhouse-store.ts';
import { openDuckDBStore } from '../src/store/duckdb-store.ts';
import type { Store } from '../src/store/store.ts';
import { startCluster } from '../test/helpers/clickhouse-cluster.ts';
import { numberFlag } from './flags.ts';
import { BENCH_OUT, trafficFiles } from './traffic-files.ts';

const events = numberFlag('--events', 20_000_000);
const runs = numberFlag('--runs', 5);
const batch = numberFlag('--batch', 100_000);
const root = resolve(import.meta.dirname, '..');
const cli = ['--import', 'tsx', join(root, 'bench/run-cli.ts')];
const cores = Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || 1;

interface Spread {
  median: number;
  min: number;
  max: number;
}

const spread = (xs: readonly number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[(s.length - 1) >> 1]!, min: s[0]!, max: s.at(-1)! };
};
const fmt = (x: Spread, digits = 0): string =>
  `${x.median.toFixed(digits)} [${x.min.toFixed(digits)}–${x.max.toFixed(digits)}]`;

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
/** Progress on stderr, so a long run shows where it is. */
const note = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** One configuration's figures: import throughput (events/s) and each query's latency (ms). */
interface Figures {
  name: string;
  importPerS: Spread;
  /** The collectors' writes alone (clusters only). */
  writePerS?: Spread;
  /** The workers alone (clusters only). */
  sessionizePerS?: Spread;
  queries: Map<string, Spread>;
  sessions: number;
}

/** The generated events (seed 1, the same as the Parquet file's rows), in chunks of `size`. */
function* eventChunks(size: number): Generator<StintEvent[]> {
  const normalize = createNormalizer();
  let chunk: StintEvent[] = [];
  for (const row of generateTraffic({ events, seed: 1 })) {
    const record: EventInput = {};
    TRAFFIC_COLUMNS.forEach((name, i) => {
      record[name] = i === 0 ? new Date(row[0]).toISOString() : row[i];
    });
    const n = normalize(record);
    if (!n.ok) continue;
    chunk.push(n.event);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** The four analyses, whole range: `runs` timings each after a warm-up. */
async function timeQueries(store: Store): Promise<Map<string, Spread>> {
  const all = parseQueryOptions({});
  const top = await pages(store, all, 3);
  const steps = parseSteps(top.map((p) => p.page));
  const cases: [string, () => Promise<unknown>][] = [
    ['overview', () => overview(store, all)],
    ['funnel (3 pages)', () => funnel(store, all, { steps })],
    ['paths (top)', () => topPaths(store, all, 3)],
    ['retention (weekly)', () => retention(store, all, { cohort: 'week', periods: 8 })],
  ];
  const out = new Map<string, Spread>();
  for (const [name, work] of cases) {
    await work();
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await work();
      ms.push(performance.now() - t0);
    }
    out.set(name, spread(ms));
    note(`  ${name}: median ${spread(ms).median.toFixed(0)} ms`);
  }
  return out;
}

const sessionCount = async (store: Store): Promise<number> =>
  Number((await store.query({ sql: 'SELECT count() AS n FROM sessions', params: [] }))[0]?.n ?? 0);

/** DuckDB: `stint import` of the Parquet file pinned to core 0, `runs` times; queries on the last store. */
async function duckdb(parquetPath: string): Promise<Figures> {
  const db = join(BENCH_OUT, `cluster-bench-${events}.duckdb`);
  const perS: number[] = [];
  for (let r = 0; r < runs; r++) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    const t0 = performance.now();
    const run = spawnSync(
      'taskset',
      ['-c', '0', process.execPath, ...cli, 'import', parquetPath, '--db', db, '--quiet'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`stint import failed: ${run.stderr}`);
    note(`DuckDB, run ${r + 1}: ${sec(performance.now() - t0)}`);
    perS.push(events / ((performance.now() - t0) / 1000));
  }
  const store = await openDuckDBStore(db);
  try {
    return {
      name: 'DuckDB (1 core)',
      importPerS: spread(perS),
      queries: await timeQueries(store),
      sessions: await sessionCount(store),
    };
  } finally {
    store.close();
  }
}

/** `stint worker --shard K --once` pinned to core K-1; resolves when it exits. */
function worker(url: string, shard: number): Promise<void> {
  return new Promise((done, fail) => {
    const core = String((shard - 1) % cores);
    const child = spawn(
      'taskset',
      [
        '-c',
        core,
        process.execPath,
        ...cli,
        'worker',
        '--store',
        url,
        '--shard',
        String(shard),
        '--once',
        '--quiet',
      ],
      { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', fail);
    child.once('close', (code) =>
      code === 0 ? done() : fail(new Error(`worker ${shard} exited ${code}: ${stderr}`)),
    );
  });
}

/** A pinned cluster of `shards`, filled as collectors and workers do, `runs` times; queries on the last. */
async function cluster(shards: number): Promise<Figures> {
  const write: number[] = [];
  const sessionize: number[] = [];
  const whole: number[] = [];
  let queries = new Map<string, Spread>();
  let sessions = 0;
  for (let r = 0; r < runs; r++) {
    const c = await startCluster({ shards, pin: true });
    let store: ClickHouseStore | undefined;
    try {
      store = await openClickHouseStore(c.url);
      await store.transaction((tx) => tx.saveRules(createRules(), 0));
      const t0 = performance.now();
      let written = 0;
      for (const chunk of eventChunks(batch)) {
        await store.insertRows('events', pendingRows(chunk, Date.now()));
        written += chunk.length;
      }
      const t1 = performance.now();
      await Promise.all(Array.from({ length: shards }, (_, k) => worker(c.url, k + 1)));
      const t2 = performance.now();
      const [left] = await store.rows(`SELECT count() AS n FROM events WHERE session_id = ''`);
      if (Number(left?.n) !== 0)
        throw new Error(`${String(left?.n)} events have no session after the workers`);
      note(`${shards} shard(s), run ${r + 1}: collectors ${sec(t1 - t0)}, workers ${sec(t2 - t1)}`);
      write.push(written / ((t1 - t0) / 1000));
      sessionize.push(written / ((t2 - t1) / 1000));
      whole.push(written / ((t2 - t0) / 1000));
      if (r === runs - 1) {
        queries = await timeQueries(store);
        sessions = await sessionCount(store);
      }
    } finally {
      store?.close();
      await c.stop();
    }
  }
  return {
    name: `${shards} shard${shards === 1 ? '' : 's'} (1 core each)`,
    importPerS: spread(whole),
    writePerS: spread(write),
    sessionizePerS: spread(sessionize),
    queries,
    sessions,
  };
}

const { parquetPath } = await trafficFiles(events);
console.log(`${events.toLocaleString('en-US')} events, ${runs} runs, ${cores} cores; medians [min–max]\n`);
const results = [await duckdb(parquetPath), await cluster(1), await cluster(2)];

const pad = (s: string, n = 28) => s.padEnd(n);
console.log(`${pad('')}${results.map((f) => pad(f.name)).join('')}`);
const line = (label: string, of: (f: Figures) => Spread | undefined, digits = 0) =>
  console.log(
    `${pad(label)}${results.map((f) => pad(of(f) === undefined ? '–' : fmt(of(f)!, digits))).join('')}`,
  );
const k = (x: Spread | undefined): Spread | undefined =>
  x === undefined ? undefined : { median: x.median / 1000, min: x.min / 1000, max: x.max / 1000 };
line('import, k events/s', (f) => k(f.importPerS), 1);
line('  collectors write, k/s', (f) => k(f.writePerS), 1);
line('  workers sessionize, k/s', (f) => k(f.sessionizePerS), 1);
for (const name of results[0]!.queries.keys()) line(`${name}, ms`, (f) => f.queries.get(name));
console.log(`${pad('sessions')}${results.map((f) => pad(f.sessions.toLocaleString('en-US'))).join('')}`);

const [duck, one, two] = results as [Figures, Figures, Figures];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(
  `\n2 shards / 1 shard: import ${ratio(two.importPerS.median, one.importPerS.median)} (target ≥ 1.6×), ` +
    `workers ${ratio(two.sessionizePerS!.median, one.sessionizePerS!.median)}, ` +
    `collectors ${ratio(two.writePerS!.median, one.writePerS!.median)}`,
);
for (const name of one.queries.keys()) {
  console.log(
    `  ${name}: ${ratio(two.queries.get(name)!.median, one.queries.get(name)!.median)} as long (target ≤ 0.7×); ` +
      `1 shard / DuckDB ${ratio(one.queries.get(name)!.median, duck.queries.get(name)!.median)}`,
  );
}
console.log(`1 shard / DuckDB import: ${ratio(one.importPerS.median, duck.importPerS.median)}`);
