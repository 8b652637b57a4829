/**
 * `stint worker --store clickhouse://… --shard K`: shard K's sessionizer. It sessionizes the
 * events collectors wrote to its shard that have no session yet, a batch at a time, then waits
 * `--interval` for more. One worker per shard; a killed worker started again goes on where it
 * stopped, with the same sessions (store/clickhouse/worker.ts).
 */
import type { Command } from 'commander';
import { parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import { siteAddress } from '../store/clickhouse/target.ts';
import { sessionizeShard, WORKER_BATCH } from '../store/clickhouse/worker.ts';
import { openClickHouseStore } from '../store/clickhouse-store.ts';

interface WorkerFlags {
  store?: string;
  site?: string;
  shard: string;
  interval: string;
  batch: string;
  once: boolean;
  quiet: boolean;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary("sessionize a ClickHouse shard's new events (one worker per shard)")
    .description(
      'Sessionize the events that collectors (stint serve --store clickhouse://…) wrote to one shard of a ' +
        'ClickHouse store and that have no session yet, a batch at a time, then wait for more. Run one ' +
        'worker per shard; a worker stopped at any point and started again writes the same sessions.',
    )
    .requiredOption('--store <address>', 'the ClickHouse store: clickhouse://HOST:PORT/DATABASE')
    .option('--site <name>', "a site of `stint serve --store`: its database (the store's, _, the name)")
    .requiredOption('--shard <K>', 'the shard to sessionize, from 1')
    .option('--interval <duration>', 'how long to wait when nothing is new', '1s')
    .option('--batch <events>', 'events per transaction at most', String(WORKER_BATCH))
    .option('--once', 'stop once nothing is new, instead of waiting', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .addHelpText(
      'after',
      '\nExamples:\n  stint worker --store "$(cat .stint-cluster/url)" --site shop --shard 1\n  stint worker --store clickhouse://10.0.0.5:8123/stint_shop --shard 2 --interval 5s',
    )
    .action(async (flags: WorkerFlags) => {
      await runWorker(flags);
    });
}

function positive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new StintError('STINT_BAD_FLAG', `${flag} ${text} is not a whole number from 1`, `e.g. ${flag} 1`);
  return n;
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  const address = flags.store ?? '';
  if (!/^clickhouse:\/\//i.test(address))
    throw new StintError(
      'STINT_BAD_FLAG',
      `--store ${address} is not a ClickHouse store: workers sessionize the shards of one`,
      'Give --store clickhouse://HOST:PORT/DATABASE (a DuckDB store is sessionized by stint serve or stint import)',
    );
  const shard = positive(flags.shard, '--shard');
  const batch = positive(flags.batch, '--batch');
  const intervalMs = parseDuration(flags.interval, '--interval');
  const say = (line: string) => {
    if (!flags.quiet) process.stderr.write(`shard ${shard}: ${line}\n`);
  };
  const store = await openClickHouseStore(
    flags.site === undefined ? address : siteAddress(address, flags.site),
  );
  let stopping = false;
  const stop = () => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await store.shardRows(shard, 'SELECT 1'); // a shard the store does not have is refused here
    let idle = false;
    while (!stopping) {
      const started = performance.now();
      let pass: Awaited<ReturnType<typeof sessionizeShard>>;
      try {
        pass = await sessionizeShard(store, shard, batch);
      } catch (err) {
        if (flags.once || (err instanceof StintError && err.code === 'STINT_BAD_FLAG')) throw err;
        say(`${err instanceof Error ? err.message : String(err)}; trying again in ${flags.interval}`);
        await sleep(intervalMs);
        continue;
      }
      if (pass.events > 0) {
        idle = false;
        const ms = Math.round(performance.now() - started);
        say(
          `${count(pass.events, 'new event')}: ${count(pass.sessions, 'session')} of ${count(pass.identities, 'visitor')} written in ${ms} ms`,
        );
        continue;
      }
      if (flags.once) break;
      if (!idle) say(`nothing new; looking again every ${flags.interval}`);
      idle = true;
      await sleep(intervalMs);
    }
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    store.close();
  }
}

const count = (n: number, noun: string): string =>
  `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
