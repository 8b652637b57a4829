/**
 * Repeated failed actions: `failureCount` or more failure events (by name, `failureEvents`)
 * within `failureMinutes`, counted over all failure names together and told per name.
 *
 *   failureReason([{ tsMs: 0, name: 'login_failed' }, …5 within 2 min], t)
 *   // { code: 'failures', text: '5 login_failed in 2 min' }
 */
import type { SessionEvents } from './session-row.ts';
import { spanText } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

export function failureReason(failures: SessionEvents['failures'], t: Thresholds): Reason | undefined {
  if (failures.length < t.failureCount) return undefined;
  const windowMs = t.failureMinutes * 60_000;
  let best = { lo: 0, hi: -1 };
  let lo = 0;
  for (let hi = 0; hi < failures.length; hi++) {
    while (failures[hi]!.tsMs - failures[lo]!.tsMs > windowMs) lo++;
    if (hi - lo > best.hi - best.lo) best = { lo, hi };
  }
  const count = best.hi - best.lo + 1;
  if (count < t.failureCount) return undefined;
  const names = new Map<string, number>();
  for (let i = best.lo; i <= best.hi; i++)
    names.set(failures[i]!.name, (names.get(failures[i]!.name) ?? 0) + 1);
  const span = spanText(Math.max(failures[best.hi]!.tsMs - failures[best.lo]!.tsMs, 1000));
  const parts = [...names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([n, c]) => `${c} ${n}`);
  return {
    code: 'failures',
    text: `${parts.join(', ')} in ${span}`,
    severity: severityOf(count, t.failureCount),
  };
}
