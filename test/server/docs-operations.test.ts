/** docs/operations.md lists every `stint serve` setting, under its file key and its environment name. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/server/config.ts';
import { ROOT } from '../helpers/cli.ts';

describe('docs/operations.md', () => {
  it('has a row for every setting', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    const missing = SETTINGS.filter(
      (s) => !rows.some((r) => r.includes(`\`${s.file}\``) && r.includes(`\`${s.env}\``)),
    );
    expect(missing.map((s) => s.file)).toEqual([]);
  });
});
