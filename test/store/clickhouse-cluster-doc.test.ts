/**
 * docs/clickhouse-cluster.md gives the replicated tables an operator creates before the first
 * import; stint keeps them only if they match its own. Each must have the columns, PARTITION BY
 * and ORDER BY of src/store/clickhouse/schema.ts, and the Replicated form of its engine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryTables, shardTables } from '../../src/store/clickhouse/schema.ts';
import { ROOT } from '../helpers/cli.ts';

interface Table {
  readonly columns: string[];
  readonly engine: string;
  readonly partitionBy: string | undefined;
  readonly orderBy: string;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Splits on commas outside parentheses. */
function topLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(list.slice(start));
  return parts.map(squash).filter((p) => p !== '');
}

/** The CREATE TABLE statements among `sql`, by table name (without the database). */
function tablesOf(sql: string): Map<string, Table> {
  const tables = new Map<string, Table>();
  for (const statement of sql.split(';')) {
    const m =
      /CREATE TABLE IF NOT EXISTS (?:\w+\.)?(\w+) \((.*)\) ENGINE = (.*?)(?: PARTITION BY (.*?))? ORDER BY (.*)$/.exec(
        squash(statement.replace(/--[^\n]*/g, '')),
      );
    if (m === null) continue;
    tables.set(m[1]!, {
      columns: topLevel(m[2]!),
      engine: m[3]!,
      partitionBy: m[4],
      orderBy: m[5]!,
    });
  }
  return tables;
}

const doc = readFileSync(join(ROOT, 'docs/clickhouse-cluster.md'), 'utf8');
const documented = tablesOf([...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((block) => block[1]).join(';\n'));
const stints = tablesOf([...shardTables(), ...entryTables('stint', 'stint')].join(';\n'));

describe('docs/clickhouse-cluster.md', () => {
  const names = ['events_local', 'sessions_local', 'stint_meta', 'rules', 'imports', 'rejects', 'erasures'];

  it('gives every table stint keeps on a node, and only those', () => {
    expect([...documented.keys()].sort()).toEqual([...names].sort());
  });

  for (const name of names) {
    it(`gives ${name} stint's columns, partitions and order, replicated`, () => {
      const ours = stints.get(name)!;
      const theirs = documented.get(name)!;
      expect(theirs.columns).toEqual(ours.columns);
      expect(theirs.partitionBy).toEqual(ours.partitionBy);
      expect(theirs.orderBy).toEqual(ours.orderBy);
      // ReplacingMergeTree(version) → ReplicatedReplacingMergeTree('/path', '{replica}', version)
      const engine = /^(\w*)MergeTree(?:\((\w*)\))?$/.exec(ours.engine)!;
      const replicated = new RegExp(
        `^Replicated${engine[1]}MergeTree\\('/clickhouse/tables/[^']*/stint/${name}', '\\{replica\\}'${
          engine[2] ? `, ${engine[2]}` : ''
        }\\)$`,
      );
      expect(theirs.engine).toMatch(replicated);
    });
  }
});
