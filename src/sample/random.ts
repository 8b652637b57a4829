/**
 * The demo's one source of chance: a seeded PRNG (mulberry32) with the draws the generator
 * needs. The same seed gives the same traffic, byte for byte; nothing here reads a clock.
 *
 *   const r = createRandom(7);
 *   r.weighted([['desktop', 3], ['mobile', 2]]); r.exp(45_000); r.chance(0.3)
 */

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [0, n). */
  int(n: number): number;
  /** A whole number in [min, max]. */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One item, with chances in proportion to the weights. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** Exponentially distributed, with this mean. */
  exp(mean: number): number;
  /** Log-normally distributed around `median` (spread: sigma of the log). */
  logNormal(median: number, sigma: number): number;
  /** `n` hex digits. */
  hex(n: number): string;
  /** An independent stream from this one's seed and a salt: draws made here never shift it. */
  fork(salt: number): Random;
}

const BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = (): number => {
    // Box–Muller; 1 - next() is never 0.
    return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  };
  const random: Random = {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (entries) => {
      // Indexed loops: destructuring in for…of costs an iterator per entry, on a hot path.
      let total = 0;
      for (let i = 0; i < entries.length; i++) total += entries[i]![1];
      let u = next() * total;
      for (let i = 0; i < entries.length; i++) {
        u -= entries[i]![1];
        if (u < 0) return entries[i]![0];
      }
      return entries[entries.length - 1]![0];
    },
    exp: (mean) => -Math.log(1 - next()) * mean,
    logNormal: (median, sigma) => median * Math.exp(sigma * gauss()),
    hex: (n) => {
      // By a table of bytes: Number#toString(16) of a draw is some 20 times slower.
      let s = '';
      while (s.length < n) {
        const x = Math.floor(next() * 4294967296);
        s += BYTES[x & 255]! + BYTES[(x >>> 8) & 255]! + BYTES[(x >>> 16) & 255]! + BYTES[x >>> 24]!;
      }
      return s.length === n ? s : s.slice(0, n);
    },
    fork: (salt) => createRandom(Math.imul((seed ^ Math.imul(salt, 0x85ebca6b)) >>> 0, 0x9e3779b1) ^ salt),
  };
  return random;
}
