/**
 * Benchmark: the quality of `stint anomalies`. Known patterns (src/sample/anomaly-patterns.ts:
 * bots, scrapers, credential stuffing, account sharing) are injected into the demo shop's
 * generated visitor traffic, stored with `stint import`, and scored with the default thresholds.
 * For each pattern: recall (its injected sessions that are flagged) and precision (of the
 * flagged sessions among its own and the organic ones, the share that are its own). One line per
 * seed, then the median over the seeds.
 *
 *   npx tsx bench/anomalies.ts [--seeds 5] [--days 28] [--scale 0.5] [--per-pattern 20]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anomalies, DEFAULT_THRESHOLDS } from '../src/analysis/insights/anomalies.ts';
import { median } from '../src/analysis/insights/stats/robust.ts';
import { parseQueryOptions } from '../src/analysis/query-options.ts';
import { main } from '../src/cli/main.ts';
import { ANOMALY_PATTERNS, type AnomalyPattern, injectPattern } from '../src/sample/anomaly-patterns.ts';
import { DAY_MS } from '../src/sample/calendar.ts';
import { generateDemo } from '../src/sample/demo.ts';
import { SHOP } from '../src/sample/demo-sites/shop.ts';
import { createRandom } from '../src/sample/random.ts';
import { releaseMsOf } from '../src/sample/release.ts';
import type { DemoEvent } from '../src/sample/session-events.ts';
import { sql } from '../src/sql/query.ts';
import { openDuckDBStore } from '../src/store/duckdb-store.ts';
import { numberFlag } from './flags.ts';

const seeds = numberFlag('--seeds', 5);
const days = numberFlag('--days', 28);
const scale = numberFlag('--scale', 0.5);
const perPattern = numberFlag('--per-pattern', 20);
const END_MS = Date.UTC(2026, 10, 30);

interface Figures {
  readonly sessions: number;
  readonly organicFlagged: number;
  readonly ms: number;
  readonly byPattern: Record<
    AnomalyPattern,
    { injected: number; found: number; precision: number; recall: number }
  >;
}

async function runSeed(seed: number): Promise<Figures> {
  const demo = generateDemo({ seed, endMs: END_MS, days, scale, sites: ['shop'] });
  const random = createRandom(seed).fork(97);
  const truth = new Map<string, AnomalyPattern>();
  const events: DemoEvent[] = [];
  for (const s of demo.sessions) if (s.kind === 'visitor') events.push(...s.events);
  const startMs = END_MS - days * DAY_MS;
  const releaseMs = releaseMsOf(END_MS);
  for (const pattern of ANOMALY_PATTERNS) {
    for (let k = 0; k < perPattern; k++) {
      const at = startMs + random.int((days - 1) * DAY_MS);
      const day = { dayIndex: Math.floor((at - startMs) / DAY_MS), days, released: at >= releaseMs };
      for (const v of injectPattern(pattern, SHOP, at, day, random)) {
        truth.set(v.events[0]!.anonymous_id, pattern);
        events.push(...v.events);
      }
    }
  }
  events.sort((a, b) => a.timestamp - b.timestamp);
  const dir = mkdtempSync(join(tmpdir(), 'stint-bench-anomalies-'));
  try {
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      `${events
        .map(({ ip: _ip, timestamp, ...e }) =>
          JSON.stringify({ ...e, timestamp: new Date(timestamp).toISOString() }),
        )
        .join('\n')}\n`,
    );
    const db = join(dir, 'store.duckdb');
    const out = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    const code = await main([
      'import',
      file,
      '--db',
      db,
      '--goal',
      'purchase',
      '--site-host',
      'shop.example',
    ]);
    process.stdout.write = out;
    if (code !== 0) throw new Error(`import failed (${code})`);
    const store = await openDuckDBStore(db);
    try {
      const query = parseQueryOptions({
        from: new Date(startMs).toISOString(),
        to: new Date(END_MS).toISOString(),
      });
      const t0 = performance.now();
      const result = await anomalies(store, query, DEFAULT_THRESHOLDS, 100_000);
      const ms = performance.now() - t0;
      const owners = new Map(
        (await store.query(store.dialect.compile(sql`SELECT session_id, anonymous_id FROM sessions`))).map(
          (r) => [String(r.session_id), String(r.anonymous_id)],
        ),
      );
      const injected = new Map<AnomalyPattern, number>();
      for (const [id, p] of owners) {
        const pattern = truth.get(p);
        if (pattern !== undefined) injected.set(pattern, (injected.get(pattern) ?? 0) + 1);
        void id;
      }
      const found = new Map<AnomalyPattern, number>();
      let organicFlagged = 0;
      for (const s of result.sessions) {
        const pattern = truth.get(owners.get(s.session_id) ?? '');
        if (pattern === undefined) organicFlagged++;
        else found.set(pattern, (found.get(pattern) ?? 0) + 1);
      }
      const byPattern = Object.fromEntries(
        ANOMALY_PATTERNS.map((p) => {
          const tp = found.get(p) ?? 0;
          const n = injected.get(p) ?? 0;
          return [
            p,
            {
              injected: n,
              found: tp,
              recall: n === 0 ? 0 : tp / n,
              precision: tp + organicFlagged === 0 ? 1 : tp / (tp + organicFlagged),
            },
          ];
        }),
      ) as Figures['byPattern'];
      return { sessions: owners.size, organicFlagged, ms, byPattern };
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs: Figures[] = [];
const fmt = (x: number): string => x.toFixed(3);
console.log(
  `anomalies: demo shop visitors, ${days} days at scale ${scale}, ${perPattern} of each pattern per seed`,
);
for (let seed = 1; seed <= seeds; seed++) {
  const f = await runSeed(seed);
  runs.push(f);
  console.log(
    `seed ${seed}: ${f.sessions} sessions, ${f.organicFlagged} organic flagged, scored in ${f.ms.toFixed(0)} ms; ${ANOMALY_PATTERNS.map((p) => `${p} ${f.byPattern[p].found}/${f.byPattern[p].injected}`).join(', ')}`,
  );
}
console.log(`\nmedian of ${seeds} seeds (target: recall ≥ 0.9 at precision ≥ 0.8)`);
console.log(
  `${'pattern'.padEnd(20)}  ${'injected'.padStart(8)}  ${'recall'.padStart(6)}  ${'precision'.padStart(9)}  target`,
);
for (const p of ANOMALY_PATTERNS) {
  const recall = median(runs.map((r) => r.byPattern[p].recall));
  const precision = median(runs.map((r) => r.byPattern[p].precision));
  const injected = median(runs.map((r) => r.byPattern[p].injected));
  const ok = recall >= 0.9 && precision >= 0.8 ? 'met' : 'MISSED';
  console.log(
    `${p.padEnd(20)}  ${String(injected).padStart(8)}  ${fmt(recall).padStart(6)}  ${fmt(precision).padStart(9)}  ${ok}`,
  );
}
console.log(
  `organic sessions flagged (median): ${median(runs.map((r) => r.organicFlagged))} of ${median(runs.map((r) => r.sessions))}; scoring time (median): ${median(runs.map((r) => r.ms)).toFixed(0)} ms`,
);
