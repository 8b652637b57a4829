/**
 * What `stint import` says of each file: the summary's shape (its --json) and its text, one
 * line per file and one for the store.
 */
import pc from 'picocolors';
import { ALL_LEFT_OUT } from '../../io/load-events.ts';
import { escapeControls, printable } from '../printable.ts';
import type { RefusedCounts } from '../summary.ts';

export interface FileImport extends RefusedCounts {
  path: string;
  status: 'imported' | 'skipped';
  /** Why a file was skipped. */
  reason?: string;
  rows: number;
  accepted: number;
  duplicates: number;
  /** Identities whose sessions were recomputed, and how many sessions they have now. */
  identities: number;
  sessions: number;
  elapsed_s: number;
  /** What the reader said of the file (a gzip stream that ends early), when anything. */
  notes?: string[];
  /** The site hosts inferred from its referrers for a new store's rules (an access log's). */
  inferred_site_hosts?: string[];
}

export function emptyImport(path: string, started: number): FileImport {
  return {
    path,
    status: 'imported',
    rows: 0,
    accepted: 0,
    duplicates: 0,
    rejected: {},
    rejected_total: 0,
    left_out: {},
    left_out_total: 0,
    identities: 0,
    sessions: 0,
    elapsed_s: Math.round(performance.now() - started) / 1000,
  };
}

const num = (n: number): string => n.toLocaleString('en-US');

export function formatImport(s: {
  db: string;
  rules_version: number | null;
  ips?: 'hashed' | 'kept';
  files: FileImport[];
  elapsed_s: number;
}): string {
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  const lines: string[] = [];
  for (const f of s.files) {
    if (f.status === 'skipped') {
      lines.push(`${c.yellow('skipped ')} ${printable(f.path)}: ${escapeControls(f.reason ?? '')}`);
      continue;
    }
    const extra = [
      f.duplicates > 0 ? `${num(f.duplicates)} duplicates` : '',
      f.rejected_total > 0 ? c.yellow(`${num(f.rejected_total)} rejected`) : '',
      f.left_out_total > 0 ? `${num(f.left_out_total)} lines left out` : '',
    ].filter((x) => x !== '');
    if (f.rows === 0 && f.left_out_total > 0) extra.push(ALL_LEFT_OUT);
    lines.push(
      `${c.green('imported')} ${printable(f.path)}: ${num(f.accepted)} events${extra.length > 0 ? ` (${extra.join(', ')})` : ''}; ` +
        `${num(f.sessions)} sessions of ${num(f.identities)} identities recomputed in ${f.elapsed_s.toFixed(2)} s`,
    );
    if (f.inferred_site_hosts !== undefined)
      lines.push(
        `${c.dim('site hosts')} ${f.inferred_site_hosts.map(printable).join(', ')} ${c.dim("(inferred from the log's referrers; --site-host sets them)")}`,
      );
    for (const note of f.notes ?? [])
      lines.push(`${c.yellow('note    ')} ${printable(f.path)}: ${printable(note)}`);
  }
  if (s.ips === 'kept') lines.push(c.yellow('access-log IP addresses stored as they are (--keep-ips)'));
  lines.push(
    `${c.dim('store')} ${printable(s.db)}, rules version ${s.rules_version ?? '-'}, ${s.elapsed_s.toFixed(2)} s`,
  );
  return `${lines.join('\n')}\n`;
}
