/**
 * `diagnose` against hand-computed expectations: a gap distribution with a known valley (visits of
 * gaps 20–40 s and one 310 s pause, a day apart) sessionized with a 2 min timeout; future
 * timestamps; UTC stored as local time; an identity with an absurd count; the max_duration share.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  binOfGap,
  fullBins,
  niceTimeout,
  suggestTimeout,
} from '../../../src/analysis/insights/diagnose/valley.ts';
import { diagnose } from '../../../src/analysis/insights/diagnose.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import type { StintEvent } from '../../../src/core/event.ts';
import { createRules } from '../../../src/core/rules.ts';
import { closeStores, ev, storeWith } from '../../helpers/store.ts';

afterEach(closeStores);

const NOW = Date.UTC(2026, 5, 1);
const all = parseQueryOptions({});
const at = (ms: number) => new Date(ms).toISOString();

/** 10 visitors, 5 days: each day one visit at 10:00, gaps 20, 30, 40, 30 s and a 310 s pause. */
function rhythmEvents(): StintEvent[] {
  const out: StintEvent[] = [];
  for (let v = 0; v < 10; v++) {
    for (let day = 0; day < 5; day++) {
      let t = Date.UTC(2026, 2, 2 + day, 10, v);
      out.push(ev(`v${v}`, at(t), { url: '/a' }));
      for (const gap of [20, 30, 40, 30, 310]) {
        t += gap * 1000;
        out.push(ev(`v${v}`, at(t), { url: '/b' }));
      }
    }
  }
  return out;
}

describe('the valley of the gap histogram', () => {
  it('bins gaps five to a decade, under a second apart', () => {
    expect([999, 1000, 20_000, 30_000, 40_000, 310_000, 85_970_000].map(binOfGap)).toEqual([
      -1, 0, 6, 7, 8, 12, 24,
    ]);
  });

  it('lies in the middle of the empty bins between the two modes, rounded to a usual timeout', () => {
    // Smoothed, bins 14…22 are 0 (13 and 23 catch a quarter of their neighbours): middle 18,
    // centre 10^(18.5 / 5) = 5011.9 s, nearer 1h30m than 1h on a log scale.
    const s = suggestTimeout(
      fullBins(
        new Map([
          [6, 50],
          [7, 100],
          [8, 50],
          [12, 50],
          [24, 40],
        ]),
      ),
    )!;
    expect(s.valley_s).toBeCloseTo(10 ** 3.7, 6);
    expect(s.valley_from_s).toBeCloseTo(10 ** 2.8, 6);
    expect(s.valley_to_s).toBeCloseTo(10 ** 4.6, 6);
    expect(s.peaks_s[0]).toBeCloseTo(10 ** 1.5, 6);
    expect(s.peaks_s[1]).toBeCloseTo(10 ** 4.9, 6);
    expect(s.suggested_ms).toBe(90 * 60_000);
    expect(s.depth).toBe(0);
  });

  it('suggests nothing for one mode', () => {
    expect(
      suggestTimeout(
        fullBins(
          new Map([
            [6, 50],
            [7, 100],
            [8, 50],
          ]),
        ),
      ),
    ).toBeUndefined();
  });

  it('rounds to the nearest usual timeout on a log scale', () => {
    expect(niceTimeout(1585_000)).toBe(30 * 60_000);
    expect(niceTimeout(100_000)).toBe(2 * 60_000);
  });
});

describe('diagnose on a store', () => {
  it('finds a 2 min timeout too short, with the fix, and counts sessions per timeout', async () => {
    const store = await storeWith(rhythmEvents(), createRules({ timeoutMs: 2 * 60_000 }));
    const r = await diagnose(store, all, NOW);
    // 50 visits: 250 gaps inside them, 40 between days; the 310 s pause splits each visit in two.
    expect(r.sessions).toBe(100);
    expect(r.identities).toBe(10);
    expect(r.gaps.within + r.gaps.between).toBe(290);
    expect(r.gaps.between).toBe(90); // 40 day gaps and 50 pauses cut by the timeout
    expect(r.timeout.current_ms).toBe(120_000);
    expect(r.timeout.suggested_ms).toBe(90 * 60_000);
    const f = r.findings.find((x) => x.code === 'timeout_too_short')!;
    expect(f.severity).toBe('warning');
    expect(f.fix).toBe('stint resessionize --timeout 1h30m (with --db of this store)');
    expect(f.evidence).toContain('With 1h30m there would be 50 sessions instead of 100.');
    // 10 identities; at 5 min the 310 s pauses still split (100), from 10 min on one a visit (50).
    const curve = Object.fromEntries(r.sensitivity.map((p) => [p.timeout_ms / 60_000, p.sessions]));
    expect(curve).toEqual({
      2: 100,
      5: 100,
      10: 50,
      15: 50,
      20: 50,
      30: 50,
      45: 50,
      60: 50,
      90: 50,
      120: 50,
    });
    expect(r.findings[0]!.severity).not.toBe('info');
  });

  it('finds the same timeout fitting once the store uses it', async () => {
    const store = await storeWith(rhythmEvents(), createRules({ timeoutMs: 30 * 60_000 }));
    const r = await diagnose(store, all, NOW);
    expect(r.sessions).toBe(50);
    expect(r.findings.map((f) => f.code)).toContain('timeout_fits');
    expect(r.findings.map((f) => f.code)).not.toContain('timeout_too_short');
    // The curve from the gaps equals what sessionizing gives at the timeout in force.
    expect(r.sensitivity.find((p) => p.timeout_ms === 30 * 60_000)!.sessions).toBe(50);
  });

  it('matches sessionizing at each timeout (the other rules off)', async () => {
    const events = rhythmEvents();
    for (const minutes of [5, 10]) {
      const store = await storeWith(events, createRules({ timeoutMs: minutes * 60_000 }));
      const r = await diagnose(store, all, NOW);
      expect(r.sessions).toBe(minutes === 5 ? 100 : 50);
    }
    const store = await storeWith(events, createRules({ timeoutMs: 2 * 60_000 }));
    const r = await diagnose(store, all, NOW);
    expect(r.sensitivity.find((p) => p.timeout_ms === 5 * 60_000)!.sessions).toBe(100);
    expect(r.sensitivity.find((p) => p.timeout_ms === 10 * 60_000)!.sessions).toBe(50);
  });

  it('finds timestamps in the future of the clock passed in, and of their storing', async () => {
    const events = [
      ...rhythmEvents(),
      ev('late', '2099-01-01T00:00:00Z'),
      ev('late', '2099-01-01T00:01:00Z'),
    ];
    const store = await storeWith(events);
    const r = await diagnose(store, all, NOW);
    expect(r.times.future).toBe(2);
    expect(r.times.future_when_stored).toBe(2);
    const f = r.findings.find((x) => x.code === 'future_timestamps')!;
    expect(f.severity).toBe('error');
    expect(f.evidence).toContain('2099-01-01T00:01:00.000Z');
    expect(r.findings[0]!.severity).toBe('error');
    // Without a clock (the report) only the storing time judges.
    const report = await diagnose(store, all, undefined);
    expect(report.times.future).toBeNull();
    expect(report.findings.map((x) => x.code)).toContain('future_when_stored');
  });

  it('finds timestamps far in the past', async () => {
    const store = await storeWith([...rhythmEvents(), ev('zero', '1970-01-01T00:00:00Z')]);
    const r = await diagnose(store, all, NOW);
    expect(r.times.past).toBe(1);
    expect(r.findings.find((x) => x.code === 'past_timestamps')!.evidence).toContain('1970-01-01');
  });

  it('suspects UTC stored as local time when activity peaks at 3–5 a.m. local', async () => {
    // 60 visitors in New York (UTC-5 in January) whose sessions start at 08:00-08:59 UTC: 03:xx local.
    const events: StintEvent[] = [];
    for (let v = 0; v < 60; v++) {
      const t = Date.UTC(2026, 0, 5 + (v % 7), 8, v % 60);
      events.push(ev(`ny${v}`, at(t), { timezone: 'America/New_York', url: '/' }));
    }
    for (let v = 0; v < 20; v++) {
      events.push(
        ev(`day${v}`, at(Date.UTC(2026, 0, 5, 14 + (v % 6))), { timezone: 'America/New_York', url: '/' }),
      );
    }
    const store = await storeWith(events);
    const r = await diagnose(store, all, NOW);
    expect(r.hours.peak_hour).toBe(3);
    expect(r.hours.sessions[3]).toBe(60);
    expect(r.hours.own_zone_share).toBe(1);
    const f = r.findings.find((x) => x.code === 'timezone_suspect')!;
    expect(f.severity).toBe('warning');
    expect(f.fix).toContain('--input-tz');
  });

  it('names an identity with an absurd event count', async () => {
    const events: StintEvent[] = [];
    for (let v = 0; v < 50; v++) {
      for (let i = 0; i < 10; i++) events.push(ev(`p${v}`, at(Date.UTC(2026, 2, 2, 10, 0, i * 10))));
    }
    for (let i = 0; i < 1500; i++) events.push(ev('robot', at(Date.UTC(2026, 2, 2, 0, 0, i))));
    const store = await storeWith(events);
    const r = await diagnose(store, all, NOW);
    // Median identity: 10 events; absurd from max(1000, 100 × 10) = 1000.
    expect(r.identity_counts.median_events).toBe(10);
    expect(r.identity_counts.threshold).toBe(1000);
    expect(r.identity_counts.absurd).toEqual([{ identity: 'robot', events: 1500, sessions: 1 }]);
    expect(r.findings.find((x) => x.code === 'absurd_identities')!.evidence).toContain(
      'robot (1,500 events)',
    );
  });

  it('gives the share of sessions ended by max_duration', async () => {
    const events: StintEvent[] = [];
    // A monitor every 10 min for 30 h: 24 h then a split (max_duration), then the rest.
    for (let m = 0; m <= 30 * 60; m += 10) events.push(ev('monitor', at(Date.UTC(2026, 2, 2) + m * 60_000)));
    for (let v = 0; v < 48; v++) events.push(ev(`p${v}`, at(Date.UTC(2026, 2, 2, 12, v))));
    const store = await storeWith(events);
    const r = await diagnose(store, all, NOW);
    expect(r.max_duration).toEqual({ sessions: 50, ended: 1, share: 0.02 });
    const f = r.findings.find((x) => x.code === 'max_duration_share')!;
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('2.0 % of sessions ran into the longest session allowed (1d)');
  });

  it('counts fields missing on most events', async () => {
    const store = await storeWith(rhythmEvents());
    const r = await diagnose(store, all, NOW);
    const ua = r.fields.missing.find((m) => m.field === 'user_agent')!;
    expect(ua).toMatchObject({ missing: 300, share: 1 });
    expect(r.fields.missing.find((m) => m.field === 'url')!.missing).toBe(0);
    expect(r.findings.find((x) => x.code === 'missing_user_agent')!.severity).toBe('warning');
    expect(r.findings.map((x) => x.code)).not.toContain('missing_url');
  });

  it('says there is nothing to diagnose in an empty period', async () => {
    const store = await storeWith(rhythmEvents());
    const r = await diagnose(store, parseQueryOptions({ from: '2030-01-01', to: '2030-01-02' }), NOW);
    expect(r.sessions).toBe(0);
    expect(r.findings.map((x) => x.code)).toContain('no_data');
  });
});
