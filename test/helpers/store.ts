/**
 * Stores for tests: a fresh DuckDB store in a temp dir, filled the way `stint import` fills
 * it (stage, drop retries, sessionize the affected identities, record, commit). Call
 * `closeStores()` in afterEach.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pageview, type StintEvent } from '../../src/core/event.ts';
import { createRules, type SessionRules } from '../../src/core/rules.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { resessionizeAffected } from '../../src/store/ingest/index.ts';
import type { Store } from '../../src/store/store.ts';

/** A validated event of `who` at an ISO time; every other field empty unless given. */
export const ev = (who: string, at: string, fields: Partial<StintEvent> = {}): StintEvent =>
  pageview(who, Date.parse(at), fields);

const dirs: string[] = [];
const stores: Store[] = [];

export function closeStores(): void {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A fresh, empty store; closed and removed by `closeStores`. */
export async function freshStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-test-'));
  dirs.push(dir);
  const store = await openDuckDBStore(join(dir, 'stint.duckdb'));
  stores.push(store);
  return store;
}

/** Imports events as one file (one transaction); the first import saves the rules. */
export async function importEvents(
  store: Store,
  events: readonly StintEvent[],
  rules: SessionRules,
): Promise<void> {
  const saved = await store.rules();
  await store.transaction(async (tx) => {
    const version = saved?.version ?? (await tx.saveRules(rules, Date.UTC(2026, 3, 1))).version;
    await tx.stageEvents(events);
    await tx.dropStoredRetries();
    await resessionizeAffected(tx, saved?.rules ?? rules, version);
    const importId = await tx.recordImport({
      path: 'test.ndjson',
      fingerprint: `fp-${events.length}`,
      bytes: 0,
      importedAtMs: Date.UTC(2026, 3, 1),
      rows: events.length,
      accepted: events.length,
      duplicates: 0,
      rejected: 0,
      leftOut: 0,
      rulesVersion: version,
    });
    await tx.commitEvents(importId);
  });
}

export async function storeWith(
  events: readonly StintEvent[],
  rules: SessionRules = createRules(),
): Promise<Store> {
  const store = await freshStore();
  await importEvents(store, events, rules);
  return store;
}
