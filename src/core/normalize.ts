/**
 * Raw record → StintEvent, or a reject with its reason. Field names match case-insensitively,
 * `map` renames foreign columns first (`{ timestamp: 'event_time' }`), then a file's columns may
 * go by the names of `aliases` (io/column-aliases.ts), utm_* fall back to the URL's query string,
 * and anything unknown is kept as a property. Names only: values are never guessed from.
 *
 *   const normalize = createNormalizer({ map: { user_id: 'uid' } });
 *   normalize({ uid: 'u1', TimeStamp: 1700000000 }) // { ok: true, event: { userId: 'u1', … } }
 */
import { type EventInput, PAGEVIEW, type StintEvent } from './event.ts';
import type { EventRejectReason } from './reject-reasons.ts';
import { parseTimestamp } from './timestamp.ts';
import { utmFromUrl } from './url.ts';
import { wellFormedText, wellFormedValue } from './well-formed.ts';
import { isTimeZone } from './zone.ts';

export type NormalizeResult =
  | { ok: true; event: StintEvent }
  | { ok: false; reason: EventRejectReason; detail: string };

export const CANONICAL_FIELDS = [
  'timestamp',
  'anonymous_id',
  'user_id',
  'event',
  'url',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'session_id',
  'timezone',
  'country',
  'user_agent',
  'value',
  'event_id',
] as const;

export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

export interface NormalizeOptions {
  /** canonical field → source column name. */
  readonly map?: Readonly<Partial<Record<string, string>>>;
  /** Zone for ISO timestamps without an offset. */
  readonly inputTz?: string;
  /** Column compared by rule 7 (`--session-key`), if on. */
  readonly sessionKey?: string | undefined;
  /**
   * Other names a file may give a field, tried in order after `map` and the field's own name
   * (files only: the collector takes stint's names and nothing else).
   */
  readonly aliases?: ColumnAliases | undefined;
}

/**
 * Foreign column names per field, in order of preference. `identity` names are tried, as
 * `anonymous_id`, only when no `anonymous_id` or `user_id` column was found.
 */
export type ColumnAliases = Readonly<Partial<Record<CanonicalField | 'identity', readonly string[]>>>;

/** For each canonical field, the record key that holds it; the rest are properties. */
export interface KeyPlan {
  readonly fields: Partial<Record<CanonicalField | 'session_key', string>>;
  /** A timestamp split over two columns (`--map "timestamp=date time"`): `fields.timestamp` holds the date. */
  readonly timeOfDay?: string | undefined;
  readonly propertyKeys: readonly string[];
}

export function createNormalizer(options: NormalizeOptions = {}): (record: EventInput) => NormalizeResult {
  const inputTz = options.inputTz ?? 'UTC';
  const plans = new Map<string, KeyPlan>();
  return (record) => {
    const keys = Object.keys(record);
    const signature = keys.join('\u0001');
    let plan = plans.get(signature);
    if (plan === undefined) {
      plan = planKeys(keys, options);
      if (plans.size < 1024) plans.set(signature, plan);
    }
    return normalizeWithPlan(record, plan, inputTz);
  };
}

export function planKeys(keys: readonly string[], options: NormalizeOptions): KeyPlan {
  const byLower = new Map<string, string>();
  for (const key of keys) {
    const lower = key.toLowerCase();
    if (!byLower.has(lower)) byLower.set(lower, key);
  }
  const fields: Partial<Record<CanonicalField | 'session_key', string>> = {};
  const used = new Set<string>();
  let timeOfDay: string | undefined;
  /** `alias`: only a column that no field holds yet. */
  const take = (target: CanonicalField | 'session_key', source: string, alias = false): void => {
    if (fields[target] !== undefined) return;
    const key = byLower.get(source.toLowerCase());
    if (key !== undefined && !(alias && used.has(key))) {
      fields[target] = key;
      used.add(key);
      return;
    }
    // "date time": a timestamp whose date and time of day are two columns.
    const pair = target === 'timestamp' ? source.trim().split(/\s+/) : [];
    const dateKey = pair.length === 2 ? byLower.get(pair[0]!.toLowerCase()) : undefined;
    const timeKey = pair.length === 2 ? byLower.get(pair[1]!.toLowerCase()) : undefined;
    if (
      dateKey !== undefined &&
      timeKey !== undefined &&
      dateKey !== timeKey &&
      !(alias && (used.has(dateKey) || used.has(timeKey)))
    ) {
      fields.timestamp = dateKey;
      timeOfDay = timeKey;
      used.add(dateKey);
      used.add(timeKey);
    }
  };
  for (const [target, source] of Object.entries(options.map ?? {})) {
    if (source !== undefined) take(target as CanonicalField, source);
  }
  for (const field of CANONICAL_FIELDS) take(field, field);
  const aliases = options.aliases ?? {};
  for (const field of CANONICAL_FIELDS) for (const name of aliases[field] ?? []) take(field, name, true);
  if (fields.anonymous_id === undefined && fields.user_id === undefined) {
    // A session id column may be the identity of a file that has nothing better.
    for (const name of aliases.identity ?? []) take('anonymous_id', name);
  }
  if (options.sessionKey !== undefined) {
    // The key may name a canonical field that --map renamed (--session-key session_id --map session_id=sid).
    const mapped = options.map?.[options.sessionKey.toLowerCase()] ?? options.sessionKey;
    const key = byLower.get(mapped.toLowerCase());
    if (key !== undefined) {
      fields.session_key = key;
      used.add(key);
    }
  }
  return { fields, timeOfDay, propertyKeys: keys.filter((k) => !used.has(k)) };
}

/** "2017-06-30" and "00:00:05" → "2017-06-30 00:00:05"; '' when either is missing. */
function joinDateTime(date: string, time: string): string {
  const d = date.trim();
  const t = time.trim();
  return d === '' || t === '' ? '' : `${d} ${t}`;
}

function text(record: EventInput, key: string | undefined): string {
  return key === undefined ? '' : fieldText(record[key]);
}

/** A field's value as text: '' for none, ISO-8601 for a date, JSON for other objects. */
export function fieldText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'string') return wellFormedText(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return JSON.stringify(wellFormedValue(v));
}

/** The largest `value` by absolute size: sums of many stay exact to the cent and finite. */
export const MAX_VALUE = 1e12;

/** A decimal number as text: digits, an optional point and exponent; no hex, Infinity or `_`. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The `value` field as a number: 0 when absent or '', NaN when it is not a decimal number within
 * ±MAX_VALUE ("0x10", "Infinity", "1.7e308", 1e13 and blanks are all NaN). Spaces around it are
 * left out, as a file's other fields' are (the collector refuses them: collect.ts).
 */
export function fieldValue(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return 0;
  const text = typeof raw === 'string' ? raw.trim() : undefined;
  const n =
    typeof raw === 'number' ? raw : text !== undefined && DECIMAL.test(text) ? Number(text) : Number.NaN;
  return Math.abs(n) <= MAX_VALUE ? n : Number.NaN;
}

function normalizeWithPlan(record: EventInput, plan: KeyPlan, inputTz: string): NormalizeResult {
  const f = plan.fields;
  const rawTs =
    plan.timeOfDay === undefined
      ? f.timestamp === undefined
        ? undefined
        : record[f.timestamp]
      : joinDateTime(text(record, f.timestamp), text(record, plan.timeOfDay));
  const tsMs = rawTs instanceof Date ? rawTs.getTime() : parseTimestamp(rawTs, inputTz);
  if (tsMs === undefined || Number.isNaN(tsMs)) {
    const shown =
      rawTs === undefined || rawTs === null || rawTs === '' ? 'no timestamp' : `timestamp "${String(rawTs)}"`;
    return { ok: false, reason: 'bad_timestamp', detail: `${shown} is not ISO-8601 or an epoch number` };
  }
  const anonymousId = text(record, f.anonymous_id).trim();
  const userId = text(record, f.user_id).trim();
  if (anonymousId === '' && userId === '') {
    return { ok: false, reason: 'no_identity', detail: 'neither anonymous_id nor user_id is set' };
  }
  const rawValue = f.value === undefined ? undefined : record[f.value];
  const value = fieldValue(rawValue);
  if (!Number.isFinite(value)) {
    return {
      ok: false,
      reason: 'bad_value',
      detail: `value ${typeof rawValue === 'string' ? JSON.stringify(rawValue) : String(rawValue)} is not a decimal number from -1e12 to 1e12`,
    };
  }
  const timezone = text(record, f.timezone).trim();
  if (timezone !== '' && !isTimeZone(timezone)) {
    return { ok: false, reason: 'bad_timezone', detail: `timezone "${timezone}" is not an IANA zone` };
  }
  const url = text(record, f.url);
  let utmSource = text(record, f.utm_source);
  let utmMedium = text(record, f.utm_medium);
  let utmCampaign = text(record, f.utm_campaign);
  let utmTerm = text(record, f.utm_term);
  let utmContent = text(record, f.utm_content);
  if (utmSource === '' && utmMedium === '' && utmCampaign === '' && utmTerm === '' && utmContent === '') {
    const fromUrl = utmFromUrl(url);
    if (fromUrl !== undefined) {
      utmSource = fromUrl.utm_source ?? '';
      utmMedium = fromUrl.utm_medium ?? '';
      utmCampaign = fromUrl.utm_campaign ?? '';
      utmTerm = fromUrl.utm_term ?? '';
      utmContent = fromUrl.utm_content ?? '';
    }
  }
  let properties: Record<string, unknown> | undefined;
  for (const key of plan.propertyKeys) {
    const v = record[key];
    if (v === undefined || v === null || v === '') continue;
    properties ??= {};
    // Well-formed, as the fields are: the store writes them as JSON (see well-formed.ts).
    properties[wellFormedText(key)] = wellFormedValue(v);
  }
  const name = text(record, f.event).trim();
  return {
    ok: true,
    event: {
      tsMs,
      anonymousId,
      userId,
      name: name === '' ? PAGEVIEW : name,
      url,
      referrer: text(record, f.referrer),
      utmSource,
      utmMedium,
      utmCampaign,
      utmTerm,
      utmContent,
      sessionKey: text(record, f.session_key),
      timezone,
      country: normalizeCountry(text(record, f.country)),
      userAgent: text(record, f.user_agent),
      value,
      eventId: text(record, f.event_id),
      properties,
    },
  };
}

/** An ISO 3166-1 alpha-2 code in upper case; any other text is kept as given (trimmed). */
export function normalizeCountry(given: string): string {
  const code = given.trim();
  return /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : code;
}
