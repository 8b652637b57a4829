/**
 * Who each event belongs to (SESSIONS.md section 2), as a code in `cols.ids`.
 *
 * device: the anonymous_id, else the user_id.
 * user:   an anonymous_id seen with a user_id is linked to the user_id of its earliest such
 *         event (by time, then input order); all its events, earlier ones too, go to that user.
 *
 *   d1@10 (no user), d1@20 user=u → in user mode both events belong to u.
 */
import type { EventColumns } from './columns.ts';
import type { IdentityMode } from './rules.ts';

export function resolveIdentities(cols: EventColumns, mode: IdentityMode): Int32Array {
  const n = cols.length;
  const { anonCode, userCode } = cols;
  const identity = new Int32Array(n);
  if (mode === 'device') {
    for (let i = 0; i < n; i++) identity[i] = anonCode[i]! !== 0 ? anonCode[i]! : userCode[i]!;
    return identity;
  }
  const link = linkDevices(cols);
  for (let i = 0; i < n; i++) {
    const anon = anonCode[i]!;
    if (anon === 0) identity[i] = userCode[i]!;
    else identity[i] = link[anon]! !== 0 ? link[anon]! : anon;
  }
  return identity;
}

/** link[anonCode] = userCode of the device's earliest event that carries both, or 0. */
export function linkDevices(cols: EventColumns): Int32Array {
  const link = new Int32Array(cols.ids.size);
  const linkTs = new Float64Array(cols.ids.size).fill(Number.POSITIVE_INFINITY);
  const { anonCode, userCode, tsMs } = cols;
  for (let i = 0; i < cols.length; i++) {
    const anon = anonCode[i]!;
    const user = userCode[i]!;
    // Strict < keeps the first in input order among equal times.
    if (anon !== 0 && user !== 0 && tsMs[i]! < linkTs[anon]!) {
      linkTs[anon] = tsMs[i]!;
      link[anon] = user;
    }
  }
  return link;
}
