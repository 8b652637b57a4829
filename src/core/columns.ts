/**
 * Events as columns: typed arrays plus dictionaries, the only form the batch driver reads.
 * `EventColumnsBuilder` appends validated events in input order and drops retries by
 * `event_id` (the first occurrence wins), counting them.
 *
 *   const b = new EventColumnsBuilder(); b.append(event); const cols = b.finish();
 */

import { clickIdOf, siteHostOf } from './attribution/url-facts.ts';
import { campaignCode } from './campaign.ts';
import { Dictionary } from './dictionary.ts';
import type { StintEvent } from './event.ts';
import { pathOf } from './url.ts';

export interface EventColumns {
  readonly length: number;
  readonly tsMs: Float64Array;
  /** anonymous_id and user_id share one dictionary: the same string is the same identity. */
  readonly anonCode: Int32Array;
  readonly userCode: Int32Array;
  readonly ids: Dictionary;
  readonly nameCode: Int32Array;
  readonly names: Dictionary;
  /** Path of the URL ('' when the event has no URL). */
  readonly pathCode: Int32Array;
  readonly paths: Dictionary;
  readonly referrerCode: Int32Array;
  readonly referrers: Dictionary;
  /** (utm_source, utm_medium, utm_campaign) as `campaignCode` joins them; 0 when all three are empty. */
  readonly campaignCode: Int32Array;
  readonly campaigns: Dictionary;
  readonly sessionKeyCode: Int32Array;
  readonly sessionKeys: Dictionary;
  readonly zoneCode: Int32Array;
  readonly zones: Dictionary;
  readonly agentCode: Int32Array;
  readonly agents: Dictionary;
  /** The URL's host as attribution compares hosts (url-facts.ts `siteHostOf`; '' for a path). */
  readonly hostCode: Int32Array;
  readonly hosts: Dictionary;
  /** The URL's ad click id parameter (url-facts.ts `clickIdOf`: `gclid`…; '' for none). */
  readonly clickCode: Int32Array;
  readonly clicks: Dictionary;
  /** The event's own country (from its IP or its input; the zone's is the batch driver's to add). */
  readonly countryCode: Int32Array;
  readonly countries: Dictionary;
  readonly value: Float64Array;
}

const INITIAL_CAPACITY = 1024;

export class EventColumnsBuilder {
  #length = 0;
  #capacity: number;
  #tsMs: Float64Array;
  #value: Float64Array;
  #ints: IntColumns;
  readonly #dicts = newDictionaries();
  readonly #seenEventIds = new Set<string>();
  #duplicates = 0;

  /** Whether retries are looked for; off when the caller knows there are none (a set of every event_id is costly). */
  readonly #dedupe: boolean;

  constructor(capacity = INITIAL_CAPACITY, options: { dedupe?: boolean } = {}) {
    this.#dedupe = options.dedupe ?? true;
    this.#capacity = Math.max(16, capacity);
    this.#tsMs = new Float64Array(this.#capacity);
    this.#value = new Float64Array(this.#capacity);
    this.#ints = new IntColumns(this.#capacity);
  }

  get length(): number {
    return this.#length;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  /** Appends an event; returns false (and counts it) when its event_id was seen before. */
  append(e: StintEvent): boolean {
    if (this.#dedupe && e.eventId !== '') {
      if (this.#seenEventIds.has(e.eventId)) {
        this.#duplicates++;
        return false;
      }
      this.#seenEventIds.add(e.eventId);
    }
    if (this.#length === this.#capacity) this.#grow();
    const i = this.#length++;
    const d = this.#dicts;
    const c = this.#ints;
    this.#tsMs[i] = e.tsMs;
    this.#value[i] = e.value;
    c.anonCode[i] = d.ids.code(e.anonymousId);
    c.userCode[i] = d.ids.code(e.userId);
    c.nameCode[i] = d.names.code(e.name);
    c.pathCode[i] = e.url === '' ? 0 : d.paths.code(pathOf(e.url));
    c.referrerCode[i] = d.referrers.code(e.referrer);
    c.campaignCode[i] = campaignCode(d.campaigns, e.utmSource, e.utmMedium, e.utmCampaign);
    c.sessionKeyCode[i] = d.sessionKeys.code(e.sessionKey);
    c.zoneCode[i] = d.zones.code(e.timezone);
    c.agentCode[i] = d.agents.code(e.userAgent);
    c.hostCode[i] = this.#hostCode(e.url);
    c.clickCode[i] = d.clicks.code(clickIdOf(e.url));
    c.countryCode[i] = d.countries.code(e.country);
    return true;
  }

  /** The host code of a URL: most events of a run share a few hosts, so the last one is tried first. */
  #lastOrigin = '';
  #lastHostCode = 0;
  #hostCode(url: string): number {
    // A path (an access log's) has no host.
    if (url === '' || (url.charCodeAt(0) === 47 /* / */ && url.charCodeAt(1) !== 47)) return 0;
    const origin = this.#lastOrigin;
    if (origin !== '' && url.startsWith(origin)) {
      const next = url.charCodeAt(origin.length);
      // The origin ends where the URL's path, query or fragment starts (or the URL ends).
      if (Number.isNaN(next) || next === 47 || next === 63 || next === 35) return this.#lastHostCode;
    }
    const host = siteHostOf(url);
    if (host === '') return 0;
    const end = url.indexOf('/', url.indexOf('//') + 2);
    const query = url.search(/[?#]/);
    const cut = end === -1 ? query : query === -1 ? end : Math.min(end, query);
    this.#lastOrigin = cut === -1 ? url : url.slice(0, cut);
    this.#lastHostCode = this.#dicts.hosts.code(host);
    return this.#lastHostCode;
  }

  finish(): EventColumns {
    const n = this.#length;
    return {
      length: n,
      tsMs: this.#tsMs.subarray(0, n),
      value: this.#value.subarray(0, n),
      ...this.#ints.slice(n),
      ...this.#dicts,
    };
  }

  #grow(): void {
    const capacity = this.#capacity * 2;
    const ts = new Float64Array(capacity);
    ts.set(this.#tsMs);
    this.#tsMs = ts;
    const value = new Float64Array(capacity);
    value.set(this.#value);
    this.#value = value;
    this.#ints = new IntColumns(capacity, this.#ints);
    this.#capacity = capacity;
  }
}

export type EventDictionaries = Pick<
  EventColumns,
  | 'ids'
  | 'names'
  | 'paths'
  | 'referrers'
  | 'campaigns'
  | 'sessionKeys'
  | 'zones'
  | 'agents'
  | 'hosts'
  | 'clicks'
  | 'countries'
>;

/** Just the dictionaries of some event columns, so the columns themselves can be let go. */
export function dictionariesOf(cols: EventColumns): EventDictionaries {
  const { ids, names, paths, referrers, campaigns, sessionKeys, zones, agents, hosts, clicks, countries } =
    cols;
  return { ids, names, paths, referrers, campaigns, sessionKeys, zones, agents, hosts, clicks, countries };
}

export function newDictionaries(): EventDictionaries {
  return {
    ids: new Dictionary(),
    names: new Dictionary(),
    paths: new Dictionary(),
    referrers: new Dictionary(),
    campaigns: new Dictionary(),
    sessionKeys: new Dictionary(),
    zones: new Dictionary(),
    agents: new Dictionary(),
    hosts: new Dictionary(),
    clicks: new Dictionary(),
    countries: new Dictionary(),
  };
}

/**
 * The events of `a` then those of `b`, as one set of columns: `a`'s codes are kept, `b`'s are
 * turned into codes of `a`'s dictionaries (grown with `b`'s new values). No retries are dropped.
 */
export function concatColumns(a: EventColumns, b: EventColumns): EventColumns {
  const n = a.length + b.length;
  const out: Record<string, unknown> = { length: n };
  const joined = (x: Float64Array, y: Float64Array): Float64Array => {
    const z = new Float64Array(n);
    z.set(x.subarray(0, a.length));
    z.set(y.subarray(0, b.length), a.length);
    return z;
  };
  out.tsMs = joined(a.tsMs, b.tsMs);
  out.value = joined(a.value, b.value);
  const dictionaries = new Map<Dictionary, { into: Dictionary; map: Int32Array }>();
  for (const [column, dictionary] of CODE_COLUMNS) {
    let remap = dictionaries.get(b[dictionary]);
    if (remap === undefined) {
      const into = Dictionary.of(a[dictionary].values);
      remap = { into, map: Int32Array.from(b[dictionary].values, (v) => into.code(v)) };
      dictionaries.set(b[dictionary], remap);
    }
    out[dictionary] = remap.into;
    const codes = new Int32Array(n);
    codes.set(a[column].subarray(0, a.length));
    const from = b[column];
    for (let i = 0; i < b.length; i++) codes[a.length + i] = remap.map[from[i]!]!;
    out[column] = codes;
  }
  return out as unknown as EventColumns;
}

/** Each code column and the dictionary its codes index. */
const CODE_COLUMNS: readonly (readonly [keyof IntColumns & keyof EventColumns, keyof EventDictionaries])[] = [
  ['anonCode', 'ids'],
  ['userCode', 'ids'],
  ['nameCode', 'names'],
  ['pathCode', 'paths'],
  ['referrerCode', 'referrers'],
  ['campaignCode', 'campaigns'],
  ['sessionKeyCode', 'sessionKeys'],
  ['zoneCode', 'zones'],
  ['agentCode', 'agents'],
  ['hostCode', 'hosts'],
  ['clickCode', 'clicks'],
  ['countryCode', 'countries'],
];

/** The int32 columns, as plain fields so the hot loops see one object shape. */
export class IntColumns {
  readonly anonCode: Int32Array;
  readonly userCode: Int32Array;
  readonly nameCode: Int32Array;
  readonly pathCode: Int32Array;
  readonly referrerCode: Int32Array;
  readonly campaignCode: Int32Array;
  readonly sessionKeyCode: Int32Array;
  readonly zoneCode: Int32Array;
  readonly agentCode: Int32Array;
  readonly hostCode: Int32Array;
  readonly clickCode: Int32Array;
  readonly countryCode: Int32Array;

  constructor(capacity: number, from?: IntColumns) {
    const make = (old: Int32Array | undefined): Int32Array => {
      const a = new Int32Array(capacity);
      if (old !== undefined) a.set(old);
      return a;
    };
    this.anonCode = make(from?.anonCode);
    this.userCode = make(from?.userCode);
    this.nameCode = make(from?.nameCode);
    this.pathCode = make(from?.pathCode);
    this.referrerCode = make(from?.referrerCode);
    this.campaignCode = make(from?.campaignCode);
    this.sessionKeyCode = make(from?.sessionKeyCode);
    this.zoneCode = make(from?.zoneCode);
    this.agentCode = make(from?.agentCode);
    this.hostCode = make(from?.hostCode);
    this.clickCode = make(from?.clickCode);
    this.countryCode = make(from?.countryCode);
  }

  slice(n: number): Omit<IntColumns, 'slice'> {
    return {
      anonCode: this.anonCode.subarray(0, n),
      userCode: this.userCode.subarray(0, n),
      nameCode: this.nameCode.subarray(0, n),
      pathCode: this.pathCode.subarray(0, n),
      referrerCode: this.referrerCode.subarray(0, n),
      campaignCode: this.campaignCode.subarray(0, n),
      sessionKeyCode: this.sessionKeyCode.subarray(0, n),
      zoneCode: this.zoneCode.subarray(0, n),
      agentCode: this.agentCode.subarray(0, n),
      hostCode: this.hostCode.subarray(0, n),
      clickCode: this.clickCode.subarray(0, n),
      countryCode: this.countryCode.subarray(0, n),
    };
  }
}
