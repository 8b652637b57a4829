/**
 * The session rules of SESSIONS.md section 3, as one immutable, validated settings object.
 * Build it once at the edge with `createRules()`; the drivers only read it.
 *
 *   const rules = createRules({ timeoutMs: parseDuration('30m'), splitAtMidnight: true, timezone: 'Europe/Berlin' });
 */
import { bareHost } from './attribution/url-facts.ts';
import { StintError } from './errors.ts';
import { assertTimeZone } from './zone.ts';

export type IdentityMode = 'device' | 'user';

export interface SessionRules {
  /** Rule 1: a gap strictly greater than this starts a new session. */
  readonly timeoutMs: number;
  /** Rule 4: a session longer than this (from its start) is split; `Infinity` turns it off. */
  readonly maxDurationMs: number;
  /** Rule 2: events that end their session. */
  readonly endEvents: readonly string[];
  /** Rule 3: events that start a new session. */
  readonly startEvents: readonly string[];
  /** Rule 5. */
  readonly splitAtMidnight: boolean;
  /** Zone for rule 5 when a session's first event carries none. */
  readonly timezone: string;
  /** Rule 6. */
  readonly splitOnCampaign: boolean;
  /** Rule 7: the column whose change starts a new session, or undefined when off. */
  readonly sessionKey: string | undefined;
  readonly identity: IdentityMode;
  /** Event names counted as conversions. */
  readonly goals: readonly string[];
  /**
   * The site's own hosts (`shop.example`; `www.` and a port are ignored): a referrer from one
   * of them is internal navigation, never a source. A page's own host always is.
   */
  readonly siteHosts: readonly string[];
}

export const DEFAULT_RULES: SessionRules = Object.freeze({
  timeoutMs: 30 * 60_000,
  maxDurationMs: 24 * 3_600_000,
  endEvents: Object.freeze(['session_end']),
  startEvents: Object.freeze(['session_start']),
  splitAtMidnight: false,
  timezone: 'UTC',
  splitOnCampaign: false,
  sessionKey: undefined,
  identity: 'device',
  goals: Object.freeze([]),
  siteHosts: Object.freeze([]),
});

export type RulesInput = { [K in keyof SessionRules]?: SessionRules[K] | undefined };

export function createRules(input: RulesInput = {}): SessionRules {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const rules = { ...DEFAULT_RULES, ...defined } as SessionRules;
  if (!Number.isFinite(rules.timeoutMs) || rules.timeoutMs <= 0) {
    throw new StintError(
      'STINT_BAD_RULES',
      `The timeout must be a positive duration, got ${rules.timeoutMs} ms`,
      'For example --timeout 30m',
    );
  }
  if (!(rules.maxDurationMs > 0)) {
    throw new StintError(
      'STINT_BAD_RULES',
      `The max duration must be positive, got ${rules.maxDurationMs} ms`,
      'For example --max-duration 24h, or none',
    );
  }
  if (rules.identity !== 'device' && rules.identity !== 'user') {
    throw new StintError(
      'STINT_BAD_RULES',
      `Unknown identity mode "${String(rules.identity)}"`,
      'Use --identity device or --identity user',
    );
  }
  if (rules.sessionKey !== undefined && rules.sessionKey.trim() === '') {
    throw new StintError(
      'STINT_BAD_RULES',
      'The session key column name is empty',
      'For example --session-key session_id',
    );
  }
  assertTimeZone(rules.timezone);
  return Object.freeze({
    ...rules,
    endEvents: Object.freeze([...rules.endEvents]),
    startEvents: Object.freeze([...rules.startEvents]),
    goals: Object.freeze([...rules.goals]),
    siteHosts: Object.freeze([...new Set(rules.siteHosts.map(bareHost).filter((h) => h !== ''))].sort()),
  });
}
