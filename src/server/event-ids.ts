/**
 * The event_ids a site has logged or stored, to tell a retry from a new event without a query
 * per commit and without a string per stored event.
 *
 * Every id is entered by its 64-bit hash. For a stored id that is all there is, so a match is
 * only a suspect, which the store confirms (`storedEventIds`). An id logged but not yet stored
 * is also kept as it is, in the order of its claim, so a retry of it is known for sure. Two ids
 * with one hash (about one pair in 10^19) are not confused: the second is kept aside, exactly,
 * and the first one's slot is marked as shared, so that once either is stored a claim of that
 * hash is a suspect again. The answers hold for any order of calls, not only the writer's.
 *
 *   const ids = new EventIdIndex();
 *   ids.claim('e1') === 'new';       // logged from now on
 *   ids.claim('e1') === 'logged';    // a retry
 *   ids.stored(['e1']);
 *   ids.claim('e1') === 'suspect';   // ask the store
 */
import { fmix, identityLanesInto } from '../core/session-id.ts';
import { Hash64Map } from '../io/hash64-map.ts';

/** Values in the hash map: stored, released, or a claim's sequence number (from FIRST on). */
const STORED = 0;
const RELEASED = 1;
const FIRST = 2;
/** Sequence numbers wrap here; far more than can ever wait in the log. */
const WRAP = 2 ** 31;

export type Claim = 'new' | 'logged' | 'suspect';

export class EventIdIndex {
  readonly #hashes = new Hash64Map(1024);
  readonly #mask: number;
  /** Logged ids in the order of their claims, from sequence number `#head` on; undefined once stored or released. */
  #pending: (string | undefined)[] = [];
  #head = 0;
  /** How many claims at the front of `#pending` are over (stored or released) and not yet dropped. */
  #over = 0;
  /** Logged ids whose hash slot another id holds. */
  readonly #aside = new Set<string>();
  /** Slot values (claims) under which an id went aside: that id may be stored while the claim waits. */
  readonly #shared = new Set<number>();

  /** `hashBits` below 32 makes hashes collide often (tests). */
  constructor(options: { hashBits?: number } = {}) {
    const bits = options.hashBits ?? 32;
    this.#mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  }

  /** Enters an id stored before this index was made (the server enters them by `addStoredHashes`). */
  addStored(id: string): void {
    this.addStoredHashes(eventIdHashes([id]));
  }

  /** Enters stored ids by their `eventIdHashes`. */
  addStoredHashes(pairs: Uint32Array): void {
    for (let i = 0; i < pairs.length; i += 2) {
      this.#hashes.setIfAbsent((pairs[i]! & this.#mask) >>> 0, (pairs[i + 1]! & this.#mask) >>> 0, STORED);
    }
  }

  /**
   * 'new': the id was not seen and is now entered as logged. 'logged': it is logged already (a
   * retry). 'suspect': its hash is a stored id's; nothing was entered (see `claimUnstored`).
   */
  claim(id: string): Claim {
    if (this.#aside.size > 0 && this.#aside.has(id)) return 'logged';
    hash(id, this.#mask);
    const value = this.#hashes.get(lo, hi);
    if (value === -1 || value === RELEASED) {
      this.#hashes.set(lo, hi, this.#enter(id));
      return 'new';
    }
    if (value === STORED) return 'suspect';
    if (this.#pending[this.#index(value)] === id) return 'logged';
    // Another id holds the slot. One that went aside under it before may be stored by now.
    if (this.#shared.has(value)) return 'suspect';
    this.#shared.add(value);
    this.#aside.add(id);
    return 'new';
  }

  /** Enters a suspect the store does not hold as logged; false when it is logged already. */
  claimUnstored(id: string): boolean {
    if (this.#aside.has(id)) return false;
    this.#aside.add(id);
    return true;
  }

  /** Takes back claims whose events did not reach the log after all ('' is no id and skipped). */
  release(ids: Iterable<string>): void {
    for (const id of ids) this.#forget(id, RELEASED);
    this.#trim();
  }

  /** The events of these ids are stored now ('' is no id and skipped). */
  stored(ids: Iterable<string>): void {
    for (const id of ids) this.#forget(id, STORED);
    this.#trim();
  }

  /** Drops the claims at the front that are over (stored or released). */
  #trim(): void {
    const pending = this.#pending;
    while (this.#over < pending.length && pending[this.#over] === undefined) this.#over++;
    // Dropped in bulk once they are half of what is kept: each claim is copied once at most, so a
    // backlog of a million logged ids costs no more per stored batch than a small one.
    const all = this.#over === pending.length;
    if (all || (this.#over > 4096 && this.#over * 2 >= pending.length)) {
      this.#pending = all ? [] : pending.slice(this.#over);
      this.#head = (this.#head + this.#over) % WRAP;
      this.#over = 0;
    }
  }

  /** Ids logged and not stored (for tests). */
  get logged(): number {
    return this.#pending.filter((id) => id !== undefined).length + this.#aside.size;
  }

  /** Claims kept in order, including those over but not yet dropped (for tests). */
  get kept(): number {
    return this.#pending.length;
  }

  #forget(id: string, mark: number): void {
    if (id === '' || this.#aside.delete(id)) return;
    hash(id, this.#mask);
    const value = this.#hashes.get(lo, hi);
    if (value < FIRST) {
      if (mark === STORED && value === RELEASED) this.#hashes.set(lo, hi, STORED);
      return;
    }
    const at = this.#index(value);
    if (this.#pending[at] !== id) return;
    this.#pending[at] = undefined;
    // An id that went aside under this claim may be stored: the slot must send it to the store.
    this.#hashes.set(lo, hi, this.#shared.delete(value) ? STORED : mark);
  }

  #enter(id: string): number {
    const seq = (this.#head + this.#pending.length) % WRAP;
    this.#pending.push(id);
    return seq + FIRST;
  }

  #index(value: number): number {
    return (value - FIRST - this.#head + WRAP) % WRAP;
  }
}

const lanes = new Uint32Array(4);
let lo = 0;
let hi = 0;

/**
 * The ids' 64-bit hashes as (lo, hi) pairs, for `addStoredHashes`: computed where the ids are
 * read (the store's thread), so that only 8 bytes an id cross to the index's.
 */
export function eventIdHashes(ids: readonly string[]): Uint32Array {
  const pairs = new Uint32Array(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    hash(ids[i]!, 0xffffffff);
    pairs[2 * i] = lo;
    pairs[2 * i + 1] = hi;
  }
  return pairs;
}

/** An event_id's 64-bit hash into `lo` and `hi`, two well-mixed halves (the low one picks the slot). */
function hash(id: string, mask: number): void {
  identityLanesInto(id, lanes);
  lo = (fmix(lanes[0]! ^ lanes[2]!) & mask) >>> 0;
  hi = (fmix(lanes[1]! ^ lanes[3]!) & mask) >>> 0;
}
