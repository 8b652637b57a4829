/**
 * Outputs are written whole or not at all (a temporary file renamed into place), except where a
 * rename would replace something that is no file: `-`, a device such as /dev/null, a FIFO. Those
 * are written in place and stay what they were.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAtomicFile, writeAtomically } from '../../src/io/atomic-file.ts';
import { DATA, stint, tempDir } from '../helpers/cli.ts';

describe('an output file', () => {
  it('is replaced whole once the write succeeds, and left as it was when it fails', async () => {
    const target = join(tempDir(), 'out.csv');
    writeFileSync(target, 'old\n');
    await expect(
      writeAtomically(target, async (path) => {
        writeFileSync(path, 'half');
        throw new Error('disk on fire');
      }),
    ).rejects.toThrow('disk on fire');
    expect(readFileSync(target, 'utf8')).toBe('old\n');
    await writeAtomically(target, async (path) => writeFileSync(path, 'new\n'));
    expect(readFileSync(target, 'utf8')).toBe('new\n');
  });

  it('that is a FIFO is written in place and is still a FIFO', async () => {
    const fifo = join(tempDir(), 'pipe');
    execFileSync('mkfifo', [fifo]);
    const file = startAtomicFile(fifo);
    expect(file.path).toBe(fifo);
    await file.commit();
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('that is /dev/null stays the device after a real run (`-o /dev/null`)', () => {
    const r = stint([
      'sessionize',
      join(DATA, 'nasa_access_log_Aug95_head.repaired.log'),
      '-o',
      '/dev/null',
      '-q',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(startAtomicFile('/dev/null').path).toBe('/dev/null');
  });
});
