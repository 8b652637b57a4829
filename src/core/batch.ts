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
import type { EndReason, Session } from './session.ts';
import { identityLanes, sessionIdFromLanes } from './session-id.ts';
import { describeAgent } from './user-agent.ts';
import { localDayNumber } from './zone.ts';

export interface BatchOptions {
  /**
   * The latest event time of the whole input; decides `timeout` vs `open` for each identity's
   * last session. Defaults to the latest time in `cols`.
   */
  readonly maxTsMs?: number;
  /** Treat every event as this identity's (the streaming driver has resolved identity itself). */
  readonly identity?: string;
}

export function sessionizeColumns(
  cols: EventColumns,
  rules: SessionRules,
  options: BatchOptions = {},
): Session[] {
  const identity =
    options.identity === undefined
      ? resolveIdentities(cols, rules.identity)
      : new Int32Array(cols.length).fill(cols.ids.code(options.identity));
  const { order, groupStart } = orderEvents(identity, cols.tsMs, cols.ids.size);
  const maxTsMs = options.maxTsMs ?? maxOf(cols.tsMs);
  const walker = new Walker(cols, rules, order, maxTsMs);
  for (const code of identitiesByName(cols, groupStart)) {
    walker.walkIdentity(code, groupStart[code]!, groupStart[code + 1]!);
  }
  return walker.sessions;
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
  readonly sessions: Session[] = [];
  readonly #isEnd: Uint8Array;
  readonly #isStart: Uint8Array;
  readonly #isGoal: Uint8Array;
  readonly #pageview: number;

  constructor(
    private readonly cols: EventColumns,
    private readonly rules: SessionRules,
    private readonly order: Int32Array,
    private readonly maxTsMs: number,
  ) {
    const names = cols.names.values;
    this.#isEnd = flagsFor(names, rules.endEvents);
    this.#isStart = flagsFor(names, rules.startEvents);
    this.#isGoal = flagsFor(names, rules.goals);
    this.#pageview = cols.names.find(PAGEVIEW);
  }

  walkIdentity(identityCode: number, from: number, to: number): void {
    const { cols, rules, order } = this;
    const { tsMs, nameCode, campaignCode } = cols;
    const lanes = identityLanes(cols.ids.value(identityCode));
    let first = from;
    let sessionCampaign = campaignCode[order[from]!]!;
    let zone = this.#zoneOf(order[from]!);
    let previousStartMs = Number.NaN;
    let ordinal = 0;
    for (let k = from + 1; k < to; k++) {
      const p = order[k - 1]!;
      const e = order[k]!;
      const reason = this.#splitReason(p, e, tsMs[order[first]!]!, zone, sessionCampaign);
      if (reason !== undefined) {
        const startMs = tsMs[order[first]!]!;
        ordinal = startMs === previousStartMs ? ordinal + 1 : 0;
        this.#emit(identityCode, lanes, first, k, reason, ordinal);
        previousStartMs = startMs;
        first = k;
        sessionCampaign = 0;
        zone = this.#zoneOf(e);
      }
      if (campaignCode[e]! !== 0) sessionCampaign = campaignCode[e]!;
    }
    const last = order[to - 1]!;
    let reason: EndReason = 'open';
    if (this.#isEnd[nameCode[last]!] === 1) reason = 'end_event';
    else if (this.maxTsMs - tsMs[last]! > rules.timeoutMs) reason = 'timeout';
    ordinal = tsMs[order[first]!]! === previousStartMs ? ordinal + 1 : 0;
    this.#emit(identityCode, lanes, first, to, reason, ordinal);
  }

  #zoneOf(event: number): string {
    const z = this.cols.zoneCode[event]!;
    return z === 0 ? this.rules.timezone : this.cols.zones.value(z);
  }

  /** Which rule (if any) makes event `e` start a new session after `p`. */
  #splitReason(
    p: number,
    e: number,
    startMs: number,
    zone: string,
    sessionCampaign: number,
  ): EndReason | undefined {
    const { cols, rules } = this;
    const tsE = cols.tsMs[e]!;
    const tsP = cols.tsMs[p]!;
    if (tsE - tsP > rules.timeoutMs) return 'timeout';
    if (this.#isEnd[cols.nameCode[p]!] === 1) return 'end_event';
    if (this.#isStart[cols.nameCode[e]!] === 1) return 'start_event';
    if (tsE - startMs > rules.maxDurationMs) return 'max_duration';
    if (rules.splitAtMidnight && localDayNumber(tsE, zone) !== localDayNumber(tsP, zone)) return 'midnight';
    if (rules.splitOnCampaign) {
      const c = cols.campaignCode[e]!;
      if (c !== 0 && sessionCampaign !== 0 && c !== sessionCampaign) return 'campaign';
    }
    if (rules.sessionKey !== undefined && cols.sessionKeyCode[e]! !== cols.sessionKeyCode[p]!)
      return 'session_id';
    return undefined;
  }

  /** Builds the session of walk positions [from, to). */
  #emit(
    identityCode: number,
    lanes: Uint32Array,
    from: number,
    to: number,
    endReason: EndReason,
    ordinal: number,
  ): void {
    const { cols, order } = this;
    const { tsMs, nameCode, pathCode, referrerCode, campaignCode, zoneCode, agentCode, anonCode, userCode } =
      cols;
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
      if (name === this.#pageview) {
        pageviews++;
        if (entry === -1) entry = pathCode[i]!;
        exit = pathCode[i]!;
      } else if (this.#isStart[name] !== 1 && this.#isEnd[name] !== 1) {
        onlyPageviews = false;
      }
      if (this.#isGoal[name] === 1) conversions++;
      value += cols.value[i]!;
      if (referrer === 0) referrer = referrerCode[i]!;
      if (campaign === 0) campaign = campaignCode[i]!;
      if (agent === 0) agent = agentCode[i]!;
      if (zone === 0) zone = zoneCode[i]!;
      if (user === 0) user = userCode[i]!;
      if (anon === 0) anon = anonCode[i]!;
    }
    const startMs = tsMs[order[from]!]!;
    const endMs = tsMs[order[to - 1]!]!;
    const [source = '', medium = '', campaignName = ''] =
      campaign === 0 ? [] : cols.campaigns.value(campaign).split('\u0001');
    const device = describeAgent(cols.agents.value(agent));
    this.sessions.push({
      sessionId: sessionIdFromLanes(lanes, startMs, ordinal),
      identity: cols.ids.value(identityCode),
      userId: cols.ids.value(user),
      anonymousId: cols.ids.value(anon),
      startMs,
      endMs,
      events: to - from,
      pageviews,
      bounce: pageviews <= 1 && onlyPageviews,
      engaged: endMs - startMs >= 10_000 || pageviews >= 2 || conversions >= 1,
      entryPage: entry === -1 ? '' : cols.paths.value(entry),
      exitPage: exit === -1 ? '' : cols.paths.value(exit),
      endReason,
      source,
      medium,
      campaign: campaignName,
      referrer: cols.referrers.value(referrer),
      deviceType: device.deviceType,
      browser: device.browser,
      os: device.os,
      timezone: cols.zones.value(zone),
      value,
      conversions,
    });
  }
}
