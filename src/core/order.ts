/**
 * The walk order of the batch driver: by identity, then time, ties in input order. A stable
 * counting sort on the identity code, then a stable sort by time inside each identity, which
 * is usually already in order (input files are mostly time-sorted) and costs one pass.
 *
 *   orderEvents(identity=[2,1,2], ts=[5,9,1], 3) → order [1, 2, 0], groupStart [0,0,1,3]
 */

export interface EventOrder {
  /** Event indices in walk order. */
  readonly order: Int32Array;
  /** Events of identity code c are order[groupStart[c] .. groupStart[c+1]). */
  readonly groupStart: Int32Array;
}

export function orderEvents(identity: Int32Array, tsMs: Float64Array, identityCount: number): EventOrder {
  const n = identity.length;
  const groupStart = new Int32Array(identityCount + 1);
  for (let i = 0; i < n; i++) groupStart[identity[i]! + 1]!++;
  for (let c = 0; c < identityCount; c++) groupStart[c + 1]! += groupStart[c]!;
  const next = groupStart.slice(0, identityCount);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[next[identity[i]!]!++] = i;
  for (let c = 0; c < identityCount; c++) sortGroupByTime(order, tsMs, groupStart[c]!, groupStart[c + 1]!);
  return { order, groupStart };
}

const INSERTION_LIMIT = 32;

function sortGroupByTime(order: Int32Array, tsMs: Float64Array, from: number, to: number): void {
  let sorted = true;
  for (let k = from + 1; k < to; k++) {
    if (tsMs[order[k]!]! < tsMs[order[k - 1]!]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (to - from <= INSERTION_LIMIT) {
    for (let k = from + 1; k < to; k++) {
      const idx = order[k]!;
      const t = tsMs[idx]!;
      let j = k - 1;
      // Indices inside a group rise with input order, so comparing times alone keeps ties stable.
      while (j >= from && tsMs[order[j]!]! > t) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = idx;
    }
    return;
  }
  const slice = Array.from(order.subarray(from, to));
  slice.sort((a, b) => tsMs[a]! - tsMs[b]! || a - b);
  order.set(slice, from);
}
