/**
 * A throwaway ClickHouse cluster for tests and benchmarks, made by scripts/clickhouse-cluster.sh
 * in a fresh temp folder: N shards on 127.0.0.1, the store URL, and a query runner per shard.
 *
 *   const cluster = await startCluster({ shards: 2 });
 *   await cluster.query('SELECT count() FROM system.clusters', 1);
 *   await cluster.stop(); // every shard down, folder deleted
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickhouseBinary } from '../sql/clickhouse-server.ts';

export const CLUSTER_SCRIPT = join(import.meta.dirname, '../../scripts/clickhouse-cluster.sh');

/**
 * Why the cluster tests cannot run here, or undefined when they can. Under CI=true a missing
 * server is a failure, not a reason, so CI never passes by skipping.
 */
export function clusterSkipReason(): string | undefined {
  if (clickhouseBinary() !== undefined || process.env.CI === 'true') return undefined;
  return 'clickhouse-server is not installed (apt-get install clickhouse-server)';
}

export const runClusterTests = clusterSkipReason() === undefined;

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the script with these arguments; never throws on a non-zero exit. */
export function runClusterScript(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [CLUSTER_SCRIPT, ...args], {
      env: { ...process.env, ...env },
      // The servers the script starts keep no handle on these pipes (their output goes to files),
      // so 'close' comes when the script itself ends.
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface ClusterShard {
  http: number;
  tcp: number;
}

export interface Cluster {
  /** The store URL, as `start` prints it last. */
  url: string;
  dir: string;
  /** In shard order: shards[0] is shard 1. */
  shards: ClusterShard[];
  /** Runs a statement on one shard (1-based, default 1); rows of a SELECT as plain objects. */
  query(
    sql: string,
    shard?: number,
    settings?: Readonly<Record<string, string | number>>,
  ): Promise<Record<string, unknown>[]>;
  status(): Promise<ScriptRun>;
  stopShard(k: number): Promise<void>;
  startShard(k: number): Promise<void>;
  /** Stops every shard and deletes the folder. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  shards: number;
  /** Shard k on core (k-1) mod nproc. */
  pin?: boolean;
}

/** A query that ClickHouse refused, with the code it gave (`Code: 210, ...`). */
export class ClickHouseQueryError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | undefined,
    readonly text: string,
  ) {
    super(`ClickHouse (HTTP ${status}${code === undefined ? '' : `, code ${code}`}): ${text}`);
  }
}

const must = async (args: readonly string[]): Promise<ScriptRun> => {
  const run = await runClusterScript(args);
  if (run.code !== 0)
    throw new Error(`clickhouse-cluster.sh ${args.join(' ')} exited ${run.code}\n${run.stderr}${run.stdout}`);
  return run;
};

/**
 * One POST on a connection of its own, closed after the answer. A kept-alive socket (fetch's
 * default) holds a server's shutdown for seconds, and the fault tests stop shards often.
 */
const post = (port: number, path: string, body: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { connection: 'close' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });

/** `clickhouse://127.0.0.1:H1/stint?shards=127.0.0.1:H1,127.0.0.1:H2` → the HTTP ports. */
const httpPorts = (url: string): number[] => {
  const list = new URL(url).searchParams.get('shards') ?? '';
  return list.split(',').map((address) => Number(address.split(':')[1]));
};

/** The TCP port of each shard, from the script's human lines (`shard 1 up http H tcp T ...`). */
const tcpPorts = (stdout: string): number[] =>
  [...stdout.matchAll(/^shard \d+ +\w+ +http \d+ tcp (\d+)/gm)].map((m) => Number(m[1]));

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-cluster-'));
  const started = await runClusterScript([
    'start',
    '--dir',
    dir,
    '--shards',
    String(options.shards),
    ...(options.pin === true ? ['--pin'] : []),
  ]);
  if (started.code !== 0) {
    // Stops any shard that did start; the folder goes too, even when the script never wrote to it.
    await runClusterScript(['clean', '--dir', dir]);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`clickhouse-cluster.sh start exited ${started.code}\n${started.stderr}${started.stdout}`);
  }
  const url = started.stdout.trimEnd().split('\n').at(-1) ?? '';
  const http = httpPorts(url);
  const tcp = tcpPorts(started.stdout);
  const shards = http.map((port, i) => ({ http: port, tcp: tcp[i] ?? 0 }));

  return {
    url,
    dir,
    shards,
    async query(sql, shard = 1, settings = {}) {
      const port = shards[shard - 1]?.http;
      if (port === undefined) throw new Error(`no shard ${shard} in a cluster of ${shards.length}`);
      const params = new URLSearchParams({ output_format_json_quote_64bit_integers: '0' });
      for (const [name, value] of Object.entries(settings)) params.set(name, String(value));
      const select = /^\s*(SELECT|SHOW|DESCRIBE)\b/i.test(sql);
      const res = await post(port, `/?${params}`, select ? `${sql}\nFORMAT JSONEachRow` : sql);
      const text = res.body;
      if (res.status !== 200) {
        const code = /^Code: (\d+)/.exec(text)?.[1];
        throw new ClickHouseQueryError(
          res.status,
          code === undefined ? undefined : Number(code),
          text.trim(),
        );
      }
      return select
        ? text
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as Record<string, unknown>)
        : [];
    },
    status: () => runClusterScript(['status', '--dir', dir]),
    async stopShard(k) {
      await must(['stop', '--dir', dir, '--shard', String(k)]);
    },
    async startShard(k) {
      await must(['start', '--dir', dir, '--shard', String(k)]);
    },
    async stop() {
      await must(['clean', '--dir', dir]);
    },
  };
}
