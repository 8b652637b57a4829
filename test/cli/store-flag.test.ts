/**
 * `--store ADDRESS` names the store on every command that takes `--db`; a wrong or unreachable
 * address, or both flags at once, is one clear line with a hint. (The ClickHouse store itself
 * is tested against real servers in test/store/clickhouse.test.ts and test/cluster/.)
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { stintHere } from '../helpers/cli-in-process.ts';

/** A port nothing listens on: taken, then freed. */
const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

describe('--store', () => {
  it('is offered by every command that takes --db', async () => {
    for (const command of ['import', 'report', 'overview', 'funnel', 'resessionize', 'forget', 'delete']) {
      const help = await stintHere([command, '--help']);
      expect(help.stdout, command).toContain('--store <address>');
    }
  });

  it('refuses --store with --db', async () => {
    const r = await stintHere(['report', '--store', 'clickhouse://127.0.0.1:1/x', '--db', 'x.duckdb']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('give --store or --db, not both');
  });

  it('says when a ClickHouse store does not answer, and how to start one', async () => {
    const port = await closedPort();
    const r = await stintHere(['report', '--store', `clickhouse://127.0.0.1:${port}/stint`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Cannot reach the ClickHouse store clickhouse://127.0.0.1:${port}/stint`);
    expect(r.stderr).toContain('scripts/clickhouse-cluster.sh start');
  });

  it('refuses a database name that is not one', async () => {
    const r = await stintHere(['report', '--store', 'clickhouse://127.0.0.1:8123/no-such;name']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('cannot be a database name');
  });
});
