/**
 * 64-bit hash → int32 ≥ 0, on one typed array: what the Parquet fast path uses to turn DuckDB's
 * per-row `hash(...)` values into dictionary codes without a string per row, and the server's
 * index of event ids. Keys are given as their two 32-bit halves and are assumed well mixed (the
 * low half picks the slot).
 *
 * The table grows a little at a time: when it is full enough, a table twice the size takes new
 * keys, and each insert moves a few of the old table's slots into it. So no insert waits while
 * millions of keys move (at 2M keys that took 0.3 s, all on the collector's thread).
 *
 *   const m = new Hash64Map(); m.setIfAbsent(lo, hi, 7) === -1; m.get(lo, hi) === 7; m.get(1, 2) === -1
 */

const MAX_LOAD = 0.6;
/** Old slots moved per insert while growing: all are moved long before the new table is full. */
const MOVE_PER_INSERT = 16;

export class Hash64Map {
  #mask: number;
  /** Slot s holds [lo, hi, value + 1] at 3s; value + 1 = 0 marks an empty slot. */
  #slots: Uint32Array;
  /** Distinct keys, in both tables while growing. */
  #size = 0;
  /**
   * While growing, the previous table. Its slots before `#moved` are in the new one too; a key
   * found in it at all, when the new table has not got it, is at a slot not moved yet. Nothing
   * is taken out of it (that would break its probe sequences), so a value it holds for a key the
   * new table has too may be out of date: the new table is always asked first.
   */
  #old: Uint32Array | undefined;
  #oldMask = 0;
  #moved = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.#mask = capacity - 1;
    this.#slots = new Uint32Array(capacity * 3);
  }

  /** The value stored for the key, or -1. */
  get(lo: number, hi: number): number {
    const v = find(this.#slots, this.#mask, lo, hi);
    return v !== -1 || this.#old === undefined ? v : find(this.#old, this.#oldMask, lo, hi);
  }

  /** Stores value (≥ 0) for the key unless it is there; returns the value already stored, or -1. */
  setIfAbsent(lo: number, hi: number, value: number): number {
    return this.#put(lo, hi, value, false);
  }

  /** Stores value (≥ 0) for the key; returns the value it replaced, or -1. */
  set(lo: number, hi: number, value: number): number {
    return this.#put(lo, hi, value, true);
  }

  #put(lo: number, hi: number, value: number, replace: boolean): number {
    if (this.#old === undefined && this.#size >= (this.#mask + 1) * MAX_LOAD) this.#startGrowing();
    if (this.#old !== undefined) this.#move(MOVE_PER_INSERT);
    const mask = this.#mask;
    const slots = this.#slots;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const at = 3 * slot;
      const v = slots[at + 2]!;
      if (v === 0) {
        // Not in the new table; perhaps in the old one, at a slot not moved yet. A new value goes
        // into the new table, where it is found first (the old copy is skipped when moved).
        const before = this.#old === undefined ? -1 : find(this.#old, this.#oldMask, lo, hi);
        if (before !== -1 && !replace) return before;
        slots[at] = lo;
        slots[at + 1] = hi;
        slots[at + 2] = value + 1;
        if (before === -1) this.#size++;
        return before;
      }
      if (slots[at] === lo && slots[at + 1] === hi) {
        if (replace) slots[at + 2] = value + 1;
        return v - 1;
      }
    }
  }

  #startGrowing(): void {
    this.#old = this.#slots;
    this.#oldMask = this.#mask;
    this.#moved = 0;
    this.#mask = (this.#mask + 1) * 2 - 1;
    this.#slots = new Uint32Array((this.#mask + 1) * 3);
  }

  /** Moves up to `count` more of the old table's slots into the new one. */
  #move(count: number): void {
    const old = this.#old!;
    const end = Math.min(this.#oldMask + 1, this.#moved + count);
    const mask = this.#mask;
    const slots = this.#slots;
    for (let s = this.#moved; s < end; s++) {
      const from = 3 * s;
      const stored = old[from + 2]!;
      if (stored === 0) continue;
      const lo = old[from]!;
      const hi = old[from + 1]!;
      for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
        const at = 3 * slot;
        if (slots[at + 2] === 0) {
          slots[at] = lo;
          slots[at + 1] = hi;
          slots[at + 2] = stored;
          break;
        }
        if (slots[at] === lo && slots[at + 1] === hi) break; // set again since: that value is newer
      }
    }
    this.#moved = end;
    if (end > this.#oldMask) this.#old = undefined;
  }
}

/** The value for the key in one table, or -1. */
function find(slots: Uint32Array, mask: number, lo: number, hi: number): number {
  for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
    const at = 3 * slot;
    const v = slots[at + 2]!;
    if (v === 0 || (slots[at] === lo && slots[at + 1] === hi)) return v - 1;
  }
}

/**
 * The positions whose key repeats an earlier one's, ascending, each with the position of that
 * key's first occurrence. Keys are 64-bit hashes as halves; (0, 0) means "no key" and never
 * repeats. Keys are first split by their top bits into buckets of some thousands, stably, so
 * each bucket's table stays in cache.
 *
 *   repeatedKeys(lo=[5,7,5,0,0,7], hi=[1,1,1,0,0,1], 6) → { repeats: [2, 5], firsts: [0, 1] }
 */
export function repeatedKeys(
  lo: Uint32Array,
  hi: Uint32Array,
  n: number,
): { repeats: number[]; firsts: number[] } {
  if (lo.length < n || hi.length < n) throw new RangeError('repeatedKeys: fewer keys than positions');
  const found: [number, number][] = [];
  let bits = 0;
  while (bits < 16 && n >> bits > BUCKET_TARGET) bits++;
  const buckets = 1 << bits;
  const shift = 32 - bits;
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++)
    if (lo[i] !== 0 || hi[i] !== 0) start[(bits === 0 ? 0 : hi[i]! >>> shift) + 1]!++;
  for (let b = 0; b < buckets; b++) start[b + 1]! += start[b]!;
  // The keys themselves are moved into bucket order, so each bucket is then read in sequence.
  const total = start[buckets]!;
  const order = new Int32Array(total);
  const keyLo = new Uint32Array(total);
  const keyHi = new Uint32Array(total);
  const next = start.slice(0, buckets);
  for (let i = 0; i < n; i++) {
    const l = lo[i]!;
    const h = hi[i]!;
    if (l === 0 && h === 0) continue;
    const k = next[bits === 0 ? 0 : h >>> shift]!++;
    order[k] = i;
    keyLo[k] = l;
    keyHi[k] = h;
  }
  // Per bucket, an open-addressing table of [lo, hi, position + 1] sized to the bucket.
  let table = new Uint32Array(0);
  for (let b = 0; b < buckets; b++) {
    const from = start[b]!;
    const to = start[b + 1]!;
    let capacity = 16;
    while (capacity < 2 * (to - from)) capacity *= 2;
    if (table.length < capacity * 3) table = new Uint32Array(capacity * 3);
    else table.fill(0, 0, capacity * 3);
    const mask = capacity - 1;
    for (let k = from; k < to; k++) {
      const kLo = keyLo[k]!;
      const kHi = keyHi[k]!;
      for (let slot = kLo & mask; ; slot = (slot + 1) & mask) {
        const at = 3 * slot;
        const seen = table[at + 2]!;
        if (seen === 0) {
          table[at] = kLo;
          table[at + 1] = kHi;
          table[at + 2] = order[k]! + 1;
          break;
        }
        if (table[at] === kLo && table[at + 1] === kHi) {
          found.push([order[k]!, seen - 1]);
          break;
        }
      }
    }
  }
  found.sort((a, b) => a[0] - b[0]);
  return { repeats: found.map(([r]) => r), firsts: found.map(([, f]) => f) };
}

const BUCKET_TARGET = 32768;
