/**
 * Deterministic session ids: the same identity and start give the same id on every run and
 * store, so re-sessionizing is an idempotent upsert. 128 bits from four 32-bit multiply-rotate
 * lanes over the identity's UTF-16 code units, then the start time and an ordinal (for the rare
 * second session of an identity that starts in the same millisecond, e.g. after an end event).
 *
 *   sessionId('u1', 1700000000000) === sessionId('u1', 1700000000000)   // 32 hex digits
 */

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** Hash lanes of an identity; compute once per identity and reuse for its sessions. */
export function identityLanes(identity: string): Uint32Array {
  return identityLanesInto(identity, new Uint32Array(4));
}

/** `identityLanes` into `out` (no allocation, for hot loops). */
export function identityLanesInto(identity: string, out: Uint32Array): Uint32Array {
  let h1 = 0x9747b28c ^ identity.length;
  let h2 = 0x85ebca6b;
  let h3 = 0xc2b2ae35;
  let h4 = 0x27d4eb2f;
  for (let i = 0; i < identity.length; i++) {
    const k = identity.charCodeAt(i);
    h1 = Math.imul(rotl(h1 ^ Math.imul(k, C1), 13), C2) + h4;
    h2 = Math.imul(rotl(h2 ^ Math.imul(k, C2), 15), C3) + h1;
    h3 = Math.imul(rotl(h3 ^ Math.imul(k, C3), 17), C4) + h2;
    h4 = Math.imul(rotl(h4 ^ Math.imul(k, C4), 19), C1) + h3;
  }
  out[0] = h1 >>> 0;
  out[1] = h2 >>> 0;
  out[2] = h3 >>> 0;
  out[3] = h4 >>> 0;
  return out;
}

/** The id's four 32-bit words into out[at..at+4), most significant first (the hex id's order). */
export function sessionIdWords(
  lanes: Uint32Array,
  startMs: number,
  ordinal: number,
  out: Uint32Array,
  at = 0,
): void {
  const lo = startMs >>> 0;
  const hi = Math.floor(startMs / 4294967296) | 0;
  let h1 = lanes[0]! ^ lo;
  let h2 = lanes[1]! ^ hi;
  let h3 = lanes[2]! ^ ordinal;
  let h4 = lanes[3]! ^ Math.imul(lo, C3);
  for (let round = 0; round < 2; round++) {
    h1 = fmix(h1 + h2 + h3 + h4);
    h2 = fmix(h2 ^ h1);
    h3 = fmix(h3 + h1);
    h4 = fmix(h4 ^ h1);
    h1 = h1 + h2 + h3 + h4;
  }
  out[at] = h1;
  out[at + 1] = h2;
  out[at + 2] = h3;
  out[at + 3] = h4;
}

const WORDS = new Uint32Array(4);

export function sessionIdFromLanes(lanes: Uint32Array, startMs: number, ordinal = 0): string {
  sessionIdWords(lanes, startMs, ordinal, WORDS);
  return hex8(WORDS[0]!) + hex8(WORDS[1]!) + hex8(WORDS[2]!) + hex8(WORDS[3]!);
}

export function sessionId(identity: string, startMs: number, ordinal = 0): string {
  return sessionIdFromLanes(identityLanes(identity), startMs, ordinal);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** Murmur3's 32-bit finalizer: every input bit moves every output bit (a signed result). */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(h: number): string {
  return (
    HEX_BYTE[(h >>> 24) & 255]! +
    HEX_BYTE[(h >>> 16) & 255]! +
    HEX_BYTE[(h >>> 8) & 255]! +
    HEX_BYTE[h & 255]!
  );
}
