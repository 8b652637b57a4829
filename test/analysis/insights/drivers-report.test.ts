/**
 * What converts in the report: the drivers of the first configured goal (or the commonest one
 * that occurs, saying so), left out when no configured goal occurs; its HTML section shows the
 * sentences, the forest plot and the table, with tracked text escaped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { buildReport } from '../../../src/analysis/report.ts';
import { createRules } from '../../../src/core/rules.ts';
import { driversSection } from '../../../src/report/sections/drivers.ts';
import { longSessionsConvert } from '../../helpers/long-sessions-convert.ts';
import { closeStores, ev, storeWith } from '../../helpers/store.ts';

afterEach(closeStores);

const all = parseQueryOptions({ from: '2026-09-01', to: '2026-11-30', tz: 'UTC' });

describe('the report of what converts', () => {
  it('takes the first configured goal that occurs, and says why', async () => {
    const store = await storeWith(longSessionsConvert(), createRules({ goals: ['signup', 'purchase'] }));
    const report = await buildReport(store, all, 'day');
    expect(report.drivers).toMatchObject({
      events: [
        { name: 'pageview', count: 3500 },
        { name: 'purchase', count: 200 },
      ],
      goal: 'purchase',
      goal_from: 'the commonest configured goal (signup never occurs)',
      sessions: 1000,
      conversions: 200,
      // 34 tested: the length split, 2 devices, 24 hours, 7 weekdays; the report keeps 20.
      ranked_left_out: 14,
    });
    expect(report.drivers?.ranked[0]?.sentence).toBe(
      'sessions over 10 minutes convert at 3.0× the rate of shorter ones (2.2–4.0×)',
    );
    const html = driversSection(report.drivers);
    expect(html).toContain('<h2>What converts: purchase</h2>');
    expect(html).toContain(
      '<li>sessions over 10 minutes convert at 3.0× the rate of shorter ones (2.2–4.0×)</li>',
    );
    expect(html).toContain('<svg role="img" aria-label="Lifts with their 95 % intervals"');
    expect(html).toMatch(
      /<td>length: over 10 minutes<\/td><td>500<\/td><td>150<\/td><td>30\.0 %<\/td><td class="sig">3\.0×<\/td>/,
    );
  });

  it('is left out when no configured goal occurs', async () => {
    const store = await storeWith(longSessionsConvert(), createRules({ goals: ['signup'] }));
    const report = await buildReport(store, all, 'day');
    expect(report.drivers).toBeUndefined();
    expect(JSON.stringify(report)).not.toContain('"drivers"');
    expect(driversSection(undefined)).toBe('');
  });

  it('escapes tracked text in the section', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const events = Array.from({ length: 80 }, (_, i) => [
      ev(`u${i}`, new Date(Date.UTC(2026, 9, 1, 0, i)).toISOString(), {
        url: `https://shop.example/${i % 2 === 0 ? encodeURIComponent(hostile) : 'a'}`,
      }),
      ...(i % 4 < 2
        ? [ev(`u${i}`, new Date(Date.UTC(2026, 9, 1, 0, i, 30)).toISOString(), { name: hostile })]
        : []),
    ]).flat();
    const store = await storeWith(events, createRules({ goals: [hostile] }));
    const report = await buildReport(store, all, 'day');
    const html = driversSection(report.drivers);
    expect(report.drivers?.goal).toBe(hostile);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
