/**
 * One ClickHouse node over HTTP (`@clickhouse/client`): statements, SELECTs as plain rows
 * (64-bit integers as JSON numbers, as DuckDB's rows give them), inserts as JSON rows. Every
 * insert is synchronous through a Distributed table (`insert_distributed_sync`): when it
 * returns, each shard has its rows. Errors become one clear line.
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { StintError } from '../../core/errors.ts';
import type { ClickHouseTarget } from './target.ts';

export type Row = Record<string, unknown>;

export class ClickHouseNode {
  readonly #client: ClickHouseClient;

  constructor(
    readonly url: string,
    private readonly target: ClickHouseTarget,
    database: string = target.database,
  ) {
    this.#client = createClient({
      url,
      username: target.username,
      password: target.password,
      database,
      request_timeout: 600_000,
      // Errors come back as StintErrors; the client's own log would repeat them on stderr.
      log: { level: ClickHouseLogLevel.OFF },
      clickhouse_settings: {
        output_format_json_quote_64bit_integers: 0,
        insert_distributed_sync: 1,
        // Values are inlined as literals (18.16 has no parameters): a batch's keys can be long.
        max_query_size: '268435456',
        // `events` and `sessions` are Distributed tables on a cluster: a subquery or JOIN over one
        // inside a query over another runs once, on the entry node, and goes to every shard as a
        // temporary table. 'local' would be wrong with --identity user, where an identity's
        // sessions and its devices' events are on different shards.
        distributed_product_mode: 'global',
      },
    });
  }

  async query(sql: string, options: { timeoutMs?: number | undefined } = {}): Promise<Row[]> {
    return this.#run(sql, options.timeoutMs, async (abort) => {
      const result = await this.#client.query({ query: sql, format: 'JSONEachRow', abort_signal: abort });
      return (await result.json()) as Row[];
    });
  }

  async command(sql: string): Promise<void> {
    await this.#run(sql, undefined, (abort) => this.#client.command({ query: sql, abort_signal: abort }));
  }

  async insert(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#run(`INSERT INTO ${table}`, undefined, (abort) =>
      this.#client.insert({ table, values: rows as Row[], format: 'JSONEachRow', abort_signal: abort }),
    );
  }

  async ping(): Promise<boolean> {
    return (await this.#client.ping()).success;
  }

  close(): Promise<void> {
    return this.#client.close();
  }

  async #run<T>(
    what: string,
    timeoutMs: number | undefined,
    work: (abort: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const timedOut = () =>
      new StintError(
        'STINT_QUERY_TIMEOUT',
        `The query took longer than its time limit (${Math.max(0, Math.round(timeoutMs ?? 0))} ms) and was stopped`,
        'Ask for less (a shorter period, fewer funnels), or raise the limit',
      );
    if (timeoutMs !== undefined && timeoutMs <= 0) throw timedOut();
    let fired = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            fired = true;
            controller.abort();
          }, timeoutMs);
    try {
      return await work(controller.signal);
    } catch (err) {
      if (fired) throw timedOut();
      throw this.#error(err, what);
    } finally {
      clearTimeout(timer);
    }
  }

  #error(err: unknown, what: string): Error {
    const e = err as { code?: string; message?: string; type?: string };
    const message = String(e.message ?? err).split('\n')[0]!;
    if (e.code === 'ECONNREFUSED' || /ECONNREFUSED|socket hang up|ECONNRESET/.test(message)) {
      return new ClickHouseUnreachable(this.url, this.target.shown);
    }
    // 210: a connection from this node to another refused; 279: every try to reach a shard failed.
    if (/^Code: (210|279),/.test(message)) {
      return new StintError(
        'STINT_STORE_UNREADABLE',
        `A shard of the ClickHouse store ${this.target.shown} does not answer: ${message.replace(/^Code: \d+, e\.displayText\(\) = /, '').split(':')[0]}`,
        'Start it again (scripts/clickhouse-cluster.sh start restarts the stopped ones), then run the command again: a rerun repairs what a stop between two writes left',
      );
    }
    return new StintError(
      'STINT_STORE_UNREADABLE',
      `ClickHouse at ${this.url} refused ${what.split('\n')[0]!.slice(0, 120)}: ${message}`,
      'See the ClickHouse server log; docs/operations.md lists what the store needs',
    );
  }
}

/** A node that does not answer (down, or a wrong address). */
export class ClickHouseUnreachable extends StintError {
  constructor(
    readonly node: string,
    store: string,
  ) {
    super(
      'STINT_STORE_UNREADABLE',
      `Cannot reach the ClickHouse store ${store}: ${node} does not answer`,
      'Start it (scripts/clickhouse-cluster.sh start prints the address), or check HOST:PORT (the HTTP port)',
    );
  }
}
