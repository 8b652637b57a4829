/**
 * Sessions as columns: what the batch driver writes, one slot per session, no object and no
 * string per session until someone asks. `sessionAt(i)` builds the `Session` of slot i (its id,
 * strings from the event dictionaries, device from the user agent), so writers can stream.
 *
 *   const sc = sessionizeToColumns(cols, rules); for (let i = 0; i < sc.length; i++) write(sc.sessionAt(i));
 */
import { type Attribution, attributeVisit } from './attribution/attribute.ts';
import { campaignParts } from './campaign.ts';
import type { EventDictionaries } from './columns.ts';
import { END_REASONS, type EndReason, type Session } from './session.ts';
import { identityLanes, sessionIdFromLanes, sessionIdWords } from './session-id.ts';
import { type AgentInfo, describeAgent } from './user-agent.ts';

const GROW = 2;

export class SessionColumns {
  length = 0;
  #capacity: number;
  identity: Int32Array;
  ordinal: Int32Array;
  startMs: Float64Array;
  endMs: Float64Array;
  value: Float64Array;
  events: Int32Array;
  pageviews: Int32Array;
  conversions: Int32Array;
  /** Bit 0: bounce, bit 1: engaged; bits 2..: index into END_REASONS. */
  flags: Uint8Array;
  /** Event dictionary codes; -1 for no pageview. */
  entry: Int32Array;
  exit: Int32Array;
  referrer: Int32Array;
  campaign: Int32Array;
  agent: Int32Array;
  zone: Int32Array;
  user: Int32Array;
  anon: Int32Array;
  /** Codes of the first click id (`dicts.clicks`) and country (`dicts.countries`, the zone's included). */
  click: Int32Array;
  country: Int32Array;
  readonly #campaignCache: (readonly [string, string, string] | undefined)[] = [];
  readonly #agentCache: (AgentInfo | undefined)[] = [];
  /** Source and channel per (campaign, referrer, click) codes. */
  readonly #visits = new Map<string, Omit<Attribution, 'internal'>>();
  #lanesCode = -1;
  #lanes: Uint32Array = new Uint32Array(4);

  constructor(
    /** The event dictionaries the codes refer to (not the event columns: those can go once walked). */
    readonly dicts: EventDictionaries,
    capacity: number,
  ) {
    this.#capacity = Math.max(16, capacity);
    const c = this.#capacity;
    this.identity = new Int32Array(c);
    this.ordinal = new Int32Array(c);
    this.startMs = new Float64Array(c);
    this.endMs = new Float64Array(c);
    this.value = new Float64Array(c);
    this.events = new Int32Array(c);
    this.pageviews = new Int32Array(c);
    this.conversions = new Int32Array(c);
    this.flags = new Uint8Array(c);
    this.entry = new Int32Array(c);
    this.exit = new Int32Array(c);
    this.referrer = new Int32Array(c);
    this.campaign = new Int32Array(c);
    this.agent = new Int32Array(c);
    this.zone = new Int32Array(c);
    this.user = new Int32Array(c);
    this.anon = new Int32Array(c);
    this.click = new Int32Array(c);
    this.country = new Int32Array(c);
  }

  /** Reserves the next slot and returns its index. */
  add(): number {
    if (this.length === this.#capacity) this.#grow();
    return this.length++;
  }

  /**
   * Reorders the slots by rank[identity], keeping their order within an identity (stable): the
   * batch driver fills each identity's sessions in start order, so this gives identity, then start.
   */
  /** With the batch option `eventSessions`: the session (index here) of each event, in event column order. */
  eventSessions: Int32Array | undefined;

  /** Reorders the sessions by identity rank (stable); gives the old slot of each new one. */
  sortByIdentity(rank: Int32Array): Int32Array {
    const n = this.length;
    const start = new Int32Array(rank.length + 1);
    for (let i = 0; i < n; i++) start[rank[this.identity[i]!]! + 1]!++;
    for (let r = 0; r < rank.length; r++) start[r + 1]! += start[r]!;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[start[rank[this.identity[i]!]!]!++] = i;
    this.identity = gatherInt32(this.identity, order);
    this.ordinal = gatherInt32(this.ordinal, order);
    this.startMs = gatherFloat64(this.startMs, order);
    this.endMs = gatherFloat64(this.endMs, order);
    this.value = gatherFloat64(this.value, order);
    this.events = gatherInt32(this.events, order);
    this.pageviews = gatherInt32(this.pageviews, order);
    this.conversions = gatherInt32(this.conversions, order);
    const flags = new Uint8Array(n);
    for (let k = 0; k < n; k++) flags[k] = this.flags[order[k]!]!;
    this.flags = flags;
    this.entry = gatherInt32(this.entry, order);
    this.exit = gatherInt32(this.exit, order);
    this.referrer = gatherInt32(this.referrer, order);
    this.campaign = gatherInt32(this.campaign, order);
    this.agent = gatherInt32(this.agent, order);
    this.zone = gatherInt32(this.zone, order);
    this.user = gatherInt32(this.user, order);
    this.anon = gatherInt32(this.anon, order);
    this.click = gatherInt32(this.click, order);
    this.country = gatherInt32(this.country, order);
    this.#capacity = n;
    return order;
  }

  endReason(i: number): EndReason {
    return END_REASONS[this.flags[i]! >> 2]!;
  }

  sessionId(i: number): string {
    return sessionIdFromLanes(this.#lanesOf(i), this.startMs[i]!, this.ordinal[i]!);
  }

  /** The session id of slot i as four 32-bit words (most significant first) into out[at..at+4). */
  sessionIdWords(i: number, out: Uint32Array, at: number): void {
    sessionIdWords(this.#lanesOf(i), this.startMs[i]!, this.ordinal[i]!, out, at);
  }

  #lanesOf(i: number): Uint32Array {
    const code = this.identity[i]!;
    if (code !== this.#lanesCode) {
      this.#lanes = identityLanes(this.dicts.ids.value(code));
      this.#lanesCode = code;
    }
    return this.#lanes;
  }

  sessionAt(i: number): Session {
    const dicts = this.dicts;
    const [, medium, campaign] = this.campaignParts(this.campaign[i]!);
    const { source, channel } = this.attribution(i);
    const device = this.agentInfo(this.agent[i]!);
    const flags = this.flags[i]!;
    return {
      sessionId: this.sessionId(i),
      identity: dicts.ids.value(this.identity[i]!),
      userId: dicts.ids.value(this.user[i]!),
      anonymousId: dicts.ids.value(this.anon[i]!),
      startMs: this.startMs[i]!,
      endMs: this.endMs[i]!,
      events: this.events[i]!,
      pageviews: this.pageviews[i]!,
      bounce: (flags & 1) === 1,
      engaged: (flags & 2) === 2,
      entryPage: this.entry[i] === -1 ? '' : dicts.paths.value(this.entry[i]!),
      exitPage: this.exit[i] === -1 ? '' : dicts.paths.value(this.exit[i]!),
      endReason: END_REASONS[flags >> 2]!,
      source,
      medium,
      campaign,
      referrer: dicts.referrers.value(this.referrer[i]!),
      channel,
      country: dicts.countries.value(this.country[i]!),
      deviceType: device.deviceType,
      browser: device.browser,
      os: device.os,
      timezone: dicts.zones.value(this.zone[i]!),
      value: this.value[i]!,
      conversions: this.conversions[i]!,
    };
  }

  /** Sessions one at a time, in output order: writers stream them without holding them all. */
  *sessions(): Generator<Session> {
    for (let i = 0; i < this.length; i++) yield this.sessionAt(i);
  }

  countByEndReason(): Partial<Record<EndReason, number>> {
    const counts: Partial<Record<EndReason, number>> = {};
    for (let i = 0; i < this.length; i++) {
      const r = END_REASONS[this.flags[i]! >> 2]!;
      counts[r] = (counts[r] ?? 0) + 1;
    }
    return counts;
  }

  toSessions(): Session[] {
    const out = new Array<Session>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.sessionAt(i);
    return out;
  }

  /** Whether a user agent yields a device type, browser or OS (`-` or `curl/8` may not). */
  agentTellsSomething(code: number): boolean {
    const info = this.agentInfo(code);
    return info.deviceType !== '' || info.browser !== '' || info.os !== '';
  }

  /** (source, medium, campaign) of a campaign code. */
  campaignParts(code: number): readonly [string, string, string] {
    let parts = this.#campaignCache[code];
    if (parts === undefined) {
      parts = campaignParts(this.dicts.campaigns.value(code));
      this.#campaignCache[code] = parts;
    }
    return parts;
  }

  /** The canonical source and the channel of slot i (attribute.ts), from its first tags, referrer and click id. */
  attribution(i: number): Omit<Attribution, 'internal'> {
    const key = `${this.campaign[i]!} ${this.referrer[i]!} ${this.click[i]!}`;
    let found = this.#visits.get(key);
    if (found === undefined) {
      const [utmSource, utmMedium, utmCampaign] = this.campaignParts(this.campaign[i]!);
      found = attributeVisit({
        utmSource,
        utmMedium,
        utmCampaign,
        referrer: this.dicts.referrers.value(this.referrer[i]!),
        clickId: this.dicts.clicks.value(this.click[i]!),
      });
      this.#visits.set(key, found);
    }
    return found;
  }

  /** Device type, browser and OS of a user agent code. */
  agentInfo(code: number): AgentInfo {
    let info = this.#agentCache[code];
    if (info === undefined) {
      info = describeAgent(this.dicts.agents.value(code));
      this.#agentCache[code] = info;
    }
    return info;
  }

  #grow(): void {
    const c = Math.max(16, this.#capacity * GROW);
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    const i32 = (n: number): Int32Array => new Int32Array(n);
    const f64 = (n: number): Float64Array => new Float64Array(n);
    this.identity = grow(this.identity, i32);
    this.ordinal = grow(this.ordinal, i32);
    this.startMs = grow(this.startMs, f64);
    this.endMs = grow(this.endMs, f64);
    this.value = grow(this.value, f64);
    this.events = grow(this.events, i32);
    this.pageviews = grow(this.pageviews, i32);
    this.conversions = grow(this.conversions, i32);
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.entry = grow(this.entry, i32);
    this.exit = grow(this.exit, i32);
    this.referrer = grow(this.referrer, i32);
    this.campaign = grow(this.campaign, i32);
    this.agent = grow(this.agent, i32);
    this.zone = grow(this.zone, i32);
    this.user = grow(this.user, i32);
    this.anon = grow(this.anon, i32);
    this.click = grow(this.click, i32);
    this.country = grow(this.country, i32);
    this.#capacity = c;
  }
}

function gatherInt32(a: Int32Array, order: Int32Array): Int32Array {
  const b = new Int32Array(order.length);
  for (let k = 0; k < order.length; k++) b[k] = a[order[k]!]!;
  return b;
}

function gatherFloat64(a: Float64Array, order: Int32Array): Float64Array {
  const b = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) b[k] = a[order[k]!]!;
  return b;
}
