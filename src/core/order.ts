/**
 * The walk order of the batch driver. Only each identity's own order matters (by time, ties in
 * input order), so the walk keeps the input order, which files mostly have per identity
 * already (time-sorted logs, exports grouped by user or session), and only moves the "late"
 * events: those earlier than an event their identity had before them in the input. Each late
 * event goes right before the first of its identity's in-order events that should follow it.
 * One pass to find them, a sort of the late ones only, one pass to merge.
 *
 *   identity [A, A, B, A], ts [5, 9, 1, 7] → order [0, 3, 1, 2]   (A@7 is late: it goes before A@9)
 */

export function walkOrder(identity: Int32Array, tsMs: Float64Array, identityCount: number): Int32Array {
  const n = identity.length;
  const maxSoFar = new Float64Array(identityCount).fill(Number.NEGATIVE_INFINITY);
  const late: number[] = [];
  for (let i = 0; i < n; i++) {
    const who = identity[i]!;
    const t = tsMs[i]!;
    if (t >= maxSoFar[who]!) maxSoFar[who] = t;
    else late.push(i);
  }
  const order = new Int32Array(n);
  if (late.length === 0) {
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }
  late.sort((a, b) => identity[a]! - identity[b]! || tsMs[a]! - tsMs[b]! || a - b);
  // next[who] .. end[who]: the identity's late events still to place, in walk order.
  const next = new Int32Array(identityCount).fill(-1);
  const end = new Int32Array(identityCount);
  for (let k = late.length - 1; k >= 0; k--) {
    const who = identity[late[k]!]!;
    if (next[who] === -1) end[who] = k + 1;
    next[who] = k;
  }
  const isLate = new Uint8Array(n);
  for (const i of late) isLate[i] = 1;
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (isLate[i] === 1) continue;
    const who = identity[i]!;
    const t = tsMs[i]!;
    let k = next[who]!;
    if (k !== -1) {
      const stop = end[who]!;
      for (; k < stop; k++) {
        const e = late[k]!;
        if (tsMs[e]! > t || (tsMs[e] === t && e > i)) break;
        order[o++] = e;
      }
      next[who] = k === stop ? -1 : k;
    }
    order[o++] = i;
  }
  // Never reached: a late event is earlier than the in-order event that set its identity's
  // maximum, so it was placed before it. Kept so that no event can ever be left out.
  for (let who = 0; who < identityCount; who++) {
    if (next[who] === -1) continue;
    for (let k = next[who]!; k < end[who]!; k++) order[o++] = late[k]!;
  }
  return order;
}
