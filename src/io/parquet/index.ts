/**
 * The Parquet fast path of `loadEvents`: Parquet → event columns with no record and no string
 * per row. DuckDB reads the file and hashes each row's fields in groups (identity, page,
 * attributes, value); JS keeps, per group, a table from hash to the group's dictionary codes,
 * so a row costs a few typed-array lookups. A combination's text is read only the first time
 * its hash is seen (identity, page, value: from the row itself; attributes, whose user agents
 * are long: from one DISTINCT query). Results, rejects, duplicates and statistics are those of
 * the record path (`normalize` + `EventColumnsBuilder`); a test holds the two paths together.
 *
 * Taken only when every input is a plain Parquet file whose timestamp column is a native time
 * or a number, whose event_id (if any) is text or an integer, and whose identity, event, url
 * and value columns are not floating point or decimal (their text would differ from the
 * record path's); otherwise `planParquetFastPath` gives undefined and the record path reads.
 *
 * Repeated event_ids are found by a 64-bit hash and confirmed on the text of both rows: should
 * two different ids share a hash, `load` gives `'hash_collision'` and the caller falls back to
 * the record path, so no event is ever dropped on a hash alone. The group hashes are trusted:
 * two different combinations of one file with the same 64-bit hash would share codes (odds of
 * about N²/2^65 for N combinations, 1e-9 for 200,000 visitors); no event is lost either way.
 */
export { ATTR_TEXTS, type FastLoad, type FastPath, PAGE_TEXTS, type ParquetRows } from './fields.ts';
export { planParquetFastPath } from './plan.ts';
