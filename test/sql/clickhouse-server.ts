/**
 * A throwaway clickhouse-server for tests: its own config, data directory and ports on
 * 127.0.0.1, tables shaped like stint's (times as Int64 epoch ms), and a query runner over HTTP.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_COLUMNS, EVENT_STORE_COLUMNS } from '../../src/schema/events.ts';
import { SESSION_COLUMNS } from '../../src/schema/sessions.ts';
import type { Column } from '../../src/schema/types.ts';
import type { CompiledQuery } from '../../src/sql/query.ts';
import { CLICKHOUSE_TYPE } from '../../src/store/clickhouse/schema.ts';

/** The server binary, or undefined when ClickHouse is not installed. */
export function clickhouseBinary(): string | undefined {
  for (const path of ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']) {
    if (existsSync(path)) return path;
  }
  const found = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() !== '' ? found.stdout.trim() : undefined;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export interface ClickHouse {
  /** Runs a statement; rows of a SELECT as plain objects. */
  query(q: CompiledQuery | string): Promise<Record<string, unknown>[]>;
  insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

export async function startClickHouse(binary: string): Promise<ClickHouse> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-ch-'));
  const [http, tcp, interserver] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/server.log</log><errorlog>${dir}/error.log</errorlog></logger>
  <http_port>${http}</http_port><tcp_port>${tcp}</tcp_port><interserver_http_port>${interserver}</interserver_http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path><format_schema_path>${dir}/format_schemas/</format_schema_path>
  <mark_cache_size>5368709</mark_cache_size>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile><default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
`,
  );
  writeFileSync(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
  const child: ChildProcess = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: 'ignore',
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${http}/`;
  const post = async (body: string, settings = ''): Promise<string> => {
    const res = await fetch(`${url}?output_format_json_quote_64bit_integers=0${settings}`, {
      method: 'POST',
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`ClickHouse: ${text.trim()}\n${body}`);
    return text;
  };
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when it answers; it starts in a second or two.
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`clickhouse-server stopped at start; see ${dir}/error.log`);
    try {
      if ((await fetch(`${url}ping`)).ok) break;
    } catch {}
    if (i > 600) {
      await stop();
      throw new Error('clickhouse-server did not answer within a minute');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ch: ClickHouse = {
    async query(q) {
      const text = typeof q === 'string' ? q : q.sql;
      if (typeof q !== 'string' && q.params.length > 0)
        throw new Error('ClickHouse queries carry no parameters');
      const select = /^\s*SELECT\b/i.test(text);
      const out = await post(select ? `${text}\nFORMAT JSONEachRow` : text);
      return select
        ? out
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l))
        : [];
    },
    async insert(table, rows) {
      if (rows.length === 0) return;
      await post(`INSERT INTO ${table} FORMAT JSONEachRow\n${rows.map((r) => JSON.stringify(r)).join('\n')}`);
    },
    stop,
  };
  try {
    for (const ddl of TABLES) await ch.query(ddl);
  } catch (err) {
    await stop();
    throw err;
  }
  return ch;
}

const columns = (cs: readonly Column[]) => cs.map((c) => `${c.name} ${CLICKHOUSE_TYPE[c.type]}`).join(', ');

/** stint's sessions and events (schema/), as a ClickHouse store would keep them. */
const TABLES = [
  `CREATE TABLE sessions (${columns(SESSION_COLUMNS)}) ENGINE = MergeTree ORDER BY (start_ms, session_id)`,
  `CREATE TABLE events (${columns([...EVENT_STORE_COLUMNS, ...EVENT_COLUMNS])})
   ENGINE = MergeTree ORDER BY (session_id, ts_ms, seq)`,
];
