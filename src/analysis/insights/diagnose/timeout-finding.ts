/**
 * The timeout finding: the suggestion of the gap histogram's valley against the timeout in
 * force, worth acting on only when far from it and when it changes the sessions.
 *
 *   timeoutFinding({ timeout: { current_ms: 120_000, suggested_ms: 5_400_000, … }, … })
 *   // { code: 'timeout_too_short', severity: 'warning', fix: 'stint resessionize --timeout 1h30m …' }
 */
import type { DiagnoseResult, Finding } from './result.ts';
import { dur, finding, int, roughDuration } from './words.ts';

/** A suggestion this many times longer or shorter than the timeout in force is worth acting on. */
export const TIMEOUT_FACTOR = 2;
/** … and only when it changes the number of sessions by this share at least. */
export const MATERIAL_CHANGE = 0.01;
/** Fewer gaps than this suggest nothing. */
export const MIN_GAPS = 100;

export function timeoutFinding(
  m: Pick<Omit<DiagnoseResult, 'findings'>, 'timeout' | 'gaps' | 'sensitivity'>,
): Finding | undefined {
  const { current_ms: current, suggested_ms: suggested } = m.timeout;
  const total = m.gaps.within + m.gaps.between;
  if (total === 0) return undefined;
  if (suggested === null || total < MIN_GAPS) {
    const [q, h] = [15, 60].map((min) => m.sensitivity.find((p) => p.timeout_ms === min * 60_000)?.sessions);
    const spread =
      q === undefined || h === undefined || q === 0
        ? ''
        : ` Sessions with a 15m timeout: ${int(q)}; with 1h: ${int(h)} (${(((h - q) / q) * 100).toFixed(1)} %).`;
    return finding(
      'timeout_no_valley',
      'info',
      'The gaps between events show no clear timeout',
      total < MIN_GAPS
        ? `Only ${int(total)} gaps between consecutive events of an identity (at least ${MIN_GAPS} are needed).`
        : `The log-scale histogram of ${int(total)} gaps has no valley at most half as high as the peaks on either side of it (with at least 1 % of the gaps on each side): the pauses within visits and those between them blur together, or the data spans too little time for visitors to come back.${spread}`,
      current === null
        ? 'Keep the default timeout (30m).'
        : `Keep the timeout in force (${dur(current)}) unless you know your visitors' rhythm; the sensitivity curve shows what a change would do.`,
    );
  }
  const r = (s: number) => roughDuration(s * 1000);
  const valley = `valley of the gap histogram lies at ${r(m.timeout.valley_from_s!)}–${r(m.timeout.valley_to_s!)}, centre ${r(m.timeout.valley_s!)} (between peaks at ${r(m.timeout.peaks_s![0])} and ${r(m.timeout.peaks_s![1])})`;
  if (current === null) {
    return finding(
      'timeout_fits',
      'info',
      `The gaps suggest a timeout of ${dur(suggested)}`,
      `The ${valley}.`,
      '',
    );
  }
  const at = (t: number) => m.sensitivity.find((s) => s.timeout_ms === t)?.sessions;
  const [now, then] = [at(current), at(suggested)];
  const counts =
    now === undefined || then === undefined
      ? ''
      : now === then
        ? ` Both give the same ${int(now)} sessions.`
        : ` With ${dur(suggested)} there would be ${int(then)} sessions instead of ${int(now)}.`;
  const ratio = suggested / current;
  const from = m.timeout.valley_from_s! * 1000;
  const to = m.timeout.valley_to_s! * 1000;
  // No gap lies between the two timeouts when both give the same sessions: nothing to change.
  const inValley = (current >= from && current <= to) || (now !== undefined && now === then);
  const material =
    now === undefined || then === undefined || now === 0 || Math.abs(then - now) / now >= MATERIAL_CHANGE;
  if (!inValley && material && (ratio > TIMEOUT_FACTOR || ratio < 1 / TIMEOUT_FACTOR)) {
    const short = ratio > 1;
    return finding(
      short ? 'timeout_too_short' : 'timeout_too_long',
      'warning',
      short
        ? `The timeout in force (${dur(current)}) splits visits: the gaps suggest ${dur(suggested)}`
        : `The timeout in force (${dur(current)}) merges visits: the gaps suggest ${dur(suggested)}`,
      `The ${valley}: ${short ? 'well above' : 'well below'} the timeout of ${dur(current)}.${counts}`,
      `stint resessionize --timeout ${dur(suggested)} (with --db of this store)`,
    );
  }
  return finding(
    'timeout_fits',
    'info',
    `The timeout in force (${dur(current)}) fits the gaps`,
    `The ${valley}; suggested: ${dur(suggested)}. ${inValley ? 'No gap lies between that and the timeout in force' : material ? `The timeout in force is within a factor ${TIMEOUT_FACTOR} of it` : `Changing to it would change the sessions by less than ${MATERIAL_CHANGE * 100} %`}.${counts}`,
    '',
  );
}
