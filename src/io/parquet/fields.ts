/**
 * The Parquet fast path's shapes: the canonical fields it reads in groups (identity, page,
 * attributes), one file as it reads it (`FastFile`), what a load gives (`FastLoad`) and the
 * per-event rows a store keeps events from (`ParquetRows`).
 */
import { type DuckDBConnection, DuckDBTypeId } from '@duckdb/node-api';
import type { EventColumns } from '../../core/columns.ts';
import type { CanonicalField } from '../../core/normalize.ts';
import type { EventRejectReason as RejectReason } from '../../core/reject-reasons.ts';
import { INTEGER_TYPES } from '../parquet.ts';

export type Field = CanonicalField | 'session_key';

/** Numbers the record path and DuckDB's cast to DOUBLE read alike. */
export const NUMBER_TYPES = new Set<DuckDBTypeId>([
  ...INTEGER_TYPES,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
]);
/** event_id types whose DuckDB text is the record path's text. */
export const ID_TYPES = new Set<DuckDBTypeId>([...INTEGER_TYPES, DuckDBTypeId.VARCHAR]);

export const ID_GROUP: readonly Field[] = ['anonymous_id', 'user_id'];
export const PAGE_GROUP: readonly Field[] = ['event', 'url'];
export const PAGE_TEXTS = [
  'event',
  'url',
  'path',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const;
export const ATTR_TEXTS = [
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'timezone',
  'user_agent',
  'session_key',
  'country',
] as const;
export const ATTR_GROUP: readonly Field[] = [...ATTR_TEXTS];

/** One input file as the fast path reads it: the SQL expression of each canonical field. */
export interface FastFile {
  readonly path: string;
  readonly bytes: number;
  /** Plain-value expression per field; 'NULL' for a field the file lacks. */
  readonly expr: Readonly<Record<Field, string>>;
  /** The timestamp column is a native time or date (epoch ms as is), not a number of the epoch. */
  readonly nativeTime: boolean;
  /** The value column is a number (read directly) rather than text (read through its combinations). */
  readonly numericValue: boolean;
  readonly hasEventId: boolean;
  readonly eventIdHash: (text: string) => string;
  /**
   * The properties of a row as JSON text ('' for none); undefined when the events cannot be
   * stored column-wise (a property column's type has no exact SQL form, or a column is named
   * file_row_number).
   */
  readonly propertiesSql: string | undefined;
}

export interface FastFileResult {
  readonly path: string;
  readonly bytes: number;
  rows: number;
  accepted: number;
  duplicates: number;
  /** 1-based row numbers of rejected rows and why, in row order. */
  readonly rejected: { line: number; reason: RejectReason }[];
}

export interface FastLoad {
  readonly files: FastFileResult[];
  readonly columns: EventColumns;
  /** For reading the rejected rows back. */
  readonly connection: DuckDBConnection;
  /** With `rows`: where each event is in the file, and the texts to store it by. */
  readonly rows?: ParquetRows | undefined;
}

/**
 * A Parquet file's events as the fast path read them, enough to store each one in full without
 * an object per event: per event (in `columns` order) its row in the file and its identity, page
 * and attribute combination; per combination the normalized texts (as `normalize` gives them).
 * A store reads event_id and properties from the file itself, with `eventIdSql` and
 * `propertiesSql` over a `read_parquet` row.
 */
export interface ParquetRows {
  readonly path: string;
  /** 0-based row in the file. */
  readonly row: Int32Array;
  readonly idCombo: Int32Array;
  readonly pageCombo: Int32Array;
  readonly attrCombo: Int32Array;
  /** Per identity combination: anonymous_id, user_id. */
  readonly ids: readonly (readonly string[])[];
  /** Per page combination: event, url, path, then the utm_* fields of the URL's query (PAGE_TEXTS). */
  readonly pages: readonly (readonly string[])[];
  /**
   * Per attribute combination: referrer, utm_source … utm_content, timezone, user_agent,
   * session_key (ATTR_TEXTS). When all five utm_* fields are '', the event's come from its URL.
   */
  readonly attrs: readonly (readonly string[])[];
  readonly eventIdSql: string;
  readonly propertiesSql: string;
}

export interface LoadHooks {
  /** Stop reading once more rows than this are rejected (the caller reports them and fails). */
  maxRejects?: number | undefined;
  onProgress?: ((p: { rows: number; bytesRead: number; file: string }) => void | Promise<void>) | undefined;
}

export interface FastPath {
  load(hooks: LoadHooks): Promise<FastLoad | 'hash_collision'>;
  close(): void;
}
