/**
 * The timeout a gap histogram suggests: the valley between the within-session mode (seconds to
 * minutes between one visitor's clicks) and the between-session mode (hours to days between visits).
 *
 *   suggestTimeout(binsOf(gaps)) // { valley_s: 1585, suggested_ms: 1_800_000, peaks_s: [32, 79_433] }
 *
 * Method: the counts of the log-scale bins (BINS_PER_DECADE a decade) are smoothed with the
 * kernel [1, 2, 1] / 4. Each bin splits the gaps into shorter and longer ones; among the splits
 * with at least MIN_SIDE_SHARE of the gaps on each side, the valley is the bin lowest relative to
 * the lower of the two sides' peaks (each side's highest smoothed bin), and it must be at most
 * VALLEY_DEPTH of it; between equally deep ones (empty bins, often) the widest run of equal
 * bins wins. That run is the valley's extent; its geometric
 * centre is `valley_s`, and the nearest NICE_TIMEOUTS_MS (on a log scale) is the suggestion.
 * With no such valley there is no suggestion.
 */

/** Log-scale bins: bin i holds gaps from 10^(i/5) s up to 10^((i+1)/5) s; bin -1 all under 1 s. */
export const BINS_PER_DECADE = 5;
/** The last bin: gaps of 10^7 s (116 days) and longer go in it. */
export const LAST_BIN = 7 * BINS_PER_DECADE;
/** A second peak counts only with a valley this deep between (the valley's share of the lower peak). */
export const VALLEY_DEPTH = 0.5;
/** Each side of the valley holds at least this share of the gaps. */
export const MIN_SIDE_SHARE = 0.01;

const MINUTE = 60_000;
/** The timeouts a suggestion is rounded to: what people set. */
export const NICE_TIMEOUTS_MS: readonly number[] = [
  1, 2, 3, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1440,
].map((m) => m * MINUTE);

/** A bin of the gap histogram: its bounds in seconds and how many gaps fell in it. */
export interface GapBin {
  readonly bin: number;
  /** Lower bound in seconds (0 for the bin under 1 s). */
  readonly from_s: number;
  /** Upper bound in seconds (null for the last, open bin). */
  readonly to_s: number | null;
  readonly gaps: number;
}

export interface Suggestion {
  /** The geometric centre of the valley's bin(s), in seconds. */
  readonly valley_s: number;
  /** valley_s rounded to the nearest of NICE_TIMEOUTS_MS. */
  readonly suggested_ms: number;
  /** Where the run of lowest bins begins and ends, in seconds: any timeout in it splits alike. */
  readonly valley_from_s: number;
  readonly valley_to_s: number;
  /** The two peaks' bin centres, in seconds, the shorter first. */
  readonly peaks_s: readonly [number, number];
  /** The smoothed count at the valley over that at the lower peak (0: an empty valley). */
  readonly depth: number;
}

/** The bounds of bin `bin` in seconds. */
export function binBounds(bin: number): { from_s: number; to_s: number | null } {
  if (bin < 0) return { from_s: 0, to_s: 1 };
  return {
    from_s: 10 ** (bin / BINS_PER_DECADE),
    to_s: bin >= LAST_BIN ? null : 10 ** ((bin + 1) / BINS_PER_DECADE),
  };
}

/** The geometric centre of bin `bin` (or of a run of bins, given a fractional index), in seconds. */
export function binCentreS(bin: number): number {
  return 10 ** ((bin + 0.5) / BINS_PER_DECADE);
}

/** The bin of a gap in milliseconds (the same rule the SQL applies). */
export function binOfGap(gapMs: number): number {
  if (gapMs < 1000) return -1;
  return Math.min(LAST_BIN, Math.floor(Math.log10(gapMs / 1000) * BINS_PER_DECADE));
}

/** Every bin from -1 to LAST_BIN, with the counts given (bins not given hold 0). */
export function fullBins(counts: ReadonlyMap<number, number>): GapBin[] {
  const out: GapBin[] = [];
  for (let bin = -1; bin <= LAST_BIN; bin++) out.push({ bin, ...binBounds(bin), gaps: counts.get(bin) ?? 0 });
  return out;
}

/** The nearest of NICE_TIMEOUTS_MS to `ms` on a log scale. */
export function niceTimeout(ms: number): number {
  let best = NICE_TIMEOUTS_MS[0]!;
  for (const t of NICE_TIMEOUTS_MS) if (Math.abs(Math.log(t / ms)) < Math.abs(Math.log(best / ms))) best = t;
  return best;
}

/** The kernel [1, 2, 1] / 4 over the counts (the ends repeat their value). */
export function smooth(counts: readonly number[]): number[] {
  return counts.map((c, i) => ((counts[i - 1] ?? c) + 2 * c + (counts[i + 1] ?? c)) / 4);
}

export function suggestTimeout(bins: readonly GapBin[]): Suggestion | undefined {
  const counts = bins.map((b) => b.gaps);
  const s = smooth(counts);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return undefined;
  const minSide = MIN_SIDE_SHARE * total;
  // Running totals and highest smoothed bins of each side of a split.
  const leftMass: number[] = [];
  const leftPeak: number[] = [];
  let mass = 0;
  let peak = -1;
  for (let i = 0; i < s.length; i++) {
    leftMass.push(mass);
    leftPeak.push(peak);
    mass += counts[i]!;
    if (peak < 0 || s[i]! > s[peak]!) peak = i;
  }
  const rightPeak: number[] = new Array(s.length).fill(-1);
  peak = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    rightPeak[i] = peak;
    if (peak < 0 || s[i]! >= s[peak]!) peak = i;
  }
  let best: { at: number; depth: number; width: number } | undefined;
  for (let v = 1; v < s.length - 1; v++) {
    const lo = leftPeak[v]!;
    const hi = rightPeak[v]!;
    const left = leftMass[v]!;
    const right = total - left - counts[v]!;
    if (left < minSide || right < minSide) continue;
    const lower = Math.min(s[lo]!, s[hi]!);
    if (lower <= 0 || s[v]! >= lower) continue;
    const depth = s[v]! / lower;
    const [first, last] = runAround(s, v);
    const width = last - first + 1;
    if (best === undefined || depth < best.depth || (depth === best.depth && width > best.width)) {
      best = { at: v, depth, width };
    }
  }
  if (best === undefined || best.depth > VALLEY_DEPTH) return undefined;
  const [first, last] = runAround(s, best.at);
  const offset = bins[0]!.bin;
  const valley_s = binCentreS(offset + (first + last) / 2);
  return {
    valley_s,
    suggested_ms: niceTimeout(valley_s * 1000),
    valley_from_s: binBounds(offset + first).from_s,
    valley_to_s: binBounds(offset + last).to_s ?? binBounds(offset + last).from_s,
    peaks_s: [binCentreS(offset + leftPeak[best.at]!), binCentreS(offset + rightPeak[best.at]!)],
    depth: best.depth,
  };
}

/** The run of bins around `at` whose smoothed count equals its own. */
function runAround(s: readonly number[], at: number): [number, number] {
  let first = at;
  let last = at;
  while (first > 0 && s[first - 1] === s[at]) first--;
  while (last < s.length - 1 && s[last + 1] === s[at]) last++;
  return [first, last];
}
