/**
 * The ingest use cases, once for every front end: import a file (`stint import`), store a batch
 * from the collector (the server's writer), resessionize (`stint resessionize`). Each runs in a
 * store transaction the caller opens; all end in `commitStaged` or the resessionize step.
 */

export { storeCollectorBatch } from './collector-batch.ts';
export { type CommitStagedOptions, type Committed, commitStaged } from './commit-staged.ts';
export { type FileImported, type ImportFileOptions, importFile, NoRows } from './import-file.ts';
export {
  addUntouched,
  type Resessionized,
  resessionizeAffected,
  resessionizeAll,
  resessionizeStore,
} from './resessionize.ts';
