/**
 * How the CLI reports failure: one line with the message, one with a hint, no stack trace
 * unless --debug. Exit codes are the error catalogue's (core/errors.ts): 1 usage error, 2 input
 * error; 2 for an error that is no StintError (a bug, said so).
 */
import pc from 'picocolors';
import { StintError } from '../core/errors.ts';
import { escapeControls } from './printable.ts';

export function toStintError(err: unknown): StintError | undefined {
  if (err instanceof StintError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e !== null && typeof e === 'object' && typeof e.code === 'string') {
    const path = typeof e.path === 'string' ? e.path : 'input';
    if (e.code === 'ENOENT')
      return new StintError(
        'STINT_UNREADABLE',
        `No such file: ${path}`,
        'Check the path; globs such as "logs/*.log.gz" need quotes',
      );
    if (e.code === 'EACCES' || e.code === 'EPERM')
      return new StintError('STINT_UNREADABLE', `Permission denied: ${path}`, 'Check the file permissions');
    if (e.code === 'EISDIR')
      return new StintError(
        'STINT_UNREADABLE',
        `${path} is a directory`,
        'Give files or a glob such as "dir/*.csv"',
      );
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR')
      return new StintError(
        'STINT_UNREADABLE',
        `Corrupt gzip data in ${path}`,
        'Check the file with gzip -t',
      );
  }
  return undefined;
}

export function reportError(err: unknown, debug: boolean): number {
  const known = toStintError(err);
  const color = process.stderr.isTTY === true;
  const c = color ? pc : pc.createColors(false);
  if (known !== undefined) {
    // Messages quote file names and data: nothing in them may drive the terminal.
    process.stderr.write(`${c.red('stint: error:')} ${escapeControls(known.message)}\n`);
    if (known.hint !== undefined) process.stderr.write(`${c.dim('  hint:')} ${escapeControls(known.hint)}\n`);
    if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
    return known.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${c.red('stint: error:')} ${escapeControls(message)}\n`);
  if (debug && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  else
    process.stderr.write(
      `${c.dim('  hint:')} this looks like a bug in stint; run again with --debug and report the output\n`,
    );
  return 2;
}
