/**
 * The rule flags of `stint sessionize` (and later `import`, `resessionize`), parsed once at the
 * edge into frozen rules and reader options. Every bad value is a usage error with a hint.
 *
 *   rulesFromFlags({ timeout: '20m', maxDuration: 'none', identity: 'user' })
 */
import type { Command } from 'commander';
import { parseDuration } from '../core/duration.ts';
import { StintError } from '../core/errors.ts';
import { CANONICAL_FIELDS } from '../core/normalize.ts';
import { createRules, type IdentityMode, type SessionRules } from '../core/rules.ts';
import { assertTimeZone } from '../core/zone.ts';

export interface RuleFlags {
  timeout?: string;
  maxDuration?: string;
  splitAtMidnight?: boolean;
  timezone?: string;
  splitOnCampaign?: boolean;
  sessionKey?: string;
  startEvents?: string;
  endEvents?: string;
  identity?: string;
  goal?: string;
  siteHost?: string;
  inputTz?: string;
  map?: string[];
}

/**
 * The rule flags, with their defaults shown; `{ unset: 'unchanged' }` (resessionize) gives them no
 * default ("(unchanged)" in the help: a flag not given keeps the stored rule) and leaves out the
 * reader flags (--input-tz, --map), which only apply to files being read.
 */
export function addRuleFlags(cmd: Command, options: { unset?: 'default' | 'unchanged' } = {}): Command {
  const keep = options.unset === 'unchanged';
  const rule = (flags: string, description: string, value?: string | boolean): Command =>
    keep || value === undefined
      ? cmd.option(flags, keep ? `${description} (unchanged)` : description)
      : cmd.option(flags, description, value);
  rule('--timeout <duration>', 'inactivity that ends a session (rule 1): 30m, 90s, 1h30m', '30m');
  rule('--max-duration <duration>', 'longest session before a split (rule 4), or none', '24h');
  rule('--end-events <names>', 'comma-separated events that end a session (rule 2)', 'session_end');
  rule('--start-events <names>', 'comma-separated events that start a new session (rule 3)', 'session_start');
  rule('--split-at-midnight', "split at local midnight in the session's zone (rule 5)", false);
  rule('--timezone <iana>', 'zone for --split-at-midnight when an event carries none', 'UTC');
  rule('--split-on-campaign', 'split when a new utm source/medium/campaign arrives (rule 6)', false);
  rule('--session-key <column>', 'split whenever this column changes, e.g. session_id (rule 7)');
  rule('--identity <mode>', 'device: per anonymous_id; user: link devices to their user_id', 'device');
  rule('--goal <names>', 'comma-separated event names counted as conversions, e.g. purchase,signup');
  rule(
    '--site-host <hosts>',
    'comma-separated hosts of the site (shop.example): referrers from them are internal, never a source; for access logs stint infers them when this is not given',
  );
  if (keep) return cmd;
  return cmd
    .option('--input-tz <iana>', 'zone of ISO timestamps that carry no offset', 'UTC')
    .option(
      '--map <pairs>',
      'name input columns: target=source,… e.g. timestamp=when,user_id=uid, or "timestamp=date time" ' +
        'for two columns (repeatable); common names need none (docs/store.md#columns)',
      collect,
      [],
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function rulesFromFlags(flags: RuleFlags): SessionRules {
  const maxDuration = flags.maxDuration?.trim().toLowerCase();
  const identity = flags.identity ?? 'device';
  if (identity !== 'device' && identity !== 'user') {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown --identity "${identity}"`,
      'Use --identity device or --identity user',
    );
  }
  return createRules({
    timeoutMs: flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout'),
    maxDurationMs:
      maxDuration === undefined
        ? undefined
        : maxDuration === 'none'
          ? Number.POSITIVE_INFINITY
          : parseDuration(maxDuration, '--max-duration'),
    endEvents: list(flags.endEvents),
    startEvents: list(flags.startEvents),
    splitAtMidnight: flags.splitAtMidnight,
    timezone: flags.timezone === undefined ? undefined : assertTimeZone(flags.timezone, '--timezone'),
    splitOnCampaign: flags.splitOnCampaign,
    sessionKey: flags.sessionKey,
    identity: identity as IdentityMode,
    goals: list(flags.goal),
    siteHosts: list(flags.siteHost),
  });
}

/** `--map timestamp=event_time,user_id=uid` → { timestamp: 'event_time', user_id: 'uid' }. */
export function parseMap(pairs: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of pairs.flatMap((p) => p.split(','))) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const target = pair.slice(0, eq).trim().toLowerCase();
    const source = pair.slice(eq + 1).trim();
    if (eq <= 0 || source === '') {
      throw new StintError(
        'STINT_BAD_MAP',
        `Cannot read --map entry "${pair}"`,
        'Write target=source, e.g. --map timestamp=event_time',
      );
    }
    if (!(CANONICAL_FIELDS as readonly string[]).includes(target)) {
      throw new StintError(
        'STINT_BAD_MAP',
        `--map target "${target}" is not a stint field`,
        `Targets are: ${CANONICAL_FIELDS.join(', ')}`,
      );
    }
    map[target] = source;
  }
  return map;
}

/** Each rule flag (commander's option name) and the rule it sets. */
const RULE_OPTION_KEYS: Readonly<Record<string, keyof SessionRules>> = {
  timeout: 'timeoutMs',
  maxDuration: 'maxDurationMs',
  endEvents: 'endEvents',
  startEvents: 'startEvents',
  splitAtMidnight: 'splitAtMidnight',
  timezone: 'timezone',
  splitOnCampaign: 'splitOnCampaign',
  sessionKey: 'sessionKey',
  identity: 'identity',
  goal: 'goals',
  siteHost: 'siteHosts',
};

/** The rules whose flags were typed on the command line (not left at their defaults). */
export function rulesGivenOnCli(command: Command): (keyof SessionRules)[] {
  return Object.entries(RULE_OPTION_KEYS)
    .filter(([option]) => command.getOptionValueSource(option) === 'cli')
    .map(([, key]) => key);
}

/** `base` with the rules typed on the command line taken from the flags. */
export function overrideRules(base: SessionRules, flags: RuleFlags, command: Command): SessionRules {
  const given = rulesFromFlags(flags);
  const changes = Object.fromEntries(rulesGivenOnCli(command).map((key) => [key, given[key]]));
  return createRules({ ...base, ...changes });
}

export function inputZoneFromFlags(flags: RuleFlags): string {
  return assertTimeZone(flags.inputTz ?? 'UTC', '--input-tz');
}
