/**
 * The words of what converts: each trait's values and threshold splits as labels ("10 to 30
 * minutes", "over 10 minutes") and sentences with the lift and its interval.
 *
 *   comparisonWords('length', 'over', '10-30m').sentence(3.1, 2.6, 3.7)
 *   // 'sessions over 10 minutes convert at 3.1× the rate of shorter ones (2.6–3.7×)'
 */

/** The session traits, in the order they are listed. */
export const TRAITS = [
  'length',
  'depth',
  'channel',
  'source',
  'device',
  'country',
  'entry_page',
  'hour',
  'weekday',
] as const;

export type TraitName = (typeof TRAITS)[number];

/** A duration bucket's words, and the threshold at its start. */
const LENGTH_WORDS: Readonly<Record<string, readonly [string, string]>> = {
  '0-10s': ['under 10 seconds', '0 seconds'],
  '10-30s': ['10 to 30 seconds', '10 seconds'],
  '30s-1m': ['30 seconds to 1 minute', '30 seconds'],
  '1-3m': ['1 to 3 minutes', '1 minute'],
  '3-10m': ['3 to 10 minutes', '3 minutes'],
  '10-30m': ['10 to 30 minutes', '10 minutes'],
  '30m+': ['30 minutes or more', '30 minutes'],
};

/** A pages bucket's words, and its least number of pages. */
const DEPTH_WORDS: Readonly<Record<string, readonly [string, number]>> = {
  '1': ['1 page', 1],
  '2': ['2 pages', 2],
  '3-4': ['3 to 4 pages', 3],
  '5-9': ['5 to 9 pages', 5],
  '10+': ['10 or more pages', 10],
};

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** A lift as it is read: 3.1×, 0.42×. */
export function times(x: number): string {
  return `${x >= 1 ? x.toFixed(1) : x.toFixed(2)}×`;
}

const shown = (value: string): string => (value === '' ? '(none)' : value);

/** What sessions with this value are, after "sessions ": "lasting 10 to 30 minutes". */
function phrase(trait: TraitName, value: string): { label: string; phrase: string } {
  switch (trait) {
    case 'length': {
      const label = LENGTH_WORDS[value]?.[0] ?? value;
      return { label, phrase: `lasting ${label}` };
    }
    case 'depth': {
      const label = DEPTH_WORDS[value]?.[0] ?? value;
      return { label, phrase: `of ${label}` };
    }
    case 'channel':
      return { label: shown(value), phrase: `from the channel ${shown(value)}` };
    case 'source':
      return { label: shown(value), phrase: `from ${shown(value)}` };
    case 'device':
      return { label: shown(value), phrase: `on ${value === '' ? 'an unknown device' : value}` };
    case 'country':
      return { label: shown(value), phrase: `from the country ${shown(value)}` };
    case 'entry_page':
      return { label: shown(value), phrase: `entering at ${shown(value)}` };
    case 'hour': {
      const h = Number(value);
      const label = `${pad(h)}:00–${pad((h + 1) % 24)}:00`;
      return { label, phrase: `starting ${label} local time` };
    }
    case 'weekday':
      return { label: value, phrase: `starting on a ${value}` };
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The label and sentence of a value (against all other sessions) or of a split at `value`. */
export function comparisonWords(
  trait: TraitName,
  kind: 'value' | 'over',
  value: string,
): { label: string; sentence: (lift: number, low: number, high: number) => string } {
  if (kind === 'value') {
    const p = phrase(trait, value);
    return {
      label: p.label,
      sentence: (lift, low, high) =>
        `sessions ${p.phrase} convert at ${times(lift)} the rate of all other sessions ${interval(low, high)}`,
    };
  }
  if (trait === 'length') {
    const label = `over ${LENGTH_WORDS[value]?.[1] ?? value}`;
    return {
      label,
      sentence: (lift, low, high) =>
        `sessions ${label} convert at ${times(lift)} the rate of shorter ones ${interval(low, high)}`,
    };
  }
  const label = `${DEPTH_WORDS[value]?.[1] ?? value} or more pages`;
  return {
    label,
    sentence: (lift, low, high) =>
      `sessions of ${label} convert at ${times(lift)} the rate of those with fewer ${interval(low, high)}`,
  };
}

/** "(2.6–3.7×)". */
function interval(low: number, high: number): string {
  return `(${times(low).slice(0, -1)}–${times(high)})`;
}
