/**
 * The end-of-run summary of `stint sessionize`: what was read, what was rejected or left out
 * and why, the sessions by end reason, and the speed. As aligned text or as JSON.
 */
import pc from 'picocolors';
import { describeRules } from '../core/describe-rules.ts';
import type { SessionRules } from '../core/rules.ts';
import { END_REASONS, type EndReason } from '../core/session.ts';
import type { LoadStats } from '../io/load-events.ts';
import { printable } from './printable.ts';

/** Moved beside the rules (core/describe-rules.ts); re-exported for the commands that print it. */
export { describeRules };

/** What the readers refused, by reason: rows rejected, and access-log lines left out (`--json` of sessionize and import). */
export interface RefusedCounts {
  rejected: Record<string, number>;
  rejected_total: number;
  left_out: Record<string, number>;
  left_out_total: number;
}

export const refusedCounts = (stats: LoadStats): RefusedCounts => ({
  rejected: stats.rejected,
  rejected_total: stats.rejectedTotal,
  left_out: stats.leftOut,
  left_out_total: stats.leftOutTotal,
});

export interface RunSummary extends RefusedCounts {
  files: { path: string; format: string; rows: number; accepted: number; notes: string[] }[];
  rows: number;
  accepted: number;
  duplicates: number;
  sessions: number;
  sessions_by_end_reason: Partial<Record<EndReason, number>>;
  elapsed_s: number;
  /** Where the time went: reading and validating, sessionizing, writing. */
  phases_s: { read: number; sessionize: number; write: number };
  events_per_s: number;
  rules: Record<string, unknown>;
  /** The site's hosts the run used (referrers from them are internal), and whether it inferred them. */
  site_hosts: readonly string[];
  site_hosts_inferred: boolean;
  output: string;
}

export function buildSummary(
  stats: LoadStats,
  byReason: Partial<Record<EndReason, number>>,
  rules: SessionRules,
  timings: { elapsedMs: number; readMs: number; sessionizeMs: number; writeMs: number },
  output: string,
  inferredHosts: readonly string[] = [],
): RunSummary {
  const { elapsedMs } = timings;
  return {
    files: stats.files.map((f) => ({
      path: f.path,
      format: f.format,
      rows: f.rows,
      accepted: f.accepted,
      notes: f.notes,
    })),
    rows: stats.rows,
    accepted: stats.accepted,
    duplicates: stats.duplicates,
    ...refusedCounts(stats),
    sessions: Object.values(byReason).reduce((a, b) => a + b, 0),
    sessions_by_end_reason: byReason,
    elapsed_s: round(elapsedMs / 1000, 3),
    phases_s: {
      read: round(timings.readMs / 1000, 3),
      sessionize: round(timings.sessionizeMs / 1000, 3),
      write: round(timings.writeMs / 1000, 3),
    },
    events_per_s: elapsedMs > 0 ? Math.round((stats.rows / elapsedMs) * 1000) : 0,
    rules: describeRules(rules),
    site_hosts: rules.siteHosts,
    site_hosts_inferred: inferredHosts.length > 0,
    output,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const num = (n: number): string => n.toLocaleString('en-US');

function breakdown(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${num(n)}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

export function formatSummary(s: RunSummary, color: boolean): string {
  const c = color ? pc : pc.createColors(false);
  const label = (text: string): string => c.dim(text.padEnd(12));
  const lines = [
    `${label('read')}${num(s.rows)} rows from ${s.files.length} file${s.files.length === 1 ? '' : 's'} ${c.dim(
      s.files.map((f) => `[${f.format}]`).join(' '),
    )}`,
    `${label('accepted')}${num(s.accepted)}`,
    `${label('duplicates')}${num(s.duplicates)}`,
    `${label('rejected')}${s.rejected_total > 0 ? c.yellow(num(s.rejected_total)) : '0'}${breakdown(s.rejected)}`,
  ];
  if (s.left_out_total > 0 || s.files.some((f) => f.format.startsWith('access-log'))) {
    lines.push(`${label('left out')}${num(s.left_out_total)} access-log lines${breakdown(s.left_out)}`);
  }
  const reasons: Record<string, number> = {};
  for (const r of END_REASONS)
    if (s.sessions_by_end_reason[r] !== undefined) reasons[r] = s.sessions_by_end_reason[r]!;
  lines.push(`${label('sessions')}${c.bold(num(s.sessions))}${breakdown(reasons)}`);
  const p = s.phases_s;
  lines.push(
    `${label('time')}${s.elapsed_s.toFixed(2)} s, ${num(s.events_per_s)} events/s ${c.dim(
      `(read ${p.read.toFixed(2)} s, sessionize ${p.sessionize.toFixed(2)} s, write ${p.write.toFixed(2)} s)`,
    )}`,
  );
  lines.push(`${label('output')}${printable(s.output)}`);
  const hosts = s.site_hosts.map(printable).join(', ');
  if (s.site_hosts_inferred) {
    lines.push(
      `${label('site hosts')}${hosts} ${c.dim("(inferred from the log's referrers; --site-host sets them)")}`,
    );
  } else if (hosts !== '') {
    lines.push(`${label('site hosts')}${hosts}`);
  } else if (s.files.some((f) => f.format.startsWith('access-log'))) {
    lines.push(
      `${label('site hosts')}none found ${c.dim('(--site-host names them: their referrers are internal)')}`,
    );
  }
  for (const f of s.files)
    for (const note of f.notes) lines.push(`${label('note')}${printable(f.path)}: ${printable(note)}`);
  return `${lines.join('\n')}\n`;
}
