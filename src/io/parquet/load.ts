/**
 * The Parquet fast path's read: DuckDB streams the file's hashed groups, JS turns them into
 * event columns (and, for an import, `ParquetRows`), with the record path's rejects,
 * duplicates and statistics.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { IntColumns, newDictionaries } from '../../core/columns.ts';
import { fieldValue, MAX_VALUE, normalizeCountry } from '../../core/normalize.ts';
import type { EventRejectReason as RejectReason } from '../../core/reject-reasons.ts';
import { MAX_EPOCH_MS, parseTimestamp } from '../../core/timestamp.ts';
import { items } from '../duckdb-append.ts';
import { repeatedKeys } from '../hash64-map.ts';
import { cutShort, parquetRowsAt } from '../parquet.ts';
import {
  attributeCombinations,
  encodeIds,
  encodePage,
  halves,
  LazyCombos,
  PlaceColumns,
} from './combinations.ts';
import {
  ATTR_GROUP,
  ATTR_TEXTS,
  type FastFile,
  type FastFileResult,
  type FastLoad,
  type Field,
  ID_GROUP,
  type LoadHooks,
  PAGE_GROUP,
  type ParquetRows,
} from './fields.ts';

/** Epoch ms of a native timestamp or date, as the record path reads a `Date`. */
export function nativeMs(ms: number): number | undefined {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS ? ms : undefined;
}

export const PROGRESS_ROWS = 1 << 16;

export async function load(
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
    hostCode,
    clickCode,
    countryCode,
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
    const { sessionKey: keyOf, zone: zoneOf, agent: agentOf, country: countryOf } = attrs.codes;
    const { nativeTime, numericValue } = file;
    const idCombos = new LazyCombos(2, encodeIds(dicts));
    const [anonOf, userOf] = idCombos.codes as [number[], number[]];
    const pageTexts: string[][] = [];
    const pageCombos = new LazyCombos(5, encodePage(dicts, withRows ? pageTexts : undefined));
    const [nameOf, pathCodeOf, urlCampaignOf, hostOf, clickOf] = pageCombos.codes as number[][] as [
      number[],
      number[],
      number[],
      number[],
      number[],
    ];
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
        hostCode[i] = hostOf[page]!;
        clickCode[i] = clickOf[page]!;
        countryCode[i] = countryOf[attr]!;
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
          row.map((text, k) =>
            ATTR_TEXTS[k] === 'timezone'
              ? text.trim()
              : ATTR_TEXTS[k] === 'country'
                ? normalizeCountry(text)
                : text,
          ),
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
export async function eventIdTexts(
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
export function dropRepeats(
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
export function keptLines(
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
export function streamSql(file: FastFile): string {
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
