/**
 * Atypical navigation: a first-order Markov model of page transitions learned from all sessions
 * of the period, smoothed (add-α, α = SMOOTHING, over the pages seen), and each session's mean
 * surprisal (−log2 P(next | page), bits per step) under it, leaving the session's own transitions
 * out of the counts so that a long odd session does not teach the model its own path.
 *
 *   const model = learnTransitions(rows.map((r) => r.pages));
 *   meanSurprisal(model, ['/', '/cart']) // 1.8 (bits per step)
 */
import { robustScale, robustZ } from '../stats/robust.ts';
import type { SessionRow } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

/** Add-α smoothing: each possible next page counts α more than it was seen. */
export const SMOOTHING = 0.1;

export interface TransitionModel {
  /** count of a → b, keyed `a\nb`. */
  readonly pairs: Map<string, number>;
  /** transitions out of a. */
  readonly from: Map<string, number>;
  /** Distinct pages: the possible next pages. */
  readonly pages: number;
}

const key = (a: string, b: string): string => `${a}\n${b}`;

export function learnTransitions(sessions: readonly (readonly string[])[]): TransitionModel {
  const pairs = new Map<string, number>();
  const from = new Map<string, number>();
  const seen = new Set<string>();
  for (const pages of sessions) {
    for (let i = 0; i < pages.length; i++) {
      seen.add(pages[i]!);
      if (i === 0) continue;
      const k = key(pages[i - 1]!, pages[i]!);
      pairs.set(k, (pairs.get(k) ?? 0) + 1);
      from.set(pages[i - 1]!, (from.get(pages[i - 1]!) ?? 0) + 1);
    }
  }
  return { pairs, from, pages: seen.size };
}

/**
 * The mean surprisal, in bits, of the transitions of `pages` under `model` without their own
 * counts (`pages` must be one of the sessions the model was learned from); undefined with none.
 */
export function meanSurprisal(model: TransitionModel, pages: readonly string[]): number | undefined {
  if (pages.length < 2) return undefined;
  const ownPairs = new Map<string, number>();
  const ownFrom = new Map<string, number>();
  for (let i = 1; i < pages.length; i++) {
    const k = key(pages[i - 1]!, pages[i]!);
    ownPairs.set(k, (ownPairs.get(k) ?? 0) + 1);
    ownFrom.set(pages[i - 1]!, (ownFrom.get(pages[i - 1]!) ?? 0) + 1);
  }
  const v = Math.max(1, model.pages);
  let bits = 0;
  for (let i = 1; i < pages.length; i++) {
    const k = key(pages[i - 1]!, pages[i]!);
    const pair = Math.max(0, (model.pairs.get(k) ?? 0) - ownPairs.get(k)!);
    const out = Math.max(0, (model.from.get(pages[i - 1]!) ?? 0) - ownFrom.get(pages[i - 1]!)!);
    bits -= Math.log2((pair + SMOOTHING) / (out + SMOOTHING * v));
  }
  return bits / (pages.length - 1);
}

export function navigationReasons(rows: readonly SessionRow[], t: Thresholds): Map<number, Reason> {
  const out = new Map<number, Reason>();
  const model = learnTransitions(rows.map((r) => r.pages));
  const scored: { i: number; bits: number }[] = [];
  rows.forEach((r, i) => {
    if (r.pages.length - 1 < t.markovMinTransitions) return;
    const bits = meanSurprisal(model, r.pages);
    if (bits !== undefined) scored.push({ i, bits });
  });
  if (scored.length < 10) return out;
  const scale = robustScale(scored.map((s) => s.bits));
  for (const { i, bits } of scored) {
    const z = robustZ(bits, scale);
    if (!(z >= t.markovZ) || !Number.isFinite(z)) continue;
    out.set(i, {
      code: 'navigation',
      text: `atypical navigation: ${bits.toFixed(1)} bits per step over ${rows[i]!.pages.length - 1} steps (median ${scale.median.toFixed(1)}, z ${z.toFixed(1)})`,
      severity: severityOf(z, t.markovZ),
    });
  }
  return out;
}
