/**
 * The likely next pages after a page for one user: their own transitions blended with everyone's
 * by a Dirichlet prior of weight k (PRIOR_WEIGHT): P(j) = (u_j + k·g_j / G) / (U + k), where u_j
 * counts the user's moves from the page to j (U in all) and g_j everyone's (G in all). With no
 * history of their own it is everyone's share; with much, mostly theirs. Exits are not pages:
 * they are left out of both counts.
 *
 *   nextPages(new Map([['/b', 3]]), new Map([['/b', 10], ['/c', 30]])) // [{ page: '/b', probability: 0.53125 }, { page: '/c', probability: 0.46875 }]
 */

export const PRIOR_WEIGHT = 5;

export interface NextPage {
  readonly page: string;
  readonly probability: number;
  /** The user's own moves to it from the page. */
  readonly own: number;
  /** Its share of everyone's moves from the page. */
  readonly everyone: number;
}

export function nextPages(
  own: ReadonlyMap<string, number>,
  everyone: ReadonlyMap<string, number>,
  limit = 5,
  k = PRIOR_WEIGHT,
): NextPage[] {
  const U = sum(own);
  const G = sum(everyone);
  // Without everyone's counts the prior has nothing to say: the user's own shares.
  const weight = G === 0 ? 0 : k;
  if (U + weight === 0) return [];
  const pages = new Set([...own.keys(), ...everyone.keys()]);
  return [...pages]
    .map((page) => {
      const u = own.get(page) ?? 0;
      const g = G === 0 ? 0 : (everyone.get(page) ?? 0) / G;
      return { page, probability: (u + weight * g) / (U + weight), own: u, everyone: g };
    })
    .filter((p) => p.probability > 0)
    .sort((a, b) => b.probability - a.probability || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0))
    .slice(0, limit);
}

/** The user's moves from `page` to each next page in their sessions' page lists. */
export function transitionsFrom(sessions: readonly (readonly string[])[], page: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pages of sessions) {
    for (let i = 0; i + 1 < pages.length; i++) {
      if (pages[i] === page) out.set(pages[i + 1]!, (out.get(pages[i + 1]!) ?? 0) + 1);
    }
  }
  return out;
}

function sum(m: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const v of m.values()) s += v;
  return s;
}
