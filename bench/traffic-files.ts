/**
 * The benchmarks' input: N generated events (seed 1) as CSV and Parquet in bench/out, written
 * once and reused by every benchmark.
 *
 *   const { csvPath, parquetPath } = await trafficFiles(5_000_000);
 */
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createCsvWriter } from '../src/io/write-csv.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../src/sample/traffic.ts';

export const BENCH_OUT = join(resolve(import.meta.dirname, '..'), 'bench/out');

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

export async function trafficFiles(events: number): Promise<{ csvPath: string; parquetPath: string }> {
  mkdirSync(BENCH_OUT, { recursive: true });
  const csvPath = join(BENCH_OUT, `events-${events}.csv`);
  const parquetPath = join(BENCH_OUT, `events-${events}.parquet`);
  if (existsSync(csvPath) && existsSync(parquetPath)) {
    console.log(`input ${parquetPath} (${mib(statSync(parquetPath).size)}) and its CSV, reused`);
    return { csvPath, parquetPath };
  }
  const t0 = performance.now();
  const writer = createCsvWriter(createWriteStream(csvPath), [...TRAFFIC_COLUMNS], {
    text: 'raw',
  });
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
    `generated ${events.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(2)} s: CSV ${mib(statSync(csvPath).size)}, Parquet ${mib(statSync(parquetPath).size)}`,
  );
  return { csvPath, parquetPath };
}
