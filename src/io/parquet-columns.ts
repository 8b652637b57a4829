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
import { stat } from 'node:fs/promises';
import { type DuckDBConnection, DuckDBInstance, DuckDBTypeId, type DuckDBVector } from '@duckdb/node-api';
import {
  campaignCode,
  type EventColumns,
  type EventDictionaries,
  IntColumns,
  newDictionaries,
} from '../core/columns.ts';
import { PAGEVIEW } from '../core/event.ts';
import {
  type CanonicalField,
  fieldText,
  fieldValue,
  MAX_VALUE,
  type NormalizeOptions,
  planKeys,
} from '../core/normalize.ts';
import type { EventRejectReason as RejectReason } from '../core/reject-reasons.ts';
import { MAX_EPOCH_MS, parseTimestamp } from '../core/timestamp.ts';
import { pathOf, utmFromUrl } from '../core/url.ts';
import { isTimeZone } from '../core/zone.ts';
import { columnKeys } from './column-keys.ts';
import { detectFileFormat } from './detect.ts';
import { items } from './duckdb-append.ts';
import { hasGlob } from './glob.ts';
import { Hash64Map, repeatedKeys } from './hash64-map.ts';
import { isGzip, readHead } from './lines.ts';
import {
  cutShort,
  EPOCH_MS_TYPES,
  INTEGER_TYPES,
  parquetRowsAt,
  parquetSchema,
  plain,
  plainExpression,
} from './parquet.ts';
import { quoteIdentifier } from './quote-identifier.ts';

type Field = CanonicalField | 'session_key';

/** Numbers the record path and DuckDB's cast to DOUBLE read alike. */
const NUMBER_TYPES = new Set<DuckDBTypeId>([...INTEGER_TYPES, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE]);
/** event_id types whose DuckDB text is the record path's text. */
const ID_TYPES = new Set<DuckDBTypeId>([...INTEGER_TYPES, DuckDBTypeId.VARCHAR]);

const ID_GROUP: readonly Field[] = ['anonymous_id', 'user_id'];
const PAGE_GROUP: readonly Field[] = ['event', 'url'];
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
] as const;
const ATTR_GROUP: readonly Field[] = [...ATTR_TEXTS];

/** One input file as the fast path reads it: the SQL expression of each canonical field. */
interface FastFile {
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

interface LoadHooks {
  /** Stop reading once more rows than this are rejected (the caller reports them and fails). */
  maxRejects?: number | undefined;
  onProgress?: ((p: { rows: number; bytesRead: number; file: string }) => void | Promise<void>) | undefined;
}

export interface FastPath {
  load(hooks: LoadHooks): Promise<FastLoad | 'hash_collision'>;
  close(): void;
}

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

const hashEventId = (text: string): string => `greatest(hash(${text}), 1::UBIGINT)`;

async function describe(
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

/** Property column types whose JSON from DuckDB's to_json is the record path's JSON.stringify. */
const JSON_EXACT_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
]);

/** 64-bit integers: a number in JSON while JavaScript holds them exactly, else a string (as `plain`). */
const WIDE_INTEGERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT]);

/**
 * A row's properties as the record path writes them (`JSON.stringify` of the non-empty
 * non-canonical columns, in column order), or undefined when a column's type has no exact form.
 */
function propertiesSql(
  columns: readonly { key: string; name: string; type: DuckDBTypeId }[],
): string | undefined {
  if (columns.some((c) => !JSON_EXACT_TYPES.has(c.type))) return undefined;
  if (columns.length === 0) return "''";
  const pairs = columns.map(({ key, name, type }) => {
    // Text as text: a JSON-typed column (VARCHAR to DuckDB) is a string to the record path too.
    const id =
      type === DuckDBTypeId.VARCHAR ? `CAST(${quoteIdentifier(name)} AS VARCHAR)` : quoteIdentifier(name);
    const empty = type === DuckDBTypeId.VARCHAR ? `${id} IS NULL OR ${id} = ''` : `${id} IS NULL`;
    const quotedKey = `'${JSON.stringify(key).replaceAll("'", "''")}:'`;
    const json = WIDE_INTEGERS.has(type)
      ? `CASE WHEN ${id} BETWEEN -${Number.MAX_SAFE_INTEGER} AND ${Number.MAX_SAFE_INTEGER}
              THEN CAST(${id} AS VARCHAR) ELSE CAST(to_json(CAST(${id} AS VARCHAR)) AS VARCHAR) END`
      : `CAST(to_json(${id}) AS VARCHAR)`;
    return `CASE WHEN ${empty} THEN NULL ELSE ${quotedKey} || ${json} END`;
  });
  const body = `concat_ws(',', ${pairs.join(', ')})`;
  return `CASE WHEN ${body} = '' THEN '' ELSE '{' || ${body} || '}' END`;
}

/** Types whose DuckDB text differs from the record path's text of the same value (1.50 vs 1.5). */
const INEXACT_TEXT_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/** The attribute combinations of a file, from one DISTINCT query, and their codes. */
async function attributeCombinations(
  connection: DuckDBConnection,
  file: FastFile,
  dicts: EventDictionaries,
): Promise<{ map: Hash64Map; codes: ReturnType<typeof encodeAttributes>; texts: string[][] }> {
  const exprs = ATTR_GROUP.map((f) => file.expr[f]);
  const result = await connection.runAndReadAll(
    `SELECT DISTINCT hash(${exprs.join(', ')}), ${exprs.join(', ')} FROM read_parquet(?)`,
    [file.path],
  );
  const columns = result.getColumnsJS();
  const count = result.currentRowCount;
  const map = new Hash64Map(count);
  const rows: string[][] = [];
  for (let r = 0; r < count; r++) {
    const h = columns[0]![r] as bigint;
    map.setIfAbsent(Number(h & 0xffffffffn), Number(h >> 32n), r);
    rows.push(ATTR_GROUP.map((_, i) => fieldText(plain(columns[i + 1]![r]))));
  }
  return { map, codes: encodeAttributes(dicts, rows), texts: rows };
}

/** The codes of each attribute combination; `hasUtm` = any utm_* field set (else the URL's count). */
function encodeAttributes(d: EventDictionaries, rows: readonly string[][]) {
  const n = rows.length;
  const out = {
    referrer: new Int32Array(n),
    campaign: new Int32Array(n),
    hasUtm: new Uint8Array(n),
    badZone: new Uint8Array(n),
    zone: new Int32Array(n),
    agent: new Int32Array(n),
    sessionKey: new Int32Array(n),
  };
  rows.forEach(([referrer, source, medium, campaign, term, content, zone, agent, key], i) => {
    out.referrer[i] = d.referrers.code(referrer!);
    out.hasUtm[i] =
      source !== '' || medium !== '' || campaign !== '' || term !== '' || content !== '' ? 1 : 0;
    out.campaign[i] = campaignCode(d.campaigns, source!, medium!, campaign!);
    const tz = zone!.trim();
    out.badZone[i] = tz !== '' && !isTimeZone(tz) ? 1 : 0;
    out.zone[i] = out.badZone[i] === 1 ? 0 : d.zones.code(tz);
    out.agent[i] = d.agents.code(agent!);
    out.sessionKey[i] = d.sessionKeys.code(key!);
  });
  return out;
}

/**
 * A group's combinations, learnt while streaming: a row whose hash is new has its group's text
 * read from the chunk (the only string reads of the stream) and encoded once.
 */
class LazyCombos {
  readonly #map = new Hash64Map(1 << 12);
  #lastLo = -1;
  #lastHi = -1;
  #last = -1;
  /** codes[k][combo]: the k-th code the encoder gives for that combination. */
  readonly codes: number[][];

  constructor(
    width: number,
    private readonly encode: (texts: readonly string[]) => readonly number[],
  ) {
    this.codes = Array.from({ length: width }, () => []);
  }

  /** The combination of row r, whose hash halves are in h; `texts` gives the group's text vectors. */
  at(h: Uint32Array, r: number, texts: () => readonly DuckDBVector[]): number {
    const lo = h[2 * r]!;
    const hi = h[2 * r + 1]!;
    // Rows of one visitor or page often come in runs: the last answer saves a table lookup.
    if (lo === this.#lastLo && hi === this.#lastHi) return this.#last;
    let combo = this.#map.get(lo, hi);
    if (combo === -1) {
      combo = this.codes[0]!.length;
      this.#map.setIfAbsent(lo, hi, combo);
      const codes = this.encode(texts().map((v) => fieldText(v.getItem(r))));
      for (const [k, code] of codes.entries()) this.codes[k]!.push(code);
    }
    this.#lastLo = lo;
    this.#lastHi = hi;
    this.#last = combo;
    return combo;
  }
}

/** Identity texts → [anonymous_id code, user_id code]. */
const encodeIds =
  ({ ids }: EventDictionaries) =>
  ([anon, user]: readonly string[]): number[] => [ids.code(anon!.trim()), ids.code(user!.trim())];

/**
 * (event, url) texts → [name code, path code, code of the campaign in the URL's query]; with
 * `texts`, also the combination's PAGE_TEXTS.
 */
const encodePage =
  ({ names, paths, campaigns }: EventDictionaries, texts: string[][] | undefined) =>
  ([event, url]: readonly string[]): number[] => {
    const name = event!.trim();
    const utm = utmFromUrl(url!);
    texts?.push([
      name === '' ? PAGEVIEW : name,
      url!,
      url === '' ? '' : pathOf(url!),
      utm?.utm_source ?? '',
      utm?.utm_medium ?? '',
      utm?.utm_campaign ?? '',
      utm?.utm_term ?? '',
      utm?.utm_content ?? '',
    ]);
    return [
      names.code(name === '' ? PAGEVIEW : name),
      url === '' ? 0 : paths.code(pathOf(url!)),
      utm === undefined
        ? 0
        : campaignCode(campaigns, utm.utm_source ?? '', utm.utm_medium ?? '', utm.utm_campaign ?? ''),
    ];
  };

/** Per event: its row in the file and its combination in each group (ParquetRows). */
class PlaceColumns {
  readonly row: Int32Array;
  readonly idCombo: Int32Array;
  readonly pageCombo: Int32Array;
  readonly attrCombo: Int32Array;

  constructor(n: number) {
    this.row = new Int32Array(n);
    this.idCombo = new Int32Array(n);
    this.pageCombo = new Int32Array(n);
    this.attrCombo = new Int32Array(n);
  }

  slice(n: number) {
    return {
      row: this.row.subarray(0, n),
      idCombo: this.idCombo.subarray(0, n),
      pageCombo: this.pageCombo.subarray(0, n),
      attrCombo: this.attrCombo.subarray(0, n),
    };
  }
}

/** Epoch ms of a native timestamp or date, as the record path reads a `Date`. */
function nativeMs(ms: number): number | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? ms : undefined;
}

function halves(vector: unknown): Uint32Array {
  const a = items<BigUint64Array>(vector);
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

const PROGRESS_ROWS = 1 << 16;

async function load(
  connection: DuckDBConnection,
  files: readonly FastFile[],
  hooks: LoadHooks,
  withRows: boolean,
): Promise<FastLoad | 'hash_collision'> {
  const results: FastFileResult[] = [];
  const rowCounts: number[] = [];
  for (const file of files) {
    const count = await connection.runAndReadAll('SELECT count(*) FROM read_parquet(?)', [file.path]);
    rowCounts.push(Number(count.getColumnsJS()[0]![0]));
  }
  const allRows = rowCounts.reduce((a, b) => a + b, 0);
  const dicts = newDictionaries();
  const tsMs = new Float64Array(allRows);
  const values = new Float64Array(allRows);
  const codes = new IntColumns(allRows);
  const {
    anonCode,
    userCode,
    nameCode,
    pathCode,
    referrerCode,
    campaignCode: campaignCodes,
    sessionKeyCode,
    zoneCode,
    agentCode,
  } = codes;
  // Per kept event: its event_id hash, to find repeats (and confirm them on their text) at the end.
  const anyIds = files.some((f) => f.hasEventId);
  const idLo = new Uint32Array(anyIds ? allRows : 0);
  const idHi = new Uint32Array(anyIds ? allRows : 0);
  // With rows (one file): each event's row and combinations, and each combination's texts.
  const places = new PlaceColumns(withRows ? allRows : 0);
  let texts: Pick<ParquetRows, 'ids' | 'pages' | 'attrs'> | undefined;
  const fileEnds: number[] = [];
  let length = 0;
  let rowsBefore = 0;
  let bytesBefore = 0;
  let rejectedTotal = 0;
  for (const [fileIndex, file] of files.entries()) {
    const result: FastFileResult = {
      path: file.path,
      bytes: file.bytes,
      rows: 0,
      accepted: 0,
      duplicates: 0,
      rejected: [],
    };
    results.push(result);
    const attrs = await attributeCombinations(connection, file, dicts);
    const { badZone, referrer: referrerOf, campaign: campaignOf, hasUtm } = attrs.codes;
    const { sessionKey: keyOf, zone: zoneOf, agent: agentOf } = attrs.codes;
    const { nativeTime, numericValue } = file;
    const idCombos = new LazyCombos(2, encodeIds(dicts));
    const [anonOf, userOf] = idCombos.codes as [number[], number[]];
    const pageTexts: string[][] = [];
    const pageCombos = new LazyCombos(3, encodePage(dicts, withRows ? pageTexts : undefined));
    const [nameOf, pathCodeOf, urlCampaignOf] = pageCombos.codes as [number[], number[], number[]];
    const valueCombos = new LazyCombos(1, ([v]) => [fieldValue(v)]);
    const [valueOfCombo] = valueCombos.codes as [number[]];
    const stream = await connection.stream(streamSql(file), [file.path]);
    let line = 0;
    let reported = 0;
    let stop = false;
    let next = stream.fetchChunk();
    for (;;) {
      const chunk = await next;
      if (chunk === null || chunk.rowCount === 0) break;
      next = stream.fetchChunk(); // DuckDB decodes the next chunk while this one is encoded
      const n = chunk.rowCount;
      const ts = items<Float64Array>(chunk.getColumnVector(0));
      const idH = halves(chunk.getColumnVector(1));
      const pageH = halves(chunk.getColumnVector(2));
      const attrH = halves(chunk.getColumnVector(3));
      const numbers = items<Float64Array>(chunk.getColumnVector(4));
      const valueH = halves(chunk.getColumnVector(5));
      const eidH = halves(chunk.getColumnVector(6));
      // Text vectors are only built for a chunk that has a new combination.
      const idTexts = () => [chunk.getColumnVector(7), chunk.getColumnVector(8)];
      const pageTexts = () => [chunk.getColumnVector(9), chunk.getColumnVector(10)];
      const valueTexts = () => [chunk.getColumnVector(11)];
      for (let r = 0; r < n; r++) {
        line++;
        const ms = nativeTime ? nativeMs(ts[r]!) : parseTimestamp(ts[r]!);
        const id = idCombos.at(idH, r, idTexts);
        const anon = anonOf[id]!;
        const user = userOf[id]!;
        const value = numericValue ? numbers[r]! : valueOfCombo[valueCombos.at(valueH, r, valueTexts)]!;
        const attr = attrs.map.get(attrH[2 * r]!, attrH[2 * r + 1]!);
        if (attr === -1)
          throw new Error('Parquet fast path: a row’s attributes are missing from their DISTINCT');
        // The order of normalize(): timestamp, identity, value, time zone.
        let reason: RejectReason | undefined;
        if (ms === undefined) reason = 'bad_timestamp';
        else if (anon === 0 && user === 0) reason = 'no_identity';
        else if (!(Math.abs(value) <= MAX_VALUE)) reason = 'bad_value';
        else if (badZone[attr] === 1) reason = 'bad_timezone';
        if (reason !== undefined) {
          result.rejected.push({ line, reason });
          continue;
        }
        const page = pageCombos.at(pageH, r, pageTexts);
        const i = length++;
        if (anyIds) {
          idLo[i] = eidH[2 * r]!;
          idHi[i] = eidH[2 * r + 1]!;
        }
        if (withRows) {
          places.row[i] = line - 1;
          places.idCombo[i] = id;
          places.pageCombo[i] = page;
          places.attrCombo[i] = attr;
        }
        tsMs[i] = ms!;
        values[i] = value;
        anonCode[i] = anon;
        userCode[i] = user;
        nameCode[i] = nameOf[page]!;
        pathCode[i] = pathCodeOf[page]!;
        referrerCode[i] = referrerOf[attr]!;
        campaignCodes[i] = hasUtm[attr] === 1 ? campaignOf[attr]! : urlCampaignOf[page]!;
        sessionKeyCode[i] = keyOf[attr]!;
        zoneCode[i] = zoneOf[attr]!;
        agentCode[i] = agentOf[attr]!;
      }

      result.rows = line;
      if (hooks.maxRejects !== undefined && rejectedTotal + result.rejected.length > hooks.maxRejects) {
        stop = true;
        break;
      }
      if (line - reported >= PROGRESS_ROWS) {
        reported = line;
        const bytesRead = bytesBefore + Math.round((file.bytes * line) / Math.max(rowCounts[fileIndex]!, 1));
        await hooks.onProgress?.({ rows: rowsBefore + line, bytesRead, file: file.path });
      }
    }
    if (stop)
      await next.catch(() => null); // settle the chunk asked for ahead before other queries
    else if (line !== rowCounts[fileIndex]) throw cutShort(file.path, line, rowCounts[fileIndex]!);
    if (withRows) {
      const ids = dicts.ids.values;
      texts = {
        ids: anonOf.map((anon, c) => [ids[anon]!, ids[userOf[c]!]!]),
        pages: pageTexts,
        attrs: attrs.texts.map((row) =>
          row.map((text, k) => (ATTR_TEXTS[k] === 'timezone' ? text.trim() : text)),
        ),
      };
    }
    fileEnds.push(length);
    rejectedTotal += result.rejected.length;
    rowsBefore += result.rows;
    bytesBefore += file.bytes;
    await hooks.onProgress?.({ rows: rowsBefore, bytesRead: bytesBefore, file: file.path });
    if (stop) break;
  }
  const fileOf = (i: number): number => fileEnds.findIndex((end) => i < end);
  const { repeats, firsts } = anyIds ? repeatedKeys(idLo, idHi, length) : { repeats: [], firsts: [] };
  results.forEach((result, f) => {
    result.accepted = fileEnds[f]! - (f === 0 ? 0 : fileEnds[f - 1]!);
  });
  for (const i of repeats) {
    const result = results[fileOf(i)]!;
    result.accepted--;
    result.duplicates++;
  }
  if (repeats.length > 0) {
    const lineOf = keptLines([...repeats, ...firsts], fileEnds, results);
    const texts = await eventIdTexts(
      connection,
      files,
      [...lineOf].map(([i, line]) => ({ file: fileOf(i), line })),
    );
    const textOf = (i: number): string | undefined => texts.get(`${fileOf(i)}:${lineOf.get(i)}`);
    if (repeats.some((i, k) => textOf(i) === undefined || textOf(i) !== textOf(firsts[k]!))) {
      return 'hash_collision';
    }
  }
  const kept = repeats.length === 0 ? length : dropRepeats(repeats, length, tsMs, values, [codes, places]);
  const file = files[0]!;
  return {
    files: results,
    connection,
    rows:
      texts === undefined
        ? undefined
        : {
            path: file.path,
            ...places.slice(kept),
            ...texts,
            eventIdSql: file.hasEventId ? `coalesce(CAST(${file.expr.event_id} AS VARCHAR), '')` : "''",
            propertiesSql: file.propertiesSql!,
          },
    columns: {
      length: kept,
      tsMs: tsMs.subarray(0, kept),
      value: values.subarray(0, kept),
      ...codes.slice(kept),
      ...dicts,
    },
  };
}

/** The event_id text at each (file, line), keyed `file:line`: one scan per file. */
async function eventIdTexts(
  connection: DuckDBConnection,
  files: readonly FastFile[],
  rows: readonly { file: number; line: number }[],
): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const [f, file] of files.entries()) {
    const lines = rows.filter((r) => r.file === f).map((r) => r.line);
    if (lines.length === 0) continue;
    const found = await parquetRowsAt(connection, file.path, lines, `CAST(${file.expr.event_id} AS VARCHAR)`);
    for (const [line, text] of found as [bigint, string | null][]) texts.set(`${f}:${line}`, text ?? '');
  }
  return texts;
}

/** Keeps the events that repeat no earlier one, in order, in place; returns how many are left. */
function dropRepeats(
  repeats: readonly number[],
  length: number,
  tsMs: Float64Array,
  values: Float64Array,
  ints: readonly { slice(n: number): Record<string, Int32Array> }[],
): number {
  const drop = new Uint8Array(length);
  for (const i of repeats) drop[i] = 1;
  const keep = (column: Int32Array | Float64Array): number => {
    let kept = 0;
    for (let i = 0; i < length; i++) if (drop[i] === 0) column[kept++] = column[i]!;
    return kept;
  };
  keep(tsMs);
  for (const columns of ints) for (const column of Object.values(columns.slice(length))) keep(column);
  return keep(values);
}

/**
 * The 1-based line of each of these kept positions, from the rejected lines alone: a file's
 * k-th kept row is its k-th line that was not rejected. Saves a line number per event.
 */
function keptLines(
  positions: readonly number[],
  fileEnds: readonly number[],
  results: readonly FastFileResult[],
): Map<number, number> {
  const lines = new Map<number, number>();
  const sorted = [...new Set(positions)].sort((a, b) => a - b);
  let f = 0;
  let skipped = 0;
  for (const i of sorted) {
    while (i >= fileEnds[f]!) {
      f++;
      skipped = 0;
    }
    const rejected = results[f]!.rejected;
    let line = i - (f === 0 ? 0 : fileEnds[f - 1]!) + 1 + skipped;
    while (skipped < rejected.length && rejected[skipped]!.line <= line) {
      skipped++;
      line++;
    }
    lines.set(i, line);
  }
  return lines;
}

/**
 * One row per input row: time, the group hashes, value (or its hash), the event_id hash, and
 * the texts of the groups read lazily.
 */
function streamSql(file: FastFile): string {
  const e = file.expr;
  const text = (f: Field): string => `CAST(${e[f]} AS VARCHAR)`;
  const eventId = file.hasEventId
    ? `CASE WHEN ${e.event_id} IS NULL OR ${text('event_id')} = '' THEN 0::UBIGINT
            ELSE ${file.eventIdHash(text('event_id'))} END`
    : '0::UBIGINT';
  return `SELECT coalesce(CAST(${e.timestamp} AS DOUBLE), 'NaN'::DOUBLE),
            hash(${ID_GROUP.map(text).join(', ')}),
            hash(${PAGE_GROUP.map(text).join(', ')}),
            hash(${ATTR_GROUP.map((f) => e[f]).join(', ')}),
            ${file.numericValue ? `coalesce(CAST(${e.value} AS DOUBLE), 0)` : '0::DOUBLE'},
            ${file.numericValue ? '0::UBIGINT' : `hash(${text('value')})`},
            ${eventId},
            ${[...ID_GROUP, ...PAGE_GROUP].map(text).join(', ')},
            ${file.numericValue ? 'NULL::VARCHAR' : text('value')}
     FROM read_parquet(?)`;
}
