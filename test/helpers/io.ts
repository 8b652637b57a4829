/**
 * Shared pieces of the reader tests: a temp directory for small fixture files (removed after
 * the file's tests) and a collector that flattens a reader's batches.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { RawRecord, ReadBatch, ReadReject } from '../../src/io/record.ts';

/** Returns a function that writes a fixture file into a fresh temp dir and returns its path. */
export function fixtureDir(prefix: string): (name: string, content: string | Buffer) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, content) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
}

export async function collect(batches: AsyncIterable<ReadBatch>) {
  const records: RawRecord[] = [];
  const lines: number[] = [];
  const rejects: ReadReject[] = [];
  const sizes: number[] = [];
  let bytesRead = 0;
  for await (const b of batches) {
    records.push(...b.records);
    lines.push(...b.lines);
    rejects.push(...b.rejects);
    sizes.push(b.records.length);
    bytesRead = b.bytesRead;
  }
  return { records, lines, rejects, sizes, bytesRead };
}
