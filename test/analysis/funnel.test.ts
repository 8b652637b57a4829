/**
 * Funnels on a fixture worked out by hand (30-minute timeout), steps / → /pricing → event:purchase:
 *
 *   A  10:00 /  (utm news)   10:02 /pricing   10:05 purchase      reaches 3: 120 s, then 180 s
 *   B  11:00 /  (utm ads)    11:04 /pricing                       reaches 2: 240 s
 *   C  12:00 /pricing        12:01 /                              in order 1 (no /pricing after /); any order 2
 *   D  13:00 /docs/a                                              reaches nothing
 *   E  day 1 14:00 /   |   day 2 09:00 /pricing   09:05 purchase  two sessions: the first reaches 1,
 *                                                                 the second none (no / in it);
 *                                                                 as a visitor within 7 days: 3 (19 h, then 300 s)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { funnel, parseSteps } from '../../src/analysis/funnel.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { StintError } from '../../src/core/errors.ts';
import { closeStores, ev, freshStore, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const at = (day: number, time: string) => `2026-10-0${day}T${time}Z`;
const view = (who: string, day: number, time: string, path: string, utm = '') =>
  ev(who, at(day, time), { url: `https://shop.example${path}`, utmSource: utm });
const FIXTURE = [
  view('A', 1, '10:00:00', '/', 'news'),
  view('A', 1, '10:02:00', '/pricing'),
  ev('A', at(1, '10:05:00'), { name: 'purchase', value: 30 }),
  view('B', 1, '11:00:00', '/', 'ads'),
  view('B', 1, '11:04:00', '/pricing'),
  view('C', 1, '12:00:00', '/pricing'),
  view('C', 1, '12:01:00', '/'),
  view('D', 1, '13:00:00', '/docs/a'),
  view('E', 1, '14:00:00', '/'),
  view('E', 2, '09:00:00', '/pricing'),
  ev('E', at(2, '09:05:00'), { name: 'purchase', value: 30 }),
];
const STEPS = parseSteps(['/', '/pricing', 'event:purchase']);
const ALL = parseQueryOptions({});

/** [entered, converted, drop_off, drop_off_share, median s from the previous step] per step. */
function table(
  rows: readonly {
    entered: number;
    converted: number;
    drop_off: number;
    drop_off_share: number | null;
    median_time_from_previous_s: number | null;
  }[],
) {
  return rows.map((r) => [
    r.entered,
    r.converted,
    r.drop_off,
    r.drop_off_share,
    r.median_time_from_previous_s,
  ]);
}

describe('funnel', () => {
  it('in order, within a session', async () => {
    const store = await storeWith(FIXTURE);
    const f = await funnel(store, ALL, { steps: STEPS });
    expect(f).toMatchObject({
      steps: ['/', '/pricing', 'event:purchase'],
      unit: 'sessions',
      any_order: false,
      window_s: null,
    });
    // / : A, B, C, E1 = 4; /pricing after it: A, B; purchase after that: A. Medians: (120, 240) → 180; 180.
    expect(table(f.rows)).toEqual([
      [4, 2, 2, 0.5, null],
      [2, 1, 1, 0.5, 180],
      [1, 1, 0, 0, 180],
    ]);
    expect(f.conversion_rate).toBe(0.25);
  });

  it('in any order: a step counts wherever it is in the session, times are not given', async () => {
    const store = await storeWith(FIXTURE);
    const f = await funnel(store, ALL, { steps: STEPS, anyOrder: true });
    // C now has both / and /pricing; E2 has /pricing and purchase but no /, so it never enters.
    expect(table(f.rows)).toEqual([
      [4, 3, 1, 0.25, null],
      [3, 1, 2, 2 / 3, null],
      [1, 1, 0, 0, null],
    ]);
  });

  it('across sessions within a window: visitors, the window bounds every later step', async () => {
    const store = await storeWith(FIXTURE);
    const week = await funnel(store, ALL, { steps: STEPS, windowMs: 7 * 86_400_000 });
    expect(week).toMatchObject({ unit: 'visitors', window_s: 7 * 86_400 });
    // A, B, C, E enter; A, B, E reach /pricing (120, 240, 68,400 s → 240); A and E buy (180, 300 → 240).
    expect(table(week.rows)).toEqual([
      [4, 3, 1, 0.25, null],
      [3, 2, 1, 1 / 3, 240],
      [2, 2, 0, 0, 240],
    ]);
    const hour = await funnel(store, ALL, { steps: STEPS, windowMs: 3_600_000 });
    expect(hour.rows.map((r) => r.entered)).toEqual([4, 2, 1]);
  });

  it('across sessions, the first step must fall in the period; earlier history does not anchor it', async () => {
    // V and W: /pricing then /signup 5 minutes apart in March; V and X also saw /pricing in
    // January; X did nothing of the funnel in March.
    const store = await storeWith([
      ev('V', '2026-01-01T10:00:00Z', { url: '/pricing' }),
      ev('V', '2026-03-10T10:00:00Z', { url: '/pricing' }),
      ev('V', '2026-03-10T10:05:00Z', { url: '/signup' }),
      ev('W', '2026-03-10T11:00:00Z', { url: '/pricing' }),
      ev('W', '2026-03-10T11:05:00Z', { url: '/signup' }),
      ev('X', '2026-01-01T10:00:00Z', { url: '/pricing' }),
      ev('X', '2026-03-12T10:00:00Z', { url: '/about' }),
    ]);
    const march = parseQueryOptions({ from: '2026-03-01', to: '2026-03-31' });
    const steps = parseSteps(['/pricing', '/signup']);
    for (const anyOrder of [false, true]) {
      const f = await funnel(store, march, { steps, windowMs: 86_400_000, anyOrder });
      expect(
        f.rows.map((r) => r.entered),
        `anyOrder ${anyOrder}`,
      ).toEqual([2, 2]);
    }
    expect((await funnel(store, march, { steps })).rows.map((r) => r.entered)).toEqual([2, 2]);
  });

  it('a breakdown by a session dimension, with the overall rows unchanged', async () => {
    const store = await storeWith(FIXTURE);
    const f = await funnel(store, ALL, { steps: STEPS, by: 'source' });
    expect(table(f.rows)).toEqual(table((await funnel(store, ALL, { steps: STEPS })).rows));
    expect(f.breakdown?.map((b) => [b.key, b.rows.map((r) => r.entered), b.conversion_rate])).toEqual([
      ['', [2, 0, 0], 0], // C and E1
      ['ads', [1, 1, 0], 0],
      ['news', [1, 1, 1], 1],
    ]);
  });

  it('page patterns match with * only; % and _ in a path are plain characters', async () => {
    const store = await storeWith([
      ...FIXTURE,
      view('F', 1, '15:00:00', '/100%_off'),
      view('G', 1, '15:00:00', '/100xyoff'),
    ]);
    const docs = await funnel(store, ALL, { steps: parseSteps(['/docs/*']) });
    expect(docs.rows[0]!.entered).toBe(1);
    const percent = await funnel(store, ALL, { steps: parseSteps(['/100%*']) });
    expect(percent.rows[0]!.entered).toBe(1);
    const exact = await funnel(store, ALL, { steps: parseSteps(['/100%_off']) });
    expect(exact.rows[0]!.entered).toBe(1);
  });

  it('periods and filters apply to the sessions; an empty store gives zeros', async () => {
    const store = await storeWith(FIXTURE);
    const day2 = await funnel(store, parseQueryOptions({ from: '2026-10-02', to: '2026-10-02' }), {
      steps: STEPS,
    });
    expect(day2.rows.map((r) => r.entered)).toEqual([0, 0, 0]);
    expect(day2.conversion_rate).toBeNull();
    const news = await funnel(store, parseQueryOptions({ filter: ['source=news'] }), { steps: STEPS });
    expect(news.rows.map((r) => r.entered)).toEqual([1, 1, 1]);
    const empty = await funnel(await freshStore(), ALL, { steps: STEPS });
    expect(table(empty.rows)).toEqual([
      [0, 0, 0, null, null],
      [0, 0, 0, null, null],
      [0, 0, 0, null, null],
    ]);
  });

  it('rejects funnels with no steps and steps it cannot read, with a hint', () => {
    for (const bad of [[], [''], ['pricing'], ['event:'], Array.from({ length: 21 }, (_, i) => `/p${i}`)]) {
      expect(() => parseSteps(bad), JSON.stringify(bad)).toThrow(StintError);
      try {
        parseSteps(bad);
      } catch (err) {
        expect((err as StintError).code).toBe('STINT_BAD_FLAG');
        expect((err as StintError).hint).toBeTruthy();
      }
    }
  });
});
