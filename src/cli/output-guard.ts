/**
 * Refuses, before any work starts, an output path that would destroy data: one that is an input
 * of the run, the store, or another output of the same run. Paths are compared as real paths
 * (symlinks resolved, `./` spellings folded), and a path that does not exist yet by its parent's.
 *
 *   guardOutputs({ inputs: ['events.csv'], outputs: [{ flag: '--rejects', path: 'events.csv' }] })
 *   // STINT_BAD_FLAG: --rejects events.csv is the input events.csv: …
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { StintError } from '../core/errors.ts';
import { printable } from './printable.ts';

export interface NamedPath {
  /** How the user named it: `-o`, `--rejects`, `--html`, `--db`, or `input`. */
  readonly flag: string;
  readonly path: string;
}

export interface GuardedRun {
  /** The files read (globs already expanded). */
  readonly inputs?: readonly string[];
  /** The store (`--db`), with its write-ahead log beside it. */
  readonly store?: string | undefined;
  /** The files written; `-` (standard output) and undefined are left out. */
  readonly outputs: readonly { flag: string; path: string | undefined }[];
}

/** The real path of a file, or of its parent directory plus its name when it does not exist. */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return resolve(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

export function guardOutputs(run: GuardedRun): void {
  const taken = new Map<string, NamedPath>();
  for (const input of run.inputs ?? []) {
    if (input !== '-') taken.set(realPathOf(input), { flag: 'input', path: input });
  }
  const claim = (named: NamedPath, as: NamedPath = named): void => {
    const real = realPathOf(named.path);
    const other = taken.get(real);
    if (other !== undefined) throw clash(as, other);
    taken.set(real, as);
  };
  if (run.store !== undefined) {
    const store = { flag: '--db', path: run.store };
    claim(store);
    claim({ flag: '--db', path: `${run.store}.wal` }, store);
  }
  for (const out of run.outputs) {
    if (out.path !== undefined && out.path !== '-') claim({ flag: out.flag, path: out.path });
  }
}

function clash(out: NamedPath, other: NamedPath): StintError {
  const what =
    other.flag === 'input'
      ? `the input ${printable(other.path)}`
      : other.flag === '--db'
        ? `the store (--db ${printable(other.path)})`
        : `also the output of ${other.flag} ${printable(other.path)}`;
  return new StintError(
    'STINT_BAD_FLAG',
    `${out.flag} ${printable(out.path)} is ${what}: writing it would destroy it`,
    `Give ${out.flag} another file name; nothing was read or written`,
  );
}
