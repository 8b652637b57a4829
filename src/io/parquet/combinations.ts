/**
 * The Parquet fast path's combinations: each distinct identity, page and attribute combination
 * of a file gets its dictionary codes once, and each event its place (`PlaceColumns`).
 */
import type { DuckDBConnection, DuckDBVector } from '@duckdb/node-api';
import { clickIdOf, siteHostOf } from '../../core/attribution/url-facts.ts';
import { campaignCode } from '../../core/campaign.ts';
import type { EventDictionaries } from '../../core/columns.ts';
import { PAGEVIEW } from '../../core/event.ts';
import { fieldText, normalizeCountry } from '../../core/normalize.ts';
import { pathOf, utmFromUrl } from '../../core/url.ts';
import { isTimeZone } from '../../core/zone.ts';
import { items } from '../duckdb-append.ts';
import { Hash64Map } from '../hash64-map.ts';
import { plain } from '../parquet.ts';
import { ATTR_GROUP, type FastFile } from './fields.ts';

/** The attribute combinations of a file, from one DISTINCT query, and their codes. */
export async function attributeCombinations(
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
export function encodeAttributes(d: EventDictionaries, rows: readonly string[][]) {
  const n = rows.length;
  const out = {
    referrer: new Int32Array(n),
    campaign: new Int32Array(n),
    hasUtm: new Uint8Array(n),
    badZone: new Uint8Array(n),
    zone: new Int32Array(n),
    agent: new Int32Array(n),
    sessionKey: new Int32Array(n),
    country: new Int32Array(n),
  };
  rows.forEach(([referrer, source, medium, campaign, term, content, zone, agent, key, country], i) => {
    out.referrer[i] = d.referrers.code(referrer!);
    out.hasUtm[i] =
      source !== '' || medium !== '' || campaign !== '' || term !== '' || content !== '' ? 1 : 0;
    out.campaign[i] = campaignCode(d.campaigns, source!, medium!, campaign!);
    const tz = zone!.trim();
    out.badZone[i] = tz !== '' && !isTimeZone(tz) ? 1 : 0;
    out.zone[i] = out.badZone[i] === 1 ? 0 : d.zones.code(tz);
    out.agent[i] = d.agents.code(agent!);
    out.sessionKey[i] = d.sessionKeys.code(key!);
    out.country[i] = d.countries.code(normalizeCountry(country!));
  });
  return out;
}

/**
 * A group's combinations, learnt while streaming: a row whose hash is new has its group's text
 * read from the chunk (the only string reads of the stream) and encoded once.
 */
export class LazyCombos {
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
export const encodeIds =
  ({ ids }: EventDictionaries) =>
  ([anon, user]: readonly string[]): number[] => [ids.code(anon!.trim()), ids.code(user!.trim())];

/**
 * (event, url) texts → [name code, path code, code of the campaign in the URL's query, host
 * code, click id code]; with `texts`, also the combination's PAGE_TEXTS.
 */
export const encodePage =
  ({ names, paths, campaigns, hosts, clicks }: EventDictionaries, texts: string[][] | undefined) =>
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
      hosts.code(siteHostOf(url!)),
      clicks.code(clickIdOf(url!)),
    ];
  };

/** Per event: its row in the file and its combination in each group (ParquetRows). */
export class PlaceColumns {
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

export function halves(vector: unknown): Uint32Array {
  const a = items<BigUint64Array>(vector);
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}
