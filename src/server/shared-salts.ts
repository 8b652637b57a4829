/**
 * The daily salts of cookieless visitor ids (salts.ts), shared by every collector of one
 * ClickHouse store: kept in the table `stint_salts` of the store's database, each day's salt
 * the one offered first (least `made`, ties by salt). Each collector offers tomorrow's salt a
 * day ahead and reads them every minute, so at midnight every collector already has the same
 * one. Salts older than yesterday are deleted (an ALTER TABLE … DELETE, every hour).
 *
 *   const salts = openSalts(data, now, clickhouseSalts('clickhouse://10.0.0.5:8123/stint'));
 */
import { literal } from '../sql/clickhouse.ts';
import { ClickHouseNode } from '../store/clickhouse/node.ts';
import { parseTarget } from '../store/clickhouse/target.ts';
import type { SharedSalts } from './salts.ts';

export function clickhouseSalts(address: string): SharedSalts {
  const target = parseTarget(address);
  const node = new ClickHouseNode(target.url, target, 'default');
  const table = `${target.database}.stint_salts`;
  let made: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    made ??= (async () => {
      await node.command(`CREATE DATABASE IF NOT EXISTS ${target.database}`);
      await node.command(
        `CREATE TABLE IF NOT EXISTS ${table} (day String, salt String, made UInt64) ENGINE = MergeTree ORDER BY day`,
      );
    })().catch((err: unknown) => {
      made = undefined;
      throw err;
    });
    return made;
  };
  return {
    async load(days) {
      await ready();
      const rows = await node.query(
        `SELECT day, argMin(salt, (made, salt)) AS salt FROM ${table} WHERE day IN (${days.map(literal).join(', ')}) GROUP BY day`,
      );
      return Object.fromEntries(rows.map((r) => [String(r.day), String(r.salt)]));
    },
    async offer(day, salt, atMs) {
      await ready();
      await node.insert(table, [{ day, salt, made: Math.trunc(atMs) }]);
    },
    async forgetBefore(day) {
      await ready();
      await node.command(`ALTER TABLE ${table} DELETE WHERE day < ${literal(day)}`);
    },
    close: () => node.close(),
  };
}
