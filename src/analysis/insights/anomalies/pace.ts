/**
 * A session's pace: event-rate bursts (the most events within any `burstSeconds`) and gaps
 * between pageviews too short for a person (their median, over at least `fastMinPageviews`).
 *
 *   paceReasons({ times: [0, 500, …37 events in 40 s], pageviewTimes, failures: [] }, t)
 *   // [{ code: 'burst', text: '37 events in 40 s' }, { code: 'fast_pageviews', text: … }]
 */
import { median } from '../stats/robust.ts';
import { type SessionEvents, spanText } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

/** The most of `times` (sorted) within any window of `windowMs`, and the span they take. */
export function densestWindow(times: readonly number[], windowMs: number): { count: number; spanMs: number } {
  let best = { count: 0, spanMs: 0 };
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! > windowMs) lo++;
    const count = hi - lo + 1;
    if (count > best.count) best = { count, spanMs: times[hi]! - times[lo]! };
  }
  return best;
}

/** The median gap between consecutive times (sorted); undefined with fewer than two. */
export function medianGapMs(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i]! - times[i - 1]!);
  return median(gaps);
}

export function paceReasons(e: SessionEvents, t: Thresholds): Reason[] {
  const out: Reason[] = [];
  const burst = densestWindow(e.times, t.burstSeconds * 1000);
  if (burst.count >= t.burstEvents) {
    const pageviews = densestWindow(e.pageviewTimes, t.burstSeconds * 1000);
    const what =
      pageviews.count >= t.burstEvents
        ? `${pageviews.count} pageviews in ${spanText(pageviews.spanMs)}`
        : `${burst.count} events in ${spanText(burst.spanMs)}`;
    out.push({ code: 'burst', text: what, severity: severityOf(burst.count, t.burstEvents) });
  }
  const pageviews = e.gaps?.pageviews ?? e.pageviewTimes.length;
  const gap = e.gaps?.medianGapMs ?? medianGapMs(e.pageviewTimes);
  const fast = fastReason(pageviews, gap, t);
  if (fast !== undefined) out.push(fast);
  return out;
}

/** Too fast for a person: `pageviews` (at least `fastMinPageviews`) a median `gapMs` apart. */
export function fastReason(pageviews: number, gapMs: number | undefined, t: Thresholds): Reason | undefined {
  if (pageviews < t.fastMinPageviews || gapMs === undefined || !(gapMs < t.fastIntervalS * 1000))
    return undefined;
  return {
    code: 'fast_pageviews',
    text: `${pageviews} pageviews ${(gapMs / 1000).toFixed(1)} s apart (median)`,
    severity: severityOf(t.fastIntervalS * 1000, Math.max(gapMs, 1)),
  };
}
