/**
 * The store a reading command works on: one that exists (a path with no store is an error
 * with a hint, not a new empty store).
 *
 *   const store = await openExistingStore(flags.db);
 */
import { existsSync } from 'node:fs';
import { StintError } from '../core/errors.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { isStoreFile } from './store-flag.ts';

export async function openExistingStore(path: string): Promise<Store> {
  if (isStoreFile(path) && !existsSync(path)) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `No store at ${path}`,
      `Import events first (stint import FILE --db ${path}), or pass --db with an existing store`,
    );
  }
  return openStore(path);
}
