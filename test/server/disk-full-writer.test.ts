/**
 * A full disk seen by a site's writer (no root needed; test/server/disk-full.test.ts fills a
 * real one): the store's "No space left on device" becomes an error naming the file, reported
 * once however often sessionizing retries, and cleared by the next transaction that works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { DiskFullError } from '../../src/server/disk-full.ts';
import { localWriterStore, openSiteWriter, WriterBusyError } from '../../src/server/writer/index.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { ev } from '../helpers/store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WAL = '/srv/stint/sites/shop.duckdb.wal';
const FULL = `TransactionContext Error: Failed to commit: Could not write file "${WAL}": No space left on device`;

it('names the full file once, refuses new events as disk full past the pending limit, and clears at the next transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stint-full-writer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openDuckDBStore(join(dir, 'shop.duckdb'));
  cleanups.push(() => store.close());
  const reports: (DiskFullError | undefined)[] = [];
  const errors: unknown[] = [];
  const writer = await openSiteWriter(localWriterStore(store), createRules(), join(dir, 'shop.log'), {
    latenessMs: 60_000,
    maxBatchEvents: 1000,
    maxPendingEvents: 1000,
    sessionizeDelayMs: 10,
    onDisk: (_part, full) => reports.push(full),
    onSessionize: (s) => 'error' in s && errors.push(s.error),
  });
  cleanups.push(() => writer.close(0).catch(() => undefined));
  // Every transaction fails as DuckDB's COMMIT does on a full disk.
  const transaction = store.transaction.bind(store);
  store.transaction = () =>
    transaction(async () => {
      throw new Error(FULL);
    });
  await writer.submit([ev('a', '2031-03-10T10:00:00Z', { eventId: 'a1' })]);
  // Retried each second: reported once, with the file named.
  await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2), { timeout: 10_000, interval: 50 });
  expect(errors.every((e) => e instanceof DiskFullError)).toBe(true);
  expect(reports).toHaveLength(1);
  expect(reports[0]).toBeInstanceOf(DiskFullError);
  expect(reports[0]!.path).toBe(WAL);
  expect(reports[0]!.message).toContain(`The disk holding ${WAL} is full`);
  expect(reports[0]!.message).not.toMatch(/cannot rollback/);
  expect(writer.diskFull?.path).toBe(WAL);

  // Past max_pending_events, a submit is refused as a full disk, not as a busy store.
  const many = Array.from({ length: 1000 }, (_, i) => ev('b', '2031-03-10T10:01:00Z', { eventId: `b${i}` }));
  const refused = await writer.submit(many).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(DiskFullError);
  expect(refused).not.toBeInstanceOf(WriterBusyError);

  store.transaction = transaction;
  await writer.settle();
  expect(reports).toEqual([reports[0], undefined]);
  expect(writer.diskFull).toBeUndefined();
  const [row] = await store.query({ sql: 'SELECT count(*) AS n FROM events', params: [] });
  expect(Number(row!.n)).toBe(1);
});
