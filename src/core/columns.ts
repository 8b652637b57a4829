/**
 * Events as columns: typed arrays plus dictionaries, the only form the batch driver reads.
 * `EventColumnsBuilder` appends validated events in input order and drops retries by
 * `event_id` (the first occurrence wins), counting them.
 *
 *   const b = new EventColumnsBuilder(); b.append(event); const cols = b.finish();
 */

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
  /** (utm_source, utm_medium, utm_campaign) joined by \u0001; 0 when all three are empty. */
  readonly campaignCode: Int32Array;
  readonly campaigns: Dictionary;
  readonly sessionKeyCode: Int32Array;
  readonly sessionKeys: Dictionary;
  readonly zoneCode: Int32Array;
  readonly zones: Dictionary;
  readonly agentCode: Int32Array;
  readonly agents: Dictionary;
  readonly value: Float64Array;
}

const INITIAL_CAPACITY = 1024;

export class EventColumnsBuilder {
  #length = 0;
  #capacity: number;
  #tsMs: Float64Array;
  #value: Float64Array;
  #ints: Record<IntColumn, Int32Array>;
  readonly #dicts = {
    ids: new Dictionary(),
    names: new Dictionary(),
    paths: new Dictionary(),
    referrers: new Dictionary(),
    campaigns: new Dictionary(),
    sessionKeys: new Dictionary(),
    zones: new Dictionary(),
    agents: new Dictionary(),
  };
  readonly #seenEventIds = new Set<string>();
  #duplicates = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#capacity = Math.max(16, capacity);
    this.#tsMs = new Float64Array(this.#capacity);
    this.#value = new Float64Array(this.#capacity);
    this.#ints = allocInts(this.#capacity);
  }

  get length(): number {
    return this.#length;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  /** Appends an event; returns false (and counts it) when its event_id was seen before. */
  append(e: StintEvent): boolean {
    if (e.eventId !== '') {
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
    c.campaignCode[i] =
      e.utmSource === '' && e.utmMedium === '' && e.utmCampaign === ''
        ? 0
        : d.campaigns.code(`${e.utmSource}\u0001${e.utmMedium}\u0001${e.utmCampaign}`);
    c.sessionKeyCode[i] = d.sessionKeys.code(e.sessionKey);
    c.zoneCode[i] = d.zones.code(e.timezone);
    c.agentCode[i] = d.agents.code(e.userAgent);
    return true;
  }

  finish(): EventColumns {
    const n = this.#length;
    const c = this.#ints;
    return {
      length: n,
      tsMs: this.#tsMs.subarray(0, n),
      value: this.#value.subarray(0, n),
      anonCode: c.anonCode.subarray(0, n),
      userCode: c.userCode.subarray(0, n),
      nameCode: c.nameCode.subarray(0, n),
      pathCode: c.pathCode.subarray(0, n),
      referrerCode: c.referrerCode.subarray(0, n),
      campaignCode: c.campaignCode.subarray(0, n),
      sessionKeyCode: c.sessionKeyCode.subarray(0, n),
      zoneCode: c.zoneCode.subarray(0, n),
      agentCode: c.agentCode.subarray(0, n),
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
    const ints = allocInts(capacity);
    for (const key of INT_COLUMNS) ints[key].set(this.#ints[key]);
    this.#ints = ints;
    this.#capacity = capacity;
  }
}

const INT_COLUMNS = [
  'anonCode',
  'userCode',
  'nameCode',
  'pathCode',
  'referrerCode',
  'campaignCode',
  'sessionKeyCode',
  'zoneCode',
  'agentCode',
] as const;
type IntColumn = (typeof INT_COLUMNS)[number];

function allocInts(capacity: number): Record<IntColumn, Int32Array> {
  return Object.fromEntries(INT_COLUMNS.map((k) => [k, new Int32Array(capacity)])) as Record<
    IntColumn,
    Int32Array
  >;
}
