/**
 * `stint demo` (what `npm start` runs): sessionizes a realistic generated sample in memory and
 * prints what stint found, so a new user sees the engine work without any data of their own.
 */
import type { Command } from 'commander';
import pc from 'picocolors';
import { wholeNumber } from '../core/bounded.ts';
import { createRules } from '../core/rules.ts';
import { sessionize } from '../core/sessionize.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../sample/traffic.ts';
import { toSessionRecord } from '../schema/sessions.ts';

/** The demo holds every event in memory, about 1 KB each: a million stays inside Node's heap. */
const MAX_DEMO_EVENTS = 1_000_000;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('sessionize a generated sample and print what stint found')
    .description(
      'Sessionize a generated sample of shop traffic (late and duplicated events included) in memory and print what stint found: no files, no server.',
    )
    .option('--events <n>', `how many events to generate (up to ${MAX_DEMO_EVENTS})`, '200000')
    .action((flags: { events: string }) => {
      runDemo(wholeNumber(flags.events, '--events', { min: 1, max: MAX_DEMO_EVENTS, example: 200_000 }));
    });
}

function runDemo(count: number): void {
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  const started = performance.now();
  const events = [...generateTraffic({ events: count, seed: 7 })].map((row) =>
    Object.fromEntries(TRAFFIC_COLUMNS.map((name, i) => [name, row[i]])),
  );
  const generatedMs = performance.now() - started;
  const rules = createRules({ goals: ['purchase'] });
  const t0 = performance.now();
  const { sessions, rejected, duplicates } = sessionize(events, rules);
  const ms = performance.now() - t0;
  const n = sessions.length;
  const sum = (f: (s: (typeof sessions)[number]) => number): number => sessions.reduce((a, s) => a + f(s), 0);
  const pct = (x: number): string => `${((x / n) * 100).toFixed(1)}%`;
  const durations = sessions.map((s) => (s.endMs - s.startMs) / 1000).sort((a, b) => a - b);
  const lines = [
    c.bold('stint demo: a generated shop with late and duplicated events'),
    `  events            ${events.length.toLocaleString('en-US')} (generated in ${(generatedMs / 1000).toFixed(2)} s)`,
    `  duplicates        ${duplicates.toLocaleString('en-US')} dropped by event_id, rejected ${rejected.length}`,
    `  sessions          ${c.bold(n.toLocaleString('en-US'))} in ${(ms / 1000).toFixed(2)} s (${Math.round(events.length / (ms / 1000)).toLocaleString('en-US')} events/s)`,
    `  pages / session   ${(sum((s) => s.pageviews) / n).toFixed(2)}`,
    `  bounce rate       ${pct(sum((s) => (s.bounce ? 1 : 0)))}`,
    `  engagement rate   ${pct(sum((s) => (s.engaged ? 1 : 0)))}`,
    `  conversion rate   ${pct(sum((s) => (s.conversions > 0 ? 1 : 0)))}`,
    `  avg duration      ${(sum((s) => (s.endMs - s.startMs) / 1000) / n).toFixed(0)} s (median ${durations[Math.floor(n / 2)]?.toFixed(0)} s)`,
    '',
    c.dim('  first sessions (fields of docs/sessions.md):'),
    ...sessions.slice(0, 3).map((s) => `  ${JSON.stringify(toSessionRecord(s))}`),
    '',
    `  Next: ${c.cyan('npx stint sessionize ../shared/data/nasa_access_log_Aug95_head.repaired.log -o sessions.csv')}`,
    `        ${c.cyan('npx stint import ../shared/data/nasa_access_log_Aug95_head.repaired.log && npx stint report --html report.html')}`,
    `        ${c.cyan('npx stint --help')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
