/**
 * The batch driver: sessions from event columns in one walk over time.
 * Rules are applied in the order of SESSIONS.md section 3; the first that holds ends the open
 * session with its reason. Works on typed arrays and dictionary codes: no object per event.
 *
 *   timeout 30m: A@00:00, A@00:20, A@01:00 → [00:00–00:20, timeout], [01:00–01:00, open or timeout]
 */
import { SessionFacts } from './attribution/session-facts.ts';
import { dictionariesOf, type EventColumns } from './columns.ts';
import type { Dictionary } from './dictionary.ts';
import { ENGAGEMENT, PAGEVIEW } from './event.ts';
import { resolveIdentities } from './identity.ts';
import { walkOrder } from './order.ts';
import type { SessionRules } from './rules.ts';
import { END_REASONS, type EndReason, type Session } from './session.ts';
import { SessionColumns } from './session-columns.ts';
import { localDayNumber } from './zone.ts';

export interface BatchOptions {
  /**
   * The latest event time of the whole input; decides `timeout` vs `open` for each identity's
   * last session. Defaults to the latest time in `cols`.
   */
  readonly maxTsMs?: number;
  /** Treat every event as this identity's (the streaming driver has resolved identity itself). */
  readonly identity?: string;
  /**
   * With `identity`: the last session of that identity already emitted elsewhere (the stream
   * closed it), so a session starting in the same millisecond gets the next ordinal and a
   * distinct id. Ignored without `identity`.
   */
  readonly after?: { readonly startMs: number; readonly ordinal: number } | undefined;
  /** Also say which session each event went to (`SessionColumns.eventSessions`). */
  readonly eventSessions?: boolean;
}

export function sessionizeColumns(
  cols: EventColumns,
  rules: SessionRules,
  options: BatchOptions = {},
): Session[] {
  return sessionizeToColumns(cols, rules, options).toSessions();
}

/**
 * The batch driver proper: sessions as columns; strings and ids are built only when read.
 *
 * One pass over the events in input order, each identity's late events moved into place
 * (order.ts), with each identity's open session kept in a small fixed-size record: event
 * columns are read nearly sequentially and only the identity's state is a random access. Sessions close as the walk goes, so each
 * identity's come out in start order; a stable counting sort by identity name gives the
 * output order of SESSIONS.md (identity, then start).
 */
export function sessionizeToColumns(
  cols: EventColumns,
  rules: SessionRules,
  options: BatchOptions = {},
): SessionColumns {
  const identity =
    options.identity === undefined
      ? resolveIdentities(cols, rules.identity)
      : new Int32Array(cols.length).fill(cols.ids.code(options.identity));
  const maxTsMs = options.maxTsMs ?? maxOf(cols.tsMs);
  const out = new SessionColumns(dictionariesOf(cols), Math.ceil(cols.length / 4));
  const walk = new Walk(cols, rules, identity, out, options.eventSessions === true);
  if (options.after !== undefined && options.identity !== undefined && cols.length > 0) {
    walk.continueAfter(identity[0]!, options.after);
  }
  walk.run(walkOrder(identity, cols.tsMs, cols.ids.size), maxTsMs);
  const order = out.sortByIdentity(identityRanks(cols.ids));
  if (options.eventSessions === true) out.eventSessions = walk.eventSessions(order);
  return out;
}

function maxOf(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** rank[code] = position of the identity string in sorted order (UTF-16 code units, as `<`). */
function identityRanks(ids: Dictionary): Int32Array {
  const rank = new Int32Array(ids.size);
  const sorted = ids.values.slice().sort();
  for (let r = 0; r < sorted.length; r++) rank[ids.find(sorted[r]!)] = r;
  return rank;
}

function flagsFor(names: readonly string[], wanted: readonly string[]): Uint8Array {
  const set = new Set(wanted);
  return Uint8Array.from(names, (n) => (set.has(n) ? 1 : 0));
}

// The open session of each identity: int32 fields at I * stride + F_*, float64 at I * 4 + D_*.
const I_OPEN = 0;
const I_LAST_NAME = 1;
const I_LAST_KEY = 2;
/** Latest non-empty campaign of the session (rule 6). */
const I_RULE_CAMPAIGN = 3;
/** The session's zone for rule 5 (a zone code; 0 = --timezone). */
const I_RULE_ZONE = 4;
const I_EVENTS = 5;
const I_PAGEVIEWS = 6;
const I_CONVERSIONS = 7;
const I_ONLY_PAGEVIEWS = 8;
const I_ENTRY = 9;
const I_EXIT = 10;
const I_REFERRER = 11;
const I_CAMPAIGN = 12;
const I_AGENT = 13;
const I_ZONE = 14;
const I_USER = 15;
const I_ANON = 16;
const I_CLICK = 17;
const I_COUNTRY = 18;
const I_ORDINAL = 19;
const I_STRIDE = 20;
const D_LAST_TS = 0;
const D_START = 1;
const D_VALUE = 2;
/** Start of the identity's previous session (NaN: none), for the ordinal of equal starts. */
const D_PREVIOUS_START = 3;
const D_STRIDE = 4;

class Walk {
  readonly #isEnd: Uint8Array;
  readonly #isStart: Uint8Array;
  readonly #isGoal: Uint8Array;
  /** Events that leave `bounce` as it is: start and end events, and engagement pings. */
  readonly #isNeutral: Uint8Array;
  readonly #agentTells: Uint8Array;
  readonly #facts: SessionFacts;
  readonly #pageview: number;
  readonly #ints: Int32Array;
  readonly #doubles: Float64Array;
  // With eventSessions: each identity's open session's serial, each event's session serial,
  // and each serial's output slot (sessions are numbered as they open, slotted as they close).
  readonly #openSerial: Int32Array;
  readonly #eventSerial: Int32Array;
  readonly #serialSlot: Int32Array;
  #serials = 0;

  constructor(
    private readonly cols: EventColumns,
    private readonly rules: SessionRules,
    private readonly identity: Int32Array,
    private readonly out: SessionColumns,
    private readonly track: boolean,
  ) {
    const names = cols.names.values;
    this.#isEnd = flagsFor(names, rules.endEvents);
    this.#isStart = flagsFor(names, rules.startEvents);
    this.#isGoal = flagsFor(names, rules.goals);
    this.#isNeutral = flagsFor(names, [...rules.startEvents, ...rules.endEvents, ENGAGEMENT]);
    this.#facts = new SessionFacts(out.dicts, rules.siteHosts);
    this.#agentTells = Uint8Array.from(cols.agents.values, (_, code) =>
      code !== 0 && out.agentTellsSomething(code) ? 1 : 0,
    );
    this.#pageview = cols.names.find(PAGEVIEW);
    this.#ints = new Int32Array(cols.ids.size * I_STRIDE);
    this.#doubles = new Float64Array(cols.ids.size * D_STRIDE).fill(Number.NaN);
    this.#openSerial = new Int32Array(track ? cols.ids.size : 0);
    this.#eventSerial = new Int32Array(track ? cols.length : 0);
    this.#serialSlot = new Int32Array(track ? cols.length : 0);
  }

  /** Each event's session as an index into the output, once it is in its final `order`. */
  eventSessions(order: Int32Array): Int32Array {
    const finalOf = new Int32Array(order.length);
    for (let k = 0; k < order.length; k++) finalOf[order[k]!] = k;
    const sessions = new Int32Array(this.#eventSerial.length);
    for (let e = 0; e < sessions.length; e++)
      sessions[e] = finalOf[this.#serialSlot[this.#eventSerial[e]!]!]!;
    return sessions;
  }

  /** The identity's previous session was emitted elsewhere (the stream): go on from its ordinal. */
  continueAfter(identityCode: number, after: NonNullable<BatchOptions['after']>): void {
    this.#doubles[identityCode * D_STRIDE + D_PREVIOUS_START] = after.startMs;
    this.#ints[identityCode * I_STRIDE + I_ORDINAL] = after.ordinal;
  }

  run(order: Int32Array, maxTsMs: number): void {
    const { cols, rules, identity } = this;
    const { tsMs, nameCode, campaignCode, sessionKeyCode } = cols;
    const ints = this.#ints;
    const doubles = this.#doubles;
    const isEnd = this.#isEnd;
    const isStart = this.#isStart;
    const { timeoutMs, maxDurationMs, splitAtMidnight, splitOnCampaign } = rules;
    const splitOnKey = rules.sessionKey !== undefined;
    for (let k = 0; k < order.length; k++) {
      const e = order[k]!;
      const who = identity[e]!;
      const at = who * I_STRIDE;
      const dt = who * D_STRIDE;
      const tsE = tsMs[e]!;
      if (ints[at + I_OPEN] === 1) {
        const tsP = doubles[dt + D_LAST_TS]!;
        const campaign = campaignCode[e]!;
        const sessionCampaign = ints[at + I_RULE_CAMPAIGN]!;
        let reason = -1;
        // The rules of SESSIONS.md section 3, in order; the first that holds wins.
        if (tsE - tsP > timeoutMs) reason = TIMEOUT;
        else if (isEnd[ints[at + I_LAST_NAME]!] === 1) reason = END_EVENT;
        else if (isStart[nameCode[e]!] === 1) reason = START_EVENT;
        else if (tsE - doubles[dt + D_START]! > maxDurationMs) reason = MAX_DURATION;
        else if (splitAtMidnight && this.#crossesMidnight(tsP, tsE, ints[at + I_RULE_ZONE]!))
          reason = MIDNIGHT;
        else if (splitOnCampaign && campaign !== 0 && sessionCampaign !== 0 && campaign !== sessionCampaign) {
          reason = CAMPAIGN;
        } else if (splitOnKey && sessionKeyCode[e]! !== ints[at + I_LAST_KEY]!) reason = SESSION_ID;
        if (reason !== -1) {
          this.#close(who, reason);
          this.#open(who, e, tsE);
        } else {
          this.#add(who, e, tsE);
        }
      } else {
        this.#open(who, e, tsE);
      }
    }
    // Each identity's last session: end_event, else timeout once the input has moved on, else open.
    for (let who = 0; who < this.cols.ids.size; who++) {
      const at = who * I_STRIDE;
      if (ints[at + I_OPEN] !== 1) continue;
      let reason = OPEN;
      if (isEnd[ints[at + I_LAST_NAME]!] === 1) reason = END_EVENT;
      else if (maxTsMs - doubles[who * D_STRIDE + D_LAST_TS]! > timeoutMs) reason = TIMEOUT;
      this.#close(who, reason);
    }
  }

  #crossesMidnight(tsP: number, tsE: number, zoneCode: number): boolean {
    const zone = zoneCode === 0 ? this.rules.timezone : this.cols.zones.value(zoneCode);
    return localDayNumber(tsE, zone) !== localDayNumber(tsP, zone);
  }

  /** Starts the identity's session with event e. */
  #open(who: number, e: number, tsE: number): void {
    const ints = this.#ints;
    const at = who * I_STRIDE;
    const dt = who * D_STRIDE;
    ints[at + I_OPEN] = 1;
    ints[at + I_RULE_CAMPAIGN] = 0;
    ints[at + I_RULE_ZONE] = this.cols.zoneCode[e]!;
    for (let f = I_EVENTS; f < I_ORDINAL; f++) ints[at + f] = 0;
    ints[at + I_ONLY_PAGEVIEWS] = 1;
    ints[at + I_ENTRY] = -1;
    ints[at + I_EXIT] = -1;
    this.#doubles[dt + D_START] = tsE;
    this.#doubles[dt + D_VALUE] = 0;
    if (this.track) this.#openSerial[who] = this.#serials++;
    this.#add(who, e, tsE);
  }

  /** Adds event e to the identity's open session. */
  #add(who: number, e: number, tsE: number): void {
    const { cols } = this;
    const ints = this.#ints;
    const at = who * I_STRIDE;
    const dt = who * D_STRIDE;
    const name = cols.nameCode[e]!;
    if (this.track) this.#eventSerial[e] = this.#openSerial[who]!;
    ints[at + I_EVENTS]!++;
    if (name === this.#pageview) {
      ints[at + I_PAGEVIEWS]!++;
      const path = cols.pathCode[e]!;
      if (ints[at + I_ENTRY] === -1) ints[at + I_ENTRY] = path;
      ints[at + I_EXIT] = path;
    } else if (this.#isNeutral[name] !== 1) {
      ints[at + I_ONLY_PAGEVIEWS] = 0;
    }
    if (this.#isGoal[name] === 1) ints[at + I_CONVERSIONS]!++;
    this.#doubles[dt + D_VALUE]! += cols.value[e]!;
    const campaign = cols.campaignCode[e]!;
    if (campaign !== 0) ints[at + I_RULE_CAMPAIGN] = campaign;
    // First non-empty value of each of these in the session.
    // The site's own pages as referrers are internal navigation, never where the visit came from.
    if (ints[at + I_REFERRER] === 0 && this.#facts.isExternal(cols.referrerCode[e]!, cols.hostCode[e]!))
      ints[at + I_REFERRER] = cols.referrerCode[e]!;
    if (ints[at + I_CLICK] === 0) ints[at + I_CLICK] = cols.clickCode[e]!;
    if (ints[at + I_COUNTRY] === 0) {
      const own = cols.countryCode[e]!;
      ints[at + I_COUNTRY] = own !== 0 ? own : this.#facts.zoneCountry[cols.zoneCode[e]!]!;
    }
    if (ints[at + I_CAMPAIGN] === 0) ints[at + I_CAMPAIGN] = campaign;
    if (ints[at + I_AGENT] === 0 && this.#agentTells[cols.agentCode[e]!] === 1)
      ints[at + I_AGENT] = cols.agentCode[e]!;
    if (ints[at + I_ZONE] === 0) ints[at + I_ZONE] = cols.zoneCode[e]!;
    if (ints[at + I_USER] === 0) ints[at + I_USER] = cols.userCode[e]!;
    if (ints[at + I_ANON] === 0) ints[at + I_ANON] = cols.anonCode[e]!;
    ints[at + I_LAST_NAME] = name;
    ints[at + I_LAST_KEY] = cols.sessionKeyCode[e]!;
    this.#doubles[dt + D_LAST_TS] = tsE;
  }

  /** Writes the identity's open session to the output with its end reason. */
  #close(who: number, reason: number): void {
    const { out } = this;
    const ints = this.#ints;
    const doubles = this.#doubles;
    const at = who * I_STRIDE;
    const dt = who * D_STRIDE;
    const startMs = doubles[dt + D_START]!;
    const ordinal = startMs === doubles[dt + D_PREVIOUS_START] ? ints[at + I_ORDINAL]! + 1 : 0;
    ints[at + I_ORDINAL] = ordinal;
    doubles[dt + D_PREVIOUS_START] = startMs;
    ints[at + I_OPEN] = 0;
    const endMs = doubles[dt + D_LAST_TS]!;
    const pageviews = ints[at + I_PAGEVIEWS]!;
    const conversions = ints[at + I_CONVERSIONS]!;
    const engaged = endMs - startMs >= 10_000 || pageviews >= 2 || conversions >= 1;
    const bounce = pageviews <= 1 && ints[at + I_ONLY_PAGEVIEWS] === 1;
    const s = out.add();
    if (this.track) this.#serialSlot[this.#openSerial[who]!] = s;
    out.identity[s] = who;
    out.ordinal[s] = ordinal;
    out.startMs[s] = startMs;
    out.endMs[s] = endMs;
    out.value[s] = doubles[dt + D_VALUE]!;
    out.events[s] = ints[at + I_EVENTS]!;
    out.pageviews[s] = pageviews;
    out.conversions[s] = conversions;
    out.flags[s] = (bounce ? 1 : 0) | (engaged ? 2 : 0) | (reason << 2);
    out.entry[s] = ints[at + I_ENTRY]!;
    out.exit[s] = ints[at + I_EXIT]!;
    out.referrer[s] = ints[at + I_REFERRER]!;
    out.campaign[s] = ints[at + I_CAMPAIGN]!;
    out.agent[s] = ints[at + I_AGENT]!;
    out.zone[s] = ints[at + I_ZONE]!;
    out.user[s] = ints[at + I_USER]!;
    out.anon[s] = ints[at + I_ANON]!;
    out.click[s] = ints[at + I_CLICK]!;
    out.country[s] = ints[at + I_COUNTRY]!;
  }
}

const reasonIndex = (r: EndReason): number => END_REASONS.indexOf(r);
const TIMEOUT = reasonIndex('timeout');
const END_EVENT = reasonIndex('end_event');
const START_EVENT = reasonIndex('start_event');
const MAX_DURATION = reasonIndex('max_duration');
const MIDNIGHT = reasonIndex('midnight');
const CAMPAIGN = reasonIndex('campaign');
const SESSION_ID = reasonIndex('session_id');
const OPEN = reasonIndex('open');
