/**
 * `--store ADDRESS` on every command that takes `--db`: the store by its address, such as
 * `clickhouse://127.0.0.1:8123/stint` (a ClickHouse store) or `duckdb:FILE`. It stands for
 * `--db`, so each command reads one flag; giving both is a usage error.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { parseTarget } from '../store/clickhouse/target.ts';

export function addStoreFlag(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--db')) return;
  cmd.option(
    '--store <address>',
    'the store by address: clickhouse://HOST:PORT/DATABASE, or duckdb:FILE (instead of --db)',
  );
  cmd.hook('preAction', (command) => {
    const store = command.opts().store as string | undefined;
    if (store === undefined) return;
    if (command.getOptionValueSource('db') === 'cli') {
      command.error('error: give --store or --db, not both (--store names the store by its address)');
    }
    command.setOptionValueWithSource('db', store, 'cli');
  });
}

/** Whether a store target is a file of this machine (not a server's address). */
export const isStoreFile = (target: string): boolean => !/^clickhouse:\/\//i.test(target);

/** How a report names its store: the file's name, or a ClickHouse store's database. */
export const storeName = (target: string): string =>
  isStoreFile(target) ? basename(target.replace(/^duckdb:/, '')) : parseTarget(target).database;
