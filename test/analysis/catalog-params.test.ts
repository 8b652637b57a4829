/**
 * The catalogue reads each parameter once for every front end: the same values give the same
 * parameters, and a bad one is named as the front end spells it (`--click-event` on the
 * command line, `click_event` in a query string), with the same reason.
 */
import { describe, expect, it } from 'vitest';
import {
  ANALYSES,
  API_SPELLING,
  CATALOG,
  CLI_SPELLING,
  paramsOf,
  planAnalysis,
  QUERIES,
  type RawParams,
} from '../../src/analysis/catalog.ts';
import { StintError } from '../../src/core/errors.ts';

function refusal(fn: () => unknown): StintError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StintError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('the catalogue', () => {
  it('names each analysis once, with a summary and parameters of its own after from, to, tz and filter', () => {
    const names = ANALYSES.map((a) => a.name);
    expect(names).toEqual([
      'overview',
      'timeseries',
      'breakdown',
      'pages',
      'paths',
      'funnel',
      'retention',
      'activity',
      'ctr',
      'compare',
      'anomalies',
      'profile',
      'users',
      'trends',
      'diagnose',
      'drivers',
    ]);
    for (const a of [...ANALYSES, ...Object.values(QUERIES)]) {
      expect(a.summary, a.name).toMatch(/^[a-z]/);
      const params = paramsOf(a).map((p) => p.name);
      expect(params.slice(0, 4), a.name).toEqual(['from', 'to', 'tz', 'filter']);
      expect(new Set(params).size, a.name).toBe(params.length);
      for (const p of params) expect(p, a.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
  });

  it('gives every analysis its defaults when no parameter is given (breakdown needs by, compare what)', () => {
    for (const a of ANALYSES) {
      const raw: RawParams =
        a.name === 'breakdown'
          ? { by: 'source' }
          : a.name === 'funnel'
            ? { step: ['/'] }
            : a.name === 'drivers'
              ? { goal: 'purchase' }
              : a.name === 'compare'
                ? { change: '2026-10-21' }
                : {};
      expect(() => planAnalysis(a, raw, API_SPELLING), a.name).not.toThrow();
    }
    expect(planAnalysis(CATALOG.paths, {}, API_SPELLING)).toMatchObject({ steps: 3, limit: 10 });
    expect(planAnalysis(CATALOG.retention, {}, API_SPELLING).spec).toEqual({
      cohort: 'week',
      period: 'week',
      periods: 8,
    });
    expect(planAnalysis(QUERIES.sessions, {}, API_SPELLING)).toMatchObject({ limit: 50 });
  });

  it('reads the same values the same way for the CLI and the API', () => {
    const raw: RawParams = {
      from: '2026-10-01',
      to: '2026-10-31',
      tz: 'Europe/Berlin',
      by: 'weekday',
      limit: ' 7 ',
    };
    const cli = planAnalysis(CATALOG.breakdown, raw, CLI_SPELLING);
    expect(planAnalysis(CATALOG.breakdown, raw, API_SPELLING)).toEqual(cli);
    expect(cli).toMatchObject({ by: 'weekday', key: { kind: 'weekday', tz: 'Europe/Berlin' }, limit: 7 });
    // A switch: true on the command line, '', 1, true or yes in a query string.
    for (const on of [true, '', '1', 'TRUE', 'yes'])
      expect(planAnalysis(CATALOG.funnel, { step: ['/'], any_order: on }, API_SPELLING).spec.anyOrder).toBe(
        true,
      );
    for (const off of [false, '0', 'no', undefined])
      expect(planAnalysis(CATALOG.funnel, { step: ['/'], any_order: off }, API_SPELLING).spec.anyOrder).toBe(
        false,
      );
  });

  const cases: [
    string,
    keyof typeof CATALOG | 'report' | 'sessions',
    RawParams,
    RegExp,
    RegExp | undefined,
  ][] = [
    [
      'a whole number',
      'paths',
      { steps: '0' },
      /^(--)?steps needs a whole number from 1 to 100, got "0"$/,
      /for example (--steps 3|steps=3)$/,
    ],
    ['a limit', 'ctr', { limit: '0x10' }, /^(--)?limit needs a whole number/, /(--limit 10|limit=10)$/],
    ['a choice', 'retention', { cohort: 'year' }, /^Unknown (--)?cohort "year"$/, /day, week, month, source/],
    [
      'a caseless choice',
      'timeseries',
      { interval: 'Fortnight' },
      /^Unknown (--)?interval "fortnight"$/,
      undefined,
    ],
    ['a duration', 'funnel', { step: ['/'], window: 'soon' }, /^Cannot read (--)?window "soon"$/, undefined],
    ['a dimension', 'breakdown', { by: 'colour' }, /^Unknown dimension "colour" for (--)?by$/, undefined],
    ['a date', 'overview', { from: 'monday' }, /^Cannot read (--)?from "monday"/, /read in (--)?tz UTC/],
    ['a zone', 'overview', { tz: 'Mars/Olympus' }, /for (--)?tz$/, undefined],
    ['a filter', 'pages', { filter: ['colour=red'] }, /in (--)?filter "colour=red"$/, undefined],
    [
      'a repeated parameter past its count',
      'report',
      { funnel: Array.from({ length: 11 }, () => '/') },
      /\((--)?funnel\), got 11$/,
      undefined,
    ],
  ];
  it.each(cases)(
    'names %s as --x on the command line and x in a query string',
    (_, name, raw, message, hint) => {
      const entry = name === 'report' || name === 'sessions' ? QUERIES[name] : CATALOG[name];
      const cli = refusal(() => planAnalysis(entry, raw, CLI_SPELLING));
      const api = refusal(() => planAnalysis(entry, raw, API_SPELLING));
      expect(cli.message).toMatch(message);
      expect(api.message).toMatch(message);
      expect(cli.message).toMatch(/--[a-z]/);
      expect(api.message).not.toMatch(/--[a-z]/);
      expect(api.code).toBe(cli.code);
      // The same words but the parameter's spelling.
      expect(api.message).toBe(
        cli.message.replace(/--([a-z-]+)/g, (_m, f: string) => f.replaceAll('-', '_')),
      );
      if (hint !== undefined) {
        expect(cli.hint).toMatch(hint);
        expect(api.hint).toMatch(hint);
        expect(api.hint).not.toMatch(/--[a-z]/);
      }
    },
  );

  it('quotes a value as it was given, dashes and all', () => {
    expect(refusal(() => planAnalysis(CATALOG.overview, { from: '--x' }, API_SPELLING)).message).toBe(
      'Cannot read from "--x" as a date or time',
    );
  });

  it("spells a two-word parameter each front end's way", () => {
    expect(CLI_SPELLING.name('click_event')).toBe('--click-event');
    expect(API_SPELLING.name('click_event')).toBe('click_event');
    expect(CLI_SPELLING.example('limit', '10')).toBe('--limit 10');
    expect(API_SPELLING.example('limit', '10')).toBe('limit=10');
  });

  it("tells a funnel step's error (the funnel's own words) in query parameters over the API", () => {
    const api = refusal(() => planAnalysis(CATALOG.funnel, {}, API_SPELLING));
    expect(api.message).toBe('A funnel needs at least one step');
    expect(api.hint).not.toMatch(/--step/);
    expect(refusal(() => planAnalysis(CATALOG.funnel, {}, CLI_SPELLING)).hint).toMatch(/--step \//);
  });
});
