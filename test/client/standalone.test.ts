/**
 * The SDK runs nothing of the server: outside its own room it imports only types (from schema/
 * and api/, as biome.json allows), so `stint/client` loads no DuckDB, Fastify or analysis code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const ROOM = join(ROOT, 'src/client');

describe('src/client', () => {
  it('imports only node: modules, its own files, and types from elsewhere', () => {
    const outside: string[] = [];
    for (const file of readdirSync(ROOM).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(ROOM, file), 'utf8');
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        const [, , typeOnly, from] = m;
        if (from!.startsWith('node:') || from!.startsWith('./')) continue;
        if (typeOnly === undefined) outside.push(`${file}: ${from}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
