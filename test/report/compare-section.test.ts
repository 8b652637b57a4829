/**
 * The report's `compare` field and its HTML section: the period against the previous one of
 * equal length, as `compare --a --b` gives it, drawn as a table with the significant metrics
 * marked, every text escaped; null (and a line saying so) for an empty store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compare } from '../../src/analysis/insights/compare.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { buildReport } from '../../src/analysis/report.ts';
import { renderHtmlReport } from '../../src/report/html.ts';
import { compareSection } from '../../src/report/sections/compare.ts';
import { EFFECT_RULES, effectTraffic } from '../helpers/effect-traffic.ts';
import { closeStores, freshStore, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

describe('the report compares the period with the previous one', () => {
  it('with the same tests as stint compare, the significant metric marked in the HTML', async () => {
    const store = await storeWith(
      effectTraffic({ perDay: 120, lift: { mobile: 2.5, desktop: 2.5 } }),
      EFFECT_RULES,
    );
    const options = parseQueryOptions({ from: '2026-10-21', to: '2026-11-09' });
    const report = await buildReport(store, options, 'day');
    const direct = await compare(store, options, {
      kind: 'periods',
      a: { fromMs: Date.UTC(2026, 9, 1), toMs: Date.UTC(2026, 9, 21) },
      b: { fromMs: Date.UTC(2026, 9, 21), toMs: Date.UTC(2026, 10, 10) },
      labels: ['previous', 'current'],
      segment: undefined,
      limit: 1,
      seed: 1,
    });
    expect(report.compare).toEqual(direct);
    const html = compareSection(report.compare);
    expect(html).toContain('<tr data-metric="conversion_rate">');
    expect(html).toMatch(/<tr data-metric="conversion_rate">.*<td class="mark sig">yes<\/td><\/tr>/);
    expect(html).toContain('Previous (2,400 sessions)');
    expect(html).toContain('Holm across the 7 tested metrics');
    expect(renderHtmlReport(report)).toContain('<section id="compare">');
  });

  it('is null for an empty store, and the section says so', async () => {
    const report = await buildReport(await freshStore(), parseQueryOptions({}), 'day');
    expect(report.compare).toBeNull();
    expect(compareSection(report.compare)).toContain('No sessions to compare.');
  });

  it('escapes every text', () => {
    const html = compareSection({
      mode: 'periods',
      tz: 'UTC',
      by: null,
      segment_by: null,
      confidence: 0.95,
      adjustment: '<b>x</b>',
      bootstrap: { seed: 1, resamples: 1, cap: 1 },
      comparisons: [
        {
          segment: null,
          a: { label: 'a', from: '', to: '', sessions: 1 },
          b: { label: 'b', from: '', to: '', sessions: 1 },
          metrics: [],
          its: null,
          warnings: ['<img src=x onerror=alert(1)>'],
        },
      ],
      left_out: [],
    });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
