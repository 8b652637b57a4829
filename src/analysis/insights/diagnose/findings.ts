/**
 * The findings of `stint diagnose`, judged from its measurements: each with a stable code, a
 * severity, the evidence in numbers and a fix. Pure: diagnose.ts measures, this judges.
 *
 *   findingsOf(measured) // [{ code: 'future_timestamps', severity: 'error', … }, { code: 'timeout_fits', … }]
 */

import type { DiagnoseResult, Finding } from './result.ts';
import { timeoutFinding } from './timeout-finding.ts';
import { dur, type FindingCode, finding, int, iso, lag, pct } from './words.ts';

export const MAX_DURATION_WARNING = 0.01;
export const DUPLICATE_WARNING = 0.01;
export const REJECT_WARNING = 0.01;
export const REJECT_ERROR = 0.1;
/** A checked field missing on more than this share of events. */
export const MISSING_SHARE = 0.5;
/** The local hours (start of hour) whose peak suggests UTC stored as local time: 3, 4 and 5 a.m. */
export const NIGHT_HOURS: readonly number[] = [3, 4, 5];
export const MIN_SESSIONS_FOR_HOURS = 50;
export const MIN_DAYS_FOR_HOURS = 3;

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

type Measured = Omit<DiagnoseResult, 'findings'>;

/** Every finding, most severe first (the order of the checks within a severity). */
export function findingsOf(m: Measured): Finding[] {
  const all = [
    noData(m),
    timeoutFinding(m),
    maxDurationFinding(m),
    absurdFinding(m),
    ...timeFindings(m),
    timezoneFinding(m),
    ...importFindings(m),
    ...missingFindings(m),
  ].filter((f): f is Finding => f !== undefined);
  return all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] || a.i - b.i)
    .map(({ f }) => f);
}

function noData(m: Measured): Finding | undefined {
  if (m.sessions > 0) return undefined;
  return finding(
    'no_data',
    'info',
    'No sessions to diagnose',
    m.times.events === 0 ? 'The store holds no events.' : 'No stored session starts in the period asked.',
    'Import events first (stint import FILE), or widen --from/--to.',
  );
}

function maxDurationFinding(m: Measured): Finding | undefined {
  const { ended, sessions, share } = m.max_duration;
  if (ended === 0 || sessions === 0) return undefined;
  const limit = m.rules?.max_duration_ms;
  return finding(
    'max_duration_share',
    share >= MAX_DURATION_WARNING ? 'warning' : 'info',
    `${pct(share)} of sessions ran into the longest session allowed${limit ? ` (${dur(limit)})` : ''}`,
    `${int(ended)} of ${int(sessions)} sessions ended by max_duration: no person clicks on without a ${m.rules ? dur(m.rules.timeout_ms) : '30m'} pause that long. Bots, monitors and shared identities (a proxy's address) do.`,
    'Look at them: stint sessions --filter end_reason=max_duration (or the Sessions tab); exclude bots at import (access logs drop known ones unless --keep-bots) or by filter.',
  );
}

function absurdFinding(m: Measured): Finding | undefined {
  const a = m.identity_counts;
  if (a.absurd_count === 0) return undefined;
  const named = a.absurd
    .slice(0, 3)
    .map(
      (x) =>
        `${x.identity.length > 60 ? `${x.identity.slice(0, 57)}…` : x.identity} (${int(x.events)} events)`,
    )
    .join('; ');
  return finding(
    'absurd_identities',
    'warning',
    `${int(a.absurd_count)} ${a.absurd_count === 1 ? 'identity has' : 'identities have'} an absurd number of events`,
    `At least ${int(a.threshold)} events each (${100}× the median identity's ${a.median_events ?? 0}, and at least 1,000), ${int(a.absurd_events)} events in all: ${named}.`,
    'These are bots, crawlers, load tests or one id shared by many people (an id that is not per visitor). Exclude them by filter, or fix the identity the sender sends.',
  );
}

function timeFindings(m: Measured): (Finding | undefined)[] {
  const t = m.times;
  const out: (Finding | undefined)[] = [];
  if (t.future !== null && t.future > 0 && m.now_ms !== null) {
    out.push(
      finding(
        'future_timestamps',
        'error',
        `${int(t.future)} events are timed in the future`,
        `${int(t.future)} of ${int(t.events)} events are more than 5 minutes after now (${iso(m.now_ms)}); the latest is ${iso(t.max_ms!)}.`,
        'A clock or a unit is wrong at the source (seconds read as milliseconds, a local time read as UTC, a device clock): fix the sender, then delete the events (stint delete) and import them again.',
      ),
    );
  }
  if (t.future_when_stored > 0) {
    out.push(
      finding(
        'future_when_stored',
        'error',
        `${int(t.future_when_stored)} events were in the future when they were stored`,
        `Their time is more than 5 minutes after their received_at, the moment the store took them.`,
        'Check the timestamps of the source (time zone, unit) and the clock of the machine that sent them.',
      ),
    );
  }
  if (t.past > 0) {
    out.push(
      finding(
        'past_timestamps',
        'warning',
        `${int(t.past)} events are timed far in the past`,
        `Before ${iso(t.past_before_ms)} (1990-01-01, or 5 years before the median event time ${t.median_ms === null ? '' : iso(t.median_ms)}); the earliest is ${t.min_ms === null ? '–' : iso(t.min_ms)}.`,
        'Usually an empty or zero timestamp read as 1970, or seconds and milliseconds mixed up: fix the source column (or --map the right one) and import again.',
      ),
    );
  }
  if (t.collector > 0 && t.ahead > 0) {
    out.push(
      finding(
        'clock_skew',
        t.ahead / t.collector >= 0.01 ? 'warning' : 'info',
        `${pct(t.ahead / t.collector)} of collected events are timed ahead of the server's clock`,
        `${int(t.ahead)} of ${int(t.collector)} events sent to the collector carry a time more than a minute after the moment the server received them; median received_at − timestamp: ${lag(t.median_lag_ms)}.`,
        'Senders with a fast clock: let the collector time events (send no timestamp), or correct the senders’ clocks (NTP).',
      ),
    );
  }
  if (t.collector > 0 && t.late > 0) {
    out.push(
      finding(
        'late_events',
        'info',
        `${pct(t.late / t.collector)} of collected events arrived more than an hour after their time`,
        `${int(t.late)} of ${int(t.collector)} events sent to the collector were received over 1 h after their own timestamp; median received_at − timestamp: ${lag(t.median_lag_ms)}.`,
        'Expected for a backfill by a trusted sender or an app that sends when back online; otherwise a queue holds events back or a sender’s clock is slow.',
      ),
    );
  }
  if (t.clamped > 0) {
    out.push(
      finding(
        'clamped_timestamps',
        'info',
        `${int(t.clamped)} collected events had their time replaced by the receive time`,
        'Their own timestamp was too far from the server clock; it is kept in the property stint_clamped_from.',
        'Fix the clock of the senders; raise the collector’s max_future/max_past only for trusted senders.',
      ),
    );
  }
  return out;
}

function timezoneFinding(m: Measured): Finding | undefined {
  const h = m.hours;
  const total = h.sessions.reduce((a, b) => a + b, 0);
  const t = m.times;
  // Hours over less than MIN_DAYS_FOR_HOURS show the hours the data covers, not a daily rhythm.
  const days = t.min_ms === null || t.max_ms === null ? 0 : (t.max_ms - t.min_ms) / 86_400_000;
  if (
    days < MIN_DAYS_FOR_HOURS ||
    total < MIN_SESSIONS_FOR_HOURS ||
    h.peak_hour === null ||
    !NIGHT_HOURS.includes(h.peak_hour)
  )
    return undefined;
  const own = h.own_zone_share >= 0.5;
  return finding(
    'timezone_suspect',
    own ? 'warning' : 'info',
    `Activity peaks at ${String(h.peak_hour).padStart(2, '0')}:00 local time`,
    `${pct(h.sessions[h.peak_hour]! / total)} of ${int(total)} sessions start in the busiest hour, ${String(h.peak_hour).padStart(2, '0')}:00–${String(h.peak_hour).padStart(2, '0')}:59 (${own ? `in each visitor's own zone for ${pct(h.own_zone_share)} of them` : `in ${h.tz}, as ${pct(1 - h.own_zone_share)} of sessions have no zone of their own`}); people are mostly asleep then.`,
    own
      ? 'Local times were probably stored as UTC (an ISO time without offset read as UTC): import again with --input-tz ZONE (the zone the source wrote its times in).'
      : `Check with --tz set to your audience's zone; if the peak stays at night, import again with --input-tz ZONE.`,
  );
}

function importFindings(m: Measured): (Finding | undefined)[] {
  const i = m.imports;
  if (i.rows === 0) return [];
  return [
    i.duplicates > 0
      ? finding(
          'duplicates',
          i.duplicate_rate >= DUPLICATE_WARNING ? 'warning' : 'info',
          `${pct(i.duplicate_rate)} of imported rows were duplicates`,
          `${int(i.duplicates)} of ${int(i.rows)} rows in ${int(i.imports)} imports repeated an event_id already seen, and were dropped.`,
          'Harmless for the sessions, but a sender or an export that repeats itself: check retries and overlapping export windows.',
        )
      : undefined,
    i.rejected > 0
      ? finding(
          'rejects',
          i.reject_rate >= REJECT_ERROR ? 'error' : i.reject_rate >= REJECT_WARNING ? 'warning' : 'info',
          `${pct(i.reject_rate)} of imported rows were rejected`,
          `${int(i.rejected)} of ${int(i.rows)} rows in ${int(i.imports)} imports could not become events: a line not in the file's format, no parseable timestamp, or no identity.`,
          'See why, row by row: import again with --rejects rejects.csv (or read the store’s rejects table); --map and --input-tz fix most.',
        )
      : undefined,
  ];
}

function missingFindings(m: Measured): Finding[] {
  const f = m.fields;
  if (f.events === 0) return [];
  return f.missing
    .filter((x) => x.share > MISSING_SHARE && x.field !== 'referrer')
    .map((x) =>
      finding(
        `missing_${x.field}` as FindingCode,
        x.field === 'url' || x.field === 'user_agent' ? 'warning' : 'info',
        `${x.field} is missing on ${pct(x.share)} of events`,
        `${int(x.missing)} of ${int(f.events)} events have no ${x.field}: ${x.cost}.`,
        x.field === 'timezone'
          ? 'Send the visitor’s zone (the tracker does), or map a column with --map timezone=COL.'
          : `Send it, or map the column that holds it: stint import --map ${x.field}=COLUMN.`,
      ),
    );
}
