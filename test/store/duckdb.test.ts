/** The store contract (test/helpers/store-contract.ts) on the DuckDB store, one fresh file per test. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { describeStoreContract } from '../helpers/store-contract.ts';

describeStoreContract('DuckDB', () =>
  openDuckDBStore(join(mkdtempSync(join(tmpdir(), 'stint-contract-')), 's.duckdb')),
);
