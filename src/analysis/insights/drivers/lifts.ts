/**
 * What converts, from counts alone (no store): each trait value's conversion rate against all
 * other sessions (and, for the ordered traits, each threshold split against the sessions under
 * it), as a lift with its 95 % Katz interval, Holm-adjusted across every comparison tested.
 *
 *   liftsOf([{ trait: 'length', values: [{ value: '0-10s', sessions: 500, conversions: 50 }, …] }], 30)
 *   // { ranked: [{ label: 'over 10 minutes', lift: 3, low: 2.2, high: 4.0, p_adjusted: 1e-12, … }], apart: […] }
 */
import { type Count, holm, rateRatio } from '../stats/tests.ts';
import { comparisonWords, type TraitName } from './words.ts';

export interface TraitCounts {
  readonly trait: TraitName;
  /** The trait's values; an ordered trait's (length, depth) in their order, shortest first. */
  readonly values: readonly {
    readonly value: string;
    readonly sessions: number;
    readonly conversions: number;
  }[];
}

/** A value of a trait ("mobile") or a threshold split ("over 10 minutes"), tested against the rest. */
export interface Driver {
  readonly trait: TraitName;
  /** `value`: this value against all other sessions; `over`: this threshold and above against below it. */
  readonly kind: 'value' | 'over';
  /** The value as stored ("10-30m", "mobile"), or the first bucket of a split ("10-30m"). */
  readonly value: string;
  /** In words: "10 to 30 minutes", "over 10 minutes". */
  readonly label: string;
  readonly sessions: number;
  readonly conversions: number;
  readonly rate: number;
  /** What it is compared with: all other sessions, or (a split) the ones below the threshold. */
  readonly others_sessions: number;
  readonly others_conversions: number;
  readonly others_rate: number;
  /** rate / others_rate, with its 95 % interval. */
  readonly lift: number;
  readonly low: number;
  readonly high: number;
  /** The pooled two-proportion z-test's p, and Holm's across every comparison tested. */
  readonly p: number;
  readonly p_adjusted: number;
  /** p_adjusted < 0.05. */
  readonly significant: boolean;
  readonly sentence: string;
}

/** A value (or split) not ranked, and why. */
export interface Apart
  extends Pick<Driver, 'trait' | 'kind' | 'value' | 'label' | 'sessions' | 'conversions'> {
  /** `few_sessions`: under min_sessions on a side; `no_interval`: no conversion on a side, so no finite lift. */
  readonly reason: 'few_sessions' | 'no_interval';
}

export interface Lifts {
  readonly ranked: Driver[];
  readonly apart: Apart[];
}

export const SIGNIFICANCE = 0.05;

interface Tested {
  readonly trait: TraitName;
  readonly kind: 'value' | 'over';
  readonly value: string;
  readonly label: string;
  readonly sentence: (lift: number, low: number, high: number) => string;
  readonly self: Count;
  readonly others: Count;
}

/**
 * Ranks by strength: the Holm-adjusted p first (smallest first), then the size of the effect
 * either way (|log lift|, largest first), then the sessions (most first), then the label.
 */
export function liftsOf(traits: readonly TraitCounts[], minSessions: number): Lifts {
  const candidates: Tested[] = [];
  for (const t of traits) candidates.push(...comparisonsOf(t));
  const apart: Apart[] = [];
  const tested: { c: Tested; r: { estimate: number; low: number; high: number; p: number } }[] = [];
  for (const c of candidates) {
    const few = c.self.n < minSessions || c.others.n < minSessions;
    const r = few ? null : rateRatio(c.others, c.self);
    const hasInterval = r !== null && r.p !== null;
    if (few || !hasInterval) {
      apart.push({
        trait: c.trait,
        kind: c.kind,
        value: c.value,
        label: c.label,
        sessions: c.self.n,
        conversions: c.self.x,
        reason: few ? 'few_sessions' : 'no_interval',
      });
      continue;
    }
    tested.push({ c, r: { estimate: r.estimate, low: r.low, high: r.high, p: r.p as number } });
  }
  const adjusted = holm(tested.map((t) => t.r.p));
  const ranked = tested.map(({ c, r }, i): Driver => {
    const pAdjusted = adjusted[i] as number;
    return {
      trait: c.trait,
      kind: c.kind,
      value: c.value,
      label: c.label,
      sessions: c.self.n,
      conversions: c.self.x,
      rate: c.self.x / c.self.n,
      others_sessions: c.others.n,
      others_conversions: c.others.x,
      others_rate: c.others.x / c.others.n,
      lift: r.estimate,
      low: r.low,
      high: r.high,
      p: r.p,
      p_adjusted: pAdjusted,
      significant: pAdjusted < SIGNIFICANCE,
      sentence: c.sentence(r.estimate, r.low, r.high),
    };
  });
  ranked.sort(
    (a, b) =>
      a.p_adjusted - b.p_adjusted ||
      Math.abs(Math.log(b.lift)) - Math.abs(Math.log(a.lift)) ||
      b.sessions - a.sessions ||
      (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
  apart.sort((a, b) => b.sessions - a.sessions || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { ranked, apart };
}

/** A trait's comparisons: each value against the rest, and (ordered traits) each split. */
function comparisonsOf(t: TraitCounts): Tested[] {
  const total = sum(t.values);
  const out: Tested[] = [];
  const ordered = t.trait === 'length' || t.trait === 'depth';
  t.values.forEach((v, i) => {
    // An ordered trait's first and last values against the rest are its first and last splits
    // (one the other way round): those are told as splits only.
    if (ordered && t.values.length > 1 && (i === 0 || i === t.values.length - 1)) return;
    const words = comparisonWords(t.trait, 'value', v.value);
    out.push({
      trait: t.trait,
      kind: 'value',
      value: v.value,
      label: words.label,
      sentence: words.sentence,
      self: { n: v.sessions, x: v.conversions },
      others: { n: total.n - v.sessions, x: total.x - v.conversions },
    });
  });
  if (ordered) {
    for (let i = 1; i < t.values.length; i++) {
      const upper = sum(t.values.slice(i));
      const lower = sum(t.values.slice(0, i));
      const words = comparisonWords(t.trait, 'over', t.values[i]!.value);
      out.push({
        trait: t.trait,
        kind: 'over',
        value: t.values[i]!.value,
        label: words.label,
        sentence: words.sentence,
        self: upper,
        others: lower,
      });
    }
  }
  return out;
}

function sum(values: TraitCounts['values']): Count {
  return values.reduce((acc, v) => ({ n: acc.n + v.sessions, x: acc.x + v.conversions }), { n: 0, x: 0 });
}
