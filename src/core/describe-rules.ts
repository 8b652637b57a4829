/**
 * The session rules as people read them (`30m`, `none`), beside createRules: what a run's
 * summary, the report and the store's rules history show.
 *
 *   describeRules(createRules({ timeoutMs: 1_800_000 })).timeout // '30m'
 */
import { formatDuration } from './duration.ts';
import type { SessionRules } from './rules.ts';

export function describeRules(rules: SessionRules): Record<string, unknown> {
  return {
    timeout: formatDuration(rules.timeoutMs),
    max_duration: Number.isFinite(rules.maxDurationMs) ? formatDuration(rules.maxDurationMs) : 'none',
    end_events: rules.endEvents,
    start_events: rules.startEvents,
    split_at_midnight: rules.splitAtMidnight,
    timezone: rules.timezone,
    split_on_campaign: rules.splitOnCampaign,
    session_key: rules.sessionKey ?? null,
    identity: rules.identity,
    goals: rules.goals,
    site_hosts: rules.siteHosts,
  };
}
