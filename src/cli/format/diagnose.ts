/**
 * `stint diagnose` in the terminal: the findings, most severe first, each with its evidence and
 * fix; then the gap histogram (log-scale rows, the timeouts in force and suggested marked) and
 * the sensitivity curve (sessions per timeout) drawn with block characters.
 *
 *   process.stdout.write(`${diagnoseText(result)}\n`);
 */

import { roughDuration } from '../../analysis/insights/diagnose/words.ts';
import type { DiagnoseResult } from '../../analysis/insights/diagnose.ts';
import { formatDuration } from '../../core/duration.ts';
import { printable } from '../printable.ts';

const BAR_WIDTH = 40;
const TAG = { error: 'ERROR  ', warning: 'WARNING', info: 'info   ' } as const;

const int = (n: number): string => n.toLocaleString('en-US');
const dur = (ms: number): string => (ms < 1000 ? '0s' : formatDuration(Math.round(ms / 1000) * 1000));

/** A share as a percentage, with two decimals under 0.1 %. */
const percent = (x: number): string => `${(x * 100).toFixed(x < 0.001 ? 2 : 1)} %`;

/** A bar of `n` against `max`: at least one block for any non-zero count. */
function bar(n: number, max: number, width = BAR_WIDTH): string {
  if (n <= 0 || max <= 0) return '';
  return '█'.repeat(Math.max(1, Math.round((n / max) * width)));
}

export function diagnoseText(r: DiagnoseResult): string {
  const lines: string[] = [];
  lines.push(
    `diagnosed ${int(r.times.events)} events, ${int(r.sessions)} sessions of ${int(r.identities)} identities` +
      (r.rules === null
        ? ''
        : ` (rules v${r.rules.version}: timeout ${dur(r.rules.timeout_ms)}, max duration ${dur(r.rules.max_duration_ms)})`),
    '',
  );
  if (r.findings.length === 0) lines.push('no findings: the settings fit the data', '');
  for (const f of r.findings) {
    lines.push(`${TAG[f.severity]} ${printable(f.title)}  [${f.code}]`);
    lines.push(`        ${printable(f.evidence)}`);
    if (f.fix !== '') lines.push(`        fix: ${printable(f.fix)}`);
    lines.push('');
  }
  lines.push(...histogramText(r), '', ...sensitivityText(r));
  return lines.join('\n');
}

function histogramText(r: DiagnoseResult): string[] {
  const bins = r.gaps.bins;
  const used = bins.map((b, i) => (b.within + b.between > 0 ? i : -1)).filter((i) => i >= 0);
  if (used.length === 0) return ['gaps between consecutive events of an identity: none'];
  const shown = bins.slice(used[0], used[used.length - 1]! + 1);
  const max = Math.max(...shown.map((b) => b.within + b.between));
  const { current_ms: current, suggested_ms: suggested } = r.timeout;
  const marks = (from: number, to: number | null): string => {
    const inBin = (ms: number | null) => ms !== null && ms / 1000 >= from && (to === null || ms / 1000 < to);
    const m = [
      inBin(current) ? `← timeout in force ${dur(current!)}` : '',
      inBin(suggested) ? `← suggested ${dur(suggested!)}` : '',
    ]
      .filter((x) => x !== '')
      .join(' ');
    return m === '' ? '' : `  ${m}`;
  };
  return [
    `gaps between consecutive events of an identity (log scale; █ inside a session, ░ between sessions)`,
    ...shown.map((b) => {
      const label =
        b.to_s === null
          ? `≥ ${roughDuration(b.from_s * 1000)}`
          : b.bin < 0
            ? '< 1s'
            : roughDuration(b.from_s * 1000);
      const n = b.within + b.between;
      const inside = bar(b.within, max);
      const between = '░'.repeat(b.between > 0 ? Math.max(1, Math.round((b.between / max) * BAR_WIDTH)) : 0);
      return `${label.padStart(12)} ${int(n).padStart(9)} ${inside}${between}${marks(b.from_s, b.to_s)}`;
    }),
    `method: ${r.timeout.method}`,
  ];
}

function sensitivityText(r: DiagnoseResult): string[] {
  if (r.sensitivity.length === 0 || r.sessions === 0) return [];
  const counts = r.sensitivity.map((p) => p.sessions);
  const [lo, hi] = [Math.min(...counts), Math.max(...counts)];
  const now = r.sensitivity.find((p) => p.timeout_ms === r.timeout.current_ms)?.sessions;
  const change = (n: number) =>
    now === undefined || now === 0 || n === now
      ? ''
      : ` ${n > now ? '+' : '-'}${percent(Math.abs(n - now) / now)}`;
  return [
    `sessions per timeout (the other rules split as they do now; bars from ${int(lo)} to ${int(hi)})`,
    ...r.sensitivity.map((p) => {
      const mark = [
        p.timeout_ms === r.timeout.current_ms ? '← in force' : '',
        p.timeout_ms === r.timeout.suggested_ms ? '← suggested' : '',
      ]
        .filter((x) => x !== '')
        .join(' ');
      const width = hi === lo ? BAR_WIDTH : 1 + Math.round(((p.sessions - lo) / (hi - lo)) * (BAR_WIDTH - 1));
      return `${dur(p.timeout_ms).padStart(8)} ${int(p.sessions).padStart(9)} ${'█'.repeat(width)}${change(p.sessions)}${mark === '' ? '' : `  ${mark}`}`;
    }),
  ];
}
