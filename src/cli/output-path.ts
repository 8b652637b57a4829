/**
 * Checks an output path before any work is done, so a typo in a directory fails at once with a
 * clear line instead of after a long run (or with a hint meant for input files).
 *
 *   assertWritable('reports/r.html', '--html')
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StintError } from '../core/errors.ts';

export function assertWritable(path: string, flag: string): void {
  if (path === '-') return;
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot write ${flag} ${path}: there is no directory ${dir}`,
      'Create the directory first, or give a path in an existing one',
    );
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Cannot write ${flag} ${path}: it is a directory`,
      'Give a file name',
    );
  }
}
