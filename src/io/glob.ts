/**
 * Input arguments → the files to read: plain paths must exist and be files; globs (`*`, `?`,
 * `[abc]`, `**` for any depth; dotfiles only when the pattern names the dot) must match at least
 * one (a file whose own name has those characters is taken as it is). The result is de-duplicated and sorted naturally, rotated logs oldest first:
 *
 *   logs/access.log*  → logs/access.log.10.gz, logs/access.log.2.gz, logs/access.log.1, logs/access.log
 *   data/**\/*.csv.gz  → data/day-2.csv.gz, data/day-10.csv.gz, data/eu/day-1.csv.gz
 *
 * `-` (standard input) is passed through as it is.
 */

import { type Dirent, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { StintError } from '../core/errors.ts';

const GLOB_CHARS = /[*?[]/;
const COLLATOR = new Intl.Collator('en', { numeric: true });

/** Whether a path (or segment) has `*`, `?` or `[`: a pattern to stint, and to DuckDB's readers. */
export function hasGlob(segment: string): boolean {
  return GLOB_CHARS.test(segment);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** One path segment of a glob as a regex: `*` and `?` never cross `/`. */
export function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    const close = ch === '[' ? segment.indexOf(']', i + 2) : -1;
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (close > 0) {
      const body = segment
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replaceAll('\\', '\\\\');
      source += `[${body}]`;
      i = close;
    } else source += ch.replace(/[.+^${}()|[\]\\]/, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function kindOf(dir: string, entry: Dirent): 'file' | 'dir' | 'other' {
  if (entry.isFile()) return 'file';
  if (entry.isDirectory()) return 'dir';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = statSync(join(dir, entry.name));
    return target.isFile() ? 'file' : target.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'other';
  }
}

/** Files under `dir` matching `segments[i…]`. `**` matches zero or more directories (symlinks not followed). */
function walk(dir: string, segments: readonly string[], i: number, out: Set<string>): void {
  const segment = segments[i]!;
  const last = i === segments.length - 1;
  if (segment === '**') {
    if (!last) walk(dir, segments, i + 1, out);
    for (const entry of entriesOf(dir)) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) walk(join(dir, entry.name), segments, i, out);
      else if (last && kindOf(dir, entry) === 'file') out.add(join(dir, entry.name));
    }
    return;
  }
  const pattern = segmentRegex(segment);
  for (const entry of entriesOf(dir)) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
    if (!pattern.test(entry.name)) continue;
    const kind = kindOf(dir, entry);
    if (last && kind === 'file') out.add(join(dir, entry.name));
    else if (!last && kind === 'dir') walk(join(dir, entry.name), segments, i + 1, out);
  }
}

/** Every file a glob matches, with the pattern's own prefix (relative stays relative). */
export function expandGlob(pattern: string, cwd: string): string[] {
  const segments = pattern.split('/');
  const firstGlob = segments.findIndex(hasGlob);
  const base = segments.slice(0, firstGlob).join('/') || (isAbsolute(pattern) ? '/' : '.');
  const found = new Set<string>();
  walk(
    resolve(cwd, base),
    segments.slice(firstGlob).filter((s) => s !== ''),
    0,
    found,
  );
  const root = resolve(cwd, base);
  return [...found].map((abs) => join(base, abs.slice(root.length)));
}

/**
 * Rotation order of a file name: numbered rotations (`.3`, `.2.gz`) first, highest number first,
 * then dated ones (`-20240102`) by date, then the live file.
 */
function rotationKey(name: string): { stem: string; group: number; order: number } {
  const plain = name.replace(/\.gz$/i, '');
  const numbered = /^(.*)\.(\d{1,4})$/.exec(plain);
  if (numbered) return { stem: numbered[1]!, group: 0, order: -Number(numbered[2]) };
  const dated = /^(.*)-(\d{8,10})$/.exec(plain);
  if (dated) return { stem: dated[1]!, group: 1, order: Number(dated[2]) };
  return { stem: plain, group: 2, order: 0 };
}

/** Natural order by directory, then by file name with rotated logs oldest first. */
export function compareInputs(a: string, b: string): number {
  const byDir = COLLATOR.compare(dirname(a), dirname(b));
  if (byDir !== 0) return byDir;
  const ka = rotationKey(basename(a));
  const kb = rotationKey(basename(b));
  const byStem = COLLATOR.compare(ka.stem, kb.stem);
  if (byStem !== 0) return byStem;
  if (ka.group !== kb.group) return ka.group - kb.group;
  if (ka.order !== kb.order) return ka.order - kb.order;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Expand input arguments (paths and globs) into a sorted list of files; throws with a hint on a miss. */
export function expandInputs(inputs: readonly string[], cwd: string = process.cwd()): string[] {
  const files = new Set<string>();
  for (const input of inputs) {
    if (input === '-') {
      files.add(input);
      continue;
    }
    // A file whose very name has `*`, `?` or `[` is that file, not a pattern.
    if (hasGlob(input) && !isFile(resolve(cwd, input))) {
      const matches = expandGlob(input, cwd);
      if (matches.length === 0) {
        throw new StintError('STINT_NO_INPUT', `No file matches the pattern ${input} (looked in ${cwd})`);
      }
      for (const m of matches) files.add(m);
      continue;
    }
    let stats: ReturnType<typeof statSync> | undefined;
    try {
      stats = statSync(resolve(cwd, input));
    } catch {
      throw new StintError(
        'STINT_NO_INPUT',
        `Input file not found: ${input}`,
        "Check the path; quote a glob such as 'logs/*.gz' so that stint expands it",
      );
    }
    if (stats.isDirectory()) {
      throw new StintError(
        'STINT_NO_INPUT',
        `${input} is a directory`,
        `Pass its files, or a quoted glob such as '${join(input, '**', '*.csv')}'`,
      );
    }
    files.add(input);
  }
  return [...files].sort(compareInputs);
}
