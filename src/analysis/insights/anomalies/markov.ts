/**
 * Atypical navigation: a first-order Markov model of page transitions learned from all sessions
 * of the period, and each session's mean surprisal (−log2 P(next | page), bits per step) under it.
 * Smoothing backs off to the pages' popularity (a Dirichlet prior of weight PRIOR_WEIGHT on the
 * next pages' add-one frequencies): an unseen transition to a popular page is mildly surprising,
 * one to a page nobody else opens very. Each session weighs 1 in the model, shared among its
 * transitions, and its own weight is left out when it is scored: long sessions (a fleet of
 * scrapers walking the same catalogue) do not teach the model their paths.
 *
 *   P(b | a) = (c(a→b) + β·u(b)) / (c(a) + β),  u(b) = (n(b) + 1) / (N + V)
 *
 *   const model = learnTransitions(rows.map((r) => r.pages));
 *   meanSurprisal(model, ['/', '/cart']) // 1.8 (bits per step)
 */
import { robustScale, robustZ } from '../stats/robust.ts';
import type { SessionRow } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

/** β: the weight of the popularity prior, in sessions. */
export const PRIOR_WEIGHT = 10;

export interface TransitionModel {
  /** c(a→b): weight of a → b, keyed `a\nb` (each session adds 1 / its transitions per transition). */
  readonly pairs: Map<string, number>;
  /** c(a): weight of the transitions out of a. */
  readonly from: Map<string, number>;
  /** n(b): weight of the transitions into b. */
  readonly into: Map<string, number>;
  /** N: the total weight (the sessions with a transition). */
  readonly total: number;
  /** V: distinct pages. */
  readonly pages: number;
}

const key = (a: string, b: string): string => `${a}\n${b}`;
const bump = (m: Map<string, number>, k: string, w: number): void => {
  m.set(k, (m.get(k) ?? 0) + w);
};

function transitionsOf(pages: readonly string[]): TransitionModel {
  const pairs = new Map<string, number>();
  const from = new Map<string, number>();
  const into = new Map<string, number>();
  const w = 1 / Math.max(1, pages.length - 1);
  for (let i = 1; i < pages.length; i++) {
    bump(pairs, key(pages[i - 1]!, pages[i]!), w);
    bump(from, pages[i - 1]!, w);
    bump(into, pages[i]!, w);
  }
  return { pairs, from, into, total: pages.length > 1 ? 1 : 0, pages: new Set(pages).size };
}

export function learnTransitions(sessions: readonly (readonly string[])[]): TransitionModel {
  const pairs = new Map<string, number>();
  const from = new Map<string, number>();
  const into = new Map<string, number>();
  const seen = new Set<string>();
  let total = 0;
  for (const pages of sessions) {
    for (const p of pages) seen.add(p);
    if (pages.length < 2) continue;
    const own = transitionsOf(pages);
    for (const [k, w] of own.pairs) bump(pairs, k, w);
    for (const [k, w] of own.from) bump(from, k, w);
    for (const [k, w] of own.into) bump(into, k, w);
    total += 1;
  }
  return { pairs, from, into, total, pages: seen.size };
}

/**
 * The surprisal, in bits, of each transition of `pages` under `model` without the session's own
 * weight (`pages` must be one of the sessions the model was learned from).
 */
export function stepSurprisals(model: TransitionModel, pages: readonly string[]): number[] {
  if (pages.length < 2) return [];
  const own = transitionsOf(pages);
  const less = (m: Map<string, number>, mine: Map<string, number>, k: string): number =>
    Math.max(0, (m.get(k) ?? 0) - (mine.get(k) ?? 0));
  const total = Math.max(0, model.total - own.total);
  const v = Math.max(1, model.pages);
  const out: number[] = [];
  for (let i = 1; i < pages.length; i++) {
    const [a, b] = [pages[i - 1]!, pages[i]!];
    const u = (less(model.into, own.into, b) + 1) / (total + v);
    const p =
      (less(model.pairs, own.pairs, key(a, b)) + PRIOR_WEIGHT * u) /
      (less(model.from, own.from, a) + PRIOR_WEIGHT);
    out.push(-Math.log2(p));
  }
  return out;
}

/** Their mean; undefined for a session of no transition. */
export function meanSurprisal(model: TransitionModel, pages: readonly string[]): number | undefined {
  const steps = stepSurprisals(model, pages);
  return steps.length === 0 ? undefined : steps.reduce((a, b) => a + b, 0) / steps.length;
}

/**
 * Sessions of at least `markovMinTransitions` steps whose mean surprisal is far above the others':
 * z = (mean − m) · √k / s, where m and s are the median and scaled MAD of the surprisal of every
 * step of those sessions (robust.ts), and k the session's steps (a mean of k steps varies √k
 * times less than one step does), at or past `markovZ`. `model` is learned from all sessions
 * (by default from `rows`, whose pages may be left empty for sessions too short to be scored).
 */
export function navigationReasons(
  rows: readonly SessionRow[],
  t: Thresholds,
  model: TransitionModel = learnTransitions(rows.map((r) => r.pages)),
): Map<number, Reason> {
  const out = new Map<number, Reason>();
  const all: number[] = [];
  const scored: { i: number; bits: number; k: number }[] = [];
  rows.forEach((r, i) => {
    if (r.pages.length - 1 < t.markovMinTransitions) return;
    const steps = stepSurprisals(model, r.pages);
    for (const x of steps) all.push(x);
    scored.push({ i, bits: steps.reduce((a, b) => a + b, 0) / steps.length, k: steps.length });
  });
  if (all.length < 30) return out;
  const scale = robustScale(all);
  for (const { i, bits, k } of scored) {
    const z = robustZ(bits, scale) * Math.sqrt(k);
    if (!(z >= t.markovZ) || !Number.isFinite(z)) continue;
    out.set(i, {
      code: 'navigation',
      text: `atypical navigation: ${bits.toFixed(1)} bits per step over ${k} steps (median ${scale.median.toFixed(1)}, z ${z.toFixed(1)})`,
      severity: severityOf(z, t.markovZ),
    });
  }
  return out;
}

/** The model from its aggregates (as SQL gives them): each transition's weight, and the pages. */
export function modelOf(
  transitions: readonly { a: string; b: string; w: number }[],
  pages: number,
): TransitionModel {
  const pairs = new Map<string, number>();
  const from = new Map<string, number>();
  const into = new Map<string, number>();
  let total = 0;
  for (const { a, b, w } of transitions) {
    bump(pairs, key(a, b), w);
    bump(from, a, w);
    bump(into, b, w);
    total += w;
  }
  // Each session's weights sum to 1: the total weight is the sessions with a transition.
  return { pairs, from, into, total: Math.round(total), pages };
}
