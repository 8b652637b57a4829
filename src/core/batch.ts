/**
 * The batch driver: sessions from event columns in one walk, by identity then time.
 * Rules are applied in the order of SESSIONS.md section 3; the first that holds ends the open
 * session with its reason. Works on typed arrays and dictionary codes: no object per event.
 *
 *   timeout 30m: A@00:00, A@00:20, A@01:00 → [00:00–00:20, timeout], [01:00–01:00, open or timeout]
 */
import type { EventColumns } from './columns.ts';
import { PAGEVIEW } from './event.ts';
import { resolveIdentities } from './identity.ts';
import { orderEvents } from './order.ts';
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
   * The last session of this identity already emitted elsewhere (the stream closed it), so a
   * session starting in the same millisecond gets the next ordinal and a distinct id.
   */
  readonly after?: { readonly startMs: number; readonly ordinal: number } | undefined;
}

export function sessionizeColumns(
  cols: EventColumns,
  rules: SessionRules,
  options: BatchOptions = {},
): Session[] {
  return sessionizeToColumns(cols, rules, options).toSessions();
}

/** The batch driver proper: sessions as columns; strings and ids are built only when read. */
export function sessionizeToColumns(
  cols: EventColumns,
  rules: SessionRules,
  options: BatchOptions = {},
): SessionColumns {
  const identity =
    options.identity === undefined
      ? resolveIdentities(cols, rules.identity)
      : new Int32Array(cols.length).fill(cols.ids.code(options.identity));
  const { order, groupStart } = orderEvents(identity, cols.tsMs, cols.ids.size);
  const maxTsMs = options.maxTsMs ?? maxOf(cols.tsMs);
  const out = new SessionColumns(cols, Math.ceil(cols.length / 4));
  const walker = new Walker(cols, rules, order, maxTsMs, out, options.after);
  for (const code of identitiesByName(cols, groupStart)) {
    walker.walkIdentity(code, groupStart[code]!, groupStart[code + 1]!);
  }
  return out;
}

function maxOf(values: Float64Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** Identity codes that have events, sorted by their string, so output is sorted by identity. */
function identitiesByName(cols: EventColumns, groupStart: Int32Array): number[] {
  const codes: number[] = [];
  for (let c = 0; c + 1 < groupStart.length; c++) if (groupStart[c + 1]! > groupStart[c]!) codes.push(c);
  const names = cols.ids.values;
  return codes.sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
}

function flagsFor(names: readonly string[], wanted: readonly string[]): Uint8Array {
  const set = new Set(wanted);
  return Uint8Array.from(names, (n) => (set.has(n) ? 1 : 0));
}

class Walker {
  readonly #isEnd: Uint8Array;
  readonly #isStart: Uint8Array;
  readonly #isGoal: Uint8Array;
  readonly #pageview: number;

  constructor(
    private readonly cols: EventColumns,
    private readonly rules: SessionRules,
    private readonly order: Int32Array,
    private readonly maxTsMs: number,
    private readonly out: SessionColumns,
    private readonly after: BatchOptions['after'],
  ) {
    const names = cols.names.values;
    this.#isEnd = flagsFor(names, rules.endEvents);
    this.#isStart = flagsFor(names, rules.startEvents);
    this.#isGoal = flagsFor(names, rules.goals);
    this.#pageview = cols.names.find(PAGEVIEW);
  }

  walkIdentity(identityCode: number, from: number, to: number): void {
    const { cols, rules, order } = this;
    const { tsMs, nameCode, campaignCode, sessionKeyCode } = cols;
    const isEnd = this.#isEnd;
    const isStart = this.#isStart;
    const timeoutMs = rules.timeoutMs;
    const maxDurationMs = rules.maxDurationMs;
    const { splitAtMidnight, splitOnCampaign } = rules;
    const splitOnKey = rules.sessionKey !== undefined;
    let first = from;
    let startMs = tsMs[order[from]!]!;
    let sessionCampaign = campaignCode[order[from]!]!;
    let zone = splitAtMidnight ? this.#zoneOf(order[from]!) : '';
    let previousStartMs = this.after?.startMs ?? Number.NaN;
    let ordinal = this.after?.ordinal ?? 0;
    let p = order[from]!;
    let tsP = startMs;
    for (let k = from + 1; k < to; k++) {
      const e = order[k]!;
      const tsE = tsMs[e]!;
      let reason: EndReason | undefined;
      // The rules of SESSIONS.md section 3, in order; the first that holds wins.
      if (tsE - tsP > timeoutMs) reason = 'timeout';
      else if (isEnd[nameCode[p]!] === 1) reason = 'end_event';
      else if (isStart[nameCode[e]!] === 1) reason = 'start_event';
      else if (tsE - startMs > maxDurationMs) reason = 'max_duration';
      else if (splitAtMidnight && localDayNumber(tsE, zone) !== localDayNumber(tsP, zone))
        reason = 'midnight';
      else if (
        splitOnCampaign &&
        campaignCode[e]! !== 0 &&
        sessionCampaign !== 0 &&
        campaignCode[e]! !== sessionCampaign
      ) {
        reason = 'campaign';
      } else if (splitOnKey && sessionKeyCode[e]! !== sessionKeyCode[p]!) reason = 'session_id';
      if (reason !== undefined) {
        ordinal = startMs === previousStartMs ? ordinal + 1 : 0;
        this.#emit(identityCode, first, k, reason, ordinal);
        previousStartMs = startMs;
        first = k;
        startMs = tsE;
        sessionCampaign = 0;
        if (splitAtMidnight) zone = this.#zoneOf(e);
      }
      if (campaignCode[e]! !== 0) sessionCampaign = campaignCode[e]!;
      p = e;
      tsP = tsE;
    }
    let reason: EndReason = 'open';
    if (isEnd[nameCode[p]!] === 1) reason = 'end_event';
    else if (this.maxTsMs - tsP > timeoutMs) reason = 'timeout';
    ordinal = startMs === previousStartMs ? ordinal + 1 : 0;
    this.#emit(identityCode, first, to, reason, ordinal);
  }

  #zoneOf(event: number): string {
    const z = this.cols.zoneCode[event]!;
    return z === 0 ? this.rules.timezone : this.cols.zones.value(z);
  }

  /** Writes the session of walk positions [from, to) into the next slot. */
  #emit(identityCode: number, from: number, to: number, endReason: EndReason, ordinal: number): void {
    const { cols, order, out } = this;
    const { tsMs, nameCode, pathCode, referrerCode, campaignCode, zoneCode, agentCode, anonCode, userCode } =
      cols;
    const values = cols.value;
    const isStart = this.#isStart;
    const isEnd = this.#isEnd;
    const isGoal = this.#isGoal;
    const pageview = this.#pageview;
    let pageviews = 0;
    let conversions = 0;
    let value = 0;
    let onlyPageviews = true;
    let entry = -1;
    let exit = -1;
    let referrer = 0;
    let campaign = 0;
    let agent = 0;
    let zone = 0;
    let user = 0;
    let anon = 0;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const name = nameCode[i]!;
      if (name === pageview) {
        pageviews++;
        if (entry === -1) entry = pathCode[i]!;
        exit = pathCode[i]!;
      } else if (isStart[name] !== 1 && isEnd[name] !== 1) {
        onlyPageviews = false;
      }
      if (isGoal[name] === 1) conversions++;
      value += values[i]!;
      if (referrer === 0) referrer = referrerCode[i]!;
      if (campaign === 0) campaign = campaignCode[i]!;
      if (agent === 0 && agentCode[i]! !== 0 && out.agentTellsSomething(agentCode[i]!)) agent = agentCode[i]!;
      if (zone === 0) zone = zoneCode[i]!;
      if (user === 0) user = userCode[i]!;
      if (anon === 0) anon = anonCode[i]!;
    }
    const startMs = tsMs[order[from]!]!;
    const endMs = tsMs[order[to - 1]!]!;
    const engaged = endMs - startMs >= 10_000 || pageviews >= 2 || conversions >= 1;
    const s = out.add();
    out.identity[s] = identityCode;
    out.ordinal[s] = ordinal;
    out.startMs[s] = startMs;
    out.endMs[s] = endMs;
    out.value[s] = value;
    out.events[s] = to - from;
    out.pageviews[s] = pageviews;
    out.conversions[s] = conversions;
    out.flags[s] =
      (pageviews <= 1 && onlyPageviews ? 1 : 0) | (engaged ? 2 : 0) | (REASON_INDEX[endReason] << 2);
    out.entry[s] = entry;
    out.exit[s] = exit;
    out.referrer[s] = referrer;
    out.campaign[s] = campaign;
    out.agent[s] = agent;
    out.zone[s] = zone;
    out.user[s] = user;
    out.anon[s] = anon;
  }
}

const REASON_INDEX = Object.fromEntries(END_REASONS.map((r, i) => [r, i])) as Record<EndReason, number>;
