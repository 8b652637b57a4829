/**
 * A ClickHouse store's address: `clickhouse://[USER[:PASSWORD]@]HOST:PORT/DATABASE`, with
 * optional `?cluster=NAME` (default `stint`) and `?shards=HOST:PORT,…`: the HTTP address of
 * each shard's node, in shard order. ClickHouse 18.16 creates a table on every node only with
 * ZooKeeper (ON CLUSTER), so the store creates the per-shard tables itself, node by node; on a
 * real cluster every node serves HTTP on the entry node's port, which is the default.
 *
 *   parseTarget('clickhouse://127.0.0.1:8123/stint?shards=127.0.0.1:8123,127.0.0.1:8124')
 */
import { StintError } from '../../core/errors.ts';

export interface ClickHouseTarget {
  /** The entry node's HTTP URL, without credentials. */
  readonly url: string;
  readonly database: string;
  readonly cluster: string;
  /** Each shard node's HTTP URL, when the address names them. */
  readonly shardUrls: readonly string[] | undefined;
  readonly username: string;
  readonly password: string;
  /** The address as given, the password hidden: how messages name the store. */
  readonly shown: string;
}

const HINT =
  'Give the address as clickhouse://HOST:PORT/DATABASE (PORT is the HTTP port, 8123 by default); scripts/clickhouse-cluster.sh start prints one';

export function parseTarget(target: string): ClickHouseTarget {
  let u: URL;
  try {
    u = new URL(target.replace(/^clickhouse:/i, 'http:'));
  } catch {
    throw new StintError('STINT_STORE_UNREADABLE', `${target} is not a ClickHouse store address`, HINT);
  }
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || 'stint';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `${target}: "${database}" cannot be a database name here`,
      'Use letters, digits and _ for the database, such as clickhouse://127.0.0.1:8123/stint',
    );
  }
  const cluster = u.searchParams.get('cluster') ?? 'stint';
  const shards = u.searchParams.get('shards');
  const url = `http://${u.host}`;
  const shown = `clickhouse://${u.username === '' ? '' : `${decodeURIComponent(u.username)}@`}${u.host}/${database}${u.search}`;
  return {
    url,
    database,
    cluster,
    shardUrls:
      shards === null || shards === ''
        ? undefined
        : shards.split(',').map((s) => `http://${s.trim().replace(/^https?:\/\//, '')}`),
    username: u.username === '' ? 'default' : decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    shown,
  };
}

/** The address of site `name`'s database: the store's database, `_`, the name (`-` as `_h`, `.` as `_d`). */
export function siteAddress(store: string, name: string): string {
  const u = new URL(store.replace(/^clickhouse:/i, 'http:'));
  const database = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, '')) || 'stint';
  const spelled = name.replaceAll('_', '__').replaceAll('-', '_h').replaceAll('.', '_d');
  u.pathname = `/${database}_${spelled}`;
  return u.toString().replace(/^http:/, 'clickhouse:');
}
