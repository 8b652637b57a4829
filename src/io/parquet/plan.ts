/**
 * Whether the Parquet fast path can read these inputs (`planParquetFastPath`): each file's
 * columns described, and the SQL expression of each canonical field, or undefined when one of
 * them needs the record path.
 */
import { stat } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import { type NormalizeOptions, planKeys } from '../../core/normalize.ts';
import { columnKeys } from '../column-keys.ts';
import { detectFileFormat } from '../detect.ts';
import { hasGlob } from '../glob.ts';
import { isGzip, readHead } from '../lines.ts';
import { EPOCH_MS_TYPES, parquetSchema, plainExpression } from '../parquet.ts';
import {
  ATTR_GROUP,
  type FastFile,
  type FastPath,
  type Field,
  ID_GROUP,
  ID_TYPES,
  NUMBER_TYPES,
  PAGE_GROUP,
} from './fields.ts';
import { load } from './load.ts';
import { INEXACT_TEXT_TYPES, propertiesSql } from './properties.ts';

/** The fast path for these inputs, or undefined when one of them needs the record path. */
export async function planParquetFastPath(
  paths: readonly string[],
  options: {
    format?: string | undefined;
    normalize: NormalizeOptions;
    /** For tests: the SQL that hashes an event_id's text (default: DuckDB's 64-bit hash, never 0). */
    eventIdHash?: (text: string) => string;
    /** Also give `ParquetRows` (one file only, and only when its properties have an exact SQL form). */
    rows?: boolean | undefined;
  },
): Promise<FastPath | undefined> {
  if (paths.length === 0 || (options.format !== undefined && options.format !== 'parquet')) return undefined;
  if (options.rows === true && paths.length !== 1) return undefined;
  // DuckDB would take `*`, `?` or `[` in a name as a pattern; the record path reads such a file.
  if (paths.some(hasGlob)) return undefined;
  for (const path of paths) {
    try {
      if ((await detectFileFormat(path)) !== 'parquet' || isGzip(await readHead(path, 2))) return undefined;
    } catch {
      return undefined; // the record path reports the error
    }
  }
  // One DuckDB thread decodes while the JS thread encodes: two busy threads on two cores.
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  const close = (): void => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    const files: FastFile[] = [];
    for (const path of paths) {
      const file = await describe(connection, path, options.normalize, options.eventIdHash ?? hashEventId);
      if (file === undefined || (options.rows === true && file.propertiesSql === undefined)) {
        close();
        return undefined;
      }
      files.push(file);
    }
    return { load: (hooks) => load(connection, files, hooks, options.rows === true), close };
  } catch {
    close();
    return undefined;
  }
}

export const hashEventId = (text: string): string => `greatest(hash(${text}), 1::UBIGINT)`;

export async function describe(
  connection: DuckDBConnection,
  path: string,
  normalize: NormalizeOptions,
  eventIdHash: (text: string) => string,
): Promise<FastFile | undefined> {
  const { names, types } = await parquetSchema(connection, path);
  const keys = columnKeys(names);
  const { fields, propertyKeys, timeOfDay } = planKeys(keys, normalize);
  // A split date and time, or no identity at all: the record path reads (or refuses) the file.
  if (timeOfDay !== undefined || (fields.anonymous_id ?? fields.user_id) === undefined) return undefined;
  const byKey = (key: string): { key: string; name: string; type: DuckDBTypeId } => {
    const i = keys.indexOf(key);
    return { key, name: names[i]!, type: types[i]! };
  };
  const column = (field: Field): { name: string; type: DuckDBTypeId } | undefined => {
    const key = fields[field];
    return key === undefined ? undefined : byKey(key);
  };
  const ts = column('timestamp');
  if (ts === undefined || !(EPOCH_MS_TYPES.has(ts.type) || NUMBER_TYPES.has(ts.type))) return undefined;
  const eventId = column('event_id');
  if (eventId !== undefined && !ID_TYPES.has(eventId.type)) return undefined;
  const value = column('value');
  const numericValue = value === undefined || NUMBER_TYPES.has(value.type);
  const textFields = [...ID_GROUP, ...PAGE_GROUP, ...(numericValue ? [] : (['value'] as Field[]))];
  if (textFields.some((f) => INEXACT_TEXT_TYPES.has(column(f)?.type ?? DuckDBTypeId.VARCHAR)))
    return undefined;
  const expr = {} as Record<Field, string>;
  for (const field of [
    ...ID_GROUP,
    ...PAGE_GROUP,
    ...ATTR_GROUP,
    'timestamp',
    'value',
    'event_id',
  ] as Field[]) {
    const c = column(field);
    expr[field] = c === undefined ? 'NULL' : plainExpression(c.name, c.type);
  }
  return {
    path,
    bytes: (await stat(path)).size,
    expr,
    nativeTime: EPOCH_MS_TYPES.has(ts.type),
    eventIdHash,
    numericValue,
    hasEventId: eventId !== undefined,
    // The store joins rows on read_parquet's file_row_number, which a column of that name blocks.
    propertiesSql: names.some((n) => n.toLowerCase() === 'file_row_number')
      ? undefined
      : propertiesSql(propertyKeys.map(byKey)),
  };
}
