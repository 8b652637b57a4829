/**
 * What the sessions and analyses views compute before drawing, in Node: the time on each page of
 * a journey (until the next page view; the last page from its engagement pings), the Sankey's
 * "(other)" kept last in each column and muted, the busiest activity cell, and a retention
 * share's tint.
 */
import { describe, expect, it } from 'vitest';
import { busiest, OTHER, pageOf, sankeyOption, tint } from '../../web/src/views/analyses/model.ts';
import { timeline } from '../../web/src/views/journey-model.ts';

const at = (s: number) => new Date(Date.UTC(2026, 9, 1, 12, 0, s)).toISOString();

describe('a journey', () => {
  it('times each page until the next page view, and the last one by its engagement pings', () => {
    const steps = timeline([
      { timestamp: at(0), event: 'pageview', path: '/' },
      { timestamp: at(5), event: 'click', path: '/' },
      { timestamp: at(20), event: 'pageview', path: '/pricing' },
      { timestamp: at(30), event: 'engagement', path: '/pricing', properties: { engaged_ms: 8000 } },
      { timestamp: at(50), event: 'engagement', path: '/pricing', properties: { engaged_ms: 4500 } },
    ]);
    expect(steps.map((s) => [s.page, s.spentMs, s.spentFrom, s.offsetMs])).toEqual([
      [true, 20_000, 'next page', 0],
      [false, null, null, 5_000],
      [true, 12_500, 'engagement', 20_000],
      [false, null, null, 30_000],
      [false, null, null, 50_000],
    ]);
  });

  it('without engagement, times the last page to the last event after it, else not at all', () => {
    const later = timeline([
      { timestamp: at(0), event: 'pageview', path: '/' },
      { timestamp: at(9), event: 'signup', path: '/' },
    ]);
    expect(later[0]).toMatchObject({ spentMs: 9_000, spentFrom: 'last event' });
    const alone = timeline([{ timestamp: at(0), event: 'pageview', path: '/' }]);
    expect(alone[0]).toMatchObject({ spentMs: null, spentFrom: null });
  });
});

describe('the paths Sankey', () => {
  const sankey = {
    nodes: [
      { id: `1:${OTHER}`, step: 1, page: OTHER, sessions: 900 },
      { id: '1:/', step: 1, page: '/', sessions: 300 },
      { id: '1:/docs', step: 1, page: '/docs', sessions: 100 },
      { id: '2:/pricing', step: 2, page: '/pricing', sessions: 50 },
      { id: `2:${OTHER}`, step: 2, page: OTHER, sessions: 400 },
    ],
    links: [
      { source: '1:/', target: '2:/pricing', sessions: 50 },
      { source: `1:${OTHER}`, target: `2:${OTHER}`, sessions: 400 },
    ],
    exits: [],
  };

  it('keeps "(other)" last in its column, however big, and draws it muted', () => {
    const option = sankeyOption(sankey, 2, false);
    const series = option.series[0]!;
    expect(series.layoutIterations).toBe(0);
    expect(series.data.map((n) => n.name)).toEqual([
      '1:/',
      '1:/docs',
      `1:${OTHER}`,
      '2:/pricing',
      `2:${OTHER}`,
    ]);
    const other = series.data.find((n) => n.name === `1:${OTHER}`)!;
    const main = series.data.find((n) => n.name === '1:/')!;
    expect(other.itemStyle.color).toBe('#b8bec8');
    expect(main.itemStyle.color).not.toBe(other.itemStyle.color);
    expect(series.links.find((l) => l.source === `1:${OTHER}`)).toMatchObject({
      lineStyle: { color: '#b8bec8' },
    });
    expect(pageOf('2:/a:b')).toBe('/a:b');
  });
});

describe('activity and retention', () => {
  it('names the busiest weekday and hour (the first on a tie)', () => {
    const grid = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
    grid[1]![8] = 5;
    grid[6]![21] = 5;
    grid[0]![0] = 2;
    expect(busiest(grid)).toEqual({ weekday: 2, hour: 8, sessions: 5 });
  });

  it('tints a share more strongly the higher it is', () => {
    const low = tint(0.05, false).background;
    const high = tint(0.9, false).background;
    expect(low).not.toBe(high);
    expect(tint(0.9, false).color).toBe('#ffffff');
    expect(tint(0.1, false).color).toBe('inherit');
  });
});
