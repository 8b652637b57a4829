/**
 * One list of rejection reasons (src/core/reject-reasons.ts): every reason the file readers,
 * the normalizer, the collector and the server's writer (or the store) give is in it, each of it is given
 * somewhere, and docs/operations.md lists exactly these.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNormalizer } from '../../src/core/normalize.ts';
import {
  COLLECTOR_REJECT_REASONS,
  EVENT_REJECT_REASONS,
  REJECT_REASONS,
  type RejectReason,
} from '../../src/core/reject-reasons.ts';
import { createCollector } from '../../src/server/collect.ts';
import { ROOT } from '../helpers/cli.ts';

/** The files that give reasons: readers, normalizer, collector. */
function producers(): string[] {
  const files = sourcesUnder('src/io');
  files.push(join(ROOT, 'src/core/normalize.ts'), join(ROOT, 'src/server/collect.ts'));
  // Access-log lines that are no page view are left out, not rejected (LeftOutReason).
  return files.filter((f) => !f.endsWith(join('access-log', 'classify.ts')));
}

/** The files that set accepted events aside (`reason: 'unstorable'`): the server's writer, the store. */
function setAside(): string[] {
  const writers = readdirSync(join(ROOT, 'src/server'))
    .filter((name) => name.startsWith('writer'))
    .flatMap((name) => sourcesUnder(join('src/server', name)));
  return [...writers, ...sourcesUnder('src/store')];
}

function sourcesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (path.endsWith('.ts')) files.push(path);
  };
  walk(join(ROOT, dir));
  return files;
}

/** The reason literals of a source: `reason: 'x'`, `reason = c ? 'x' : 'y'`, `reject('x'`… */
function reasonsIn(text: string, withCode: boolean): string[] {
  const found: string[] = [];
  const lead = withCode ? String.raw`(?:\breason|\bcode)` : String.raw`\breason`;
  const re = new RegExp(
    String.raw`(?:${lead}\s*(?::|=|===)\s*|\breject\(\s*)(?:[\w.!]+\s*\?\s*)?'([a-z0-9_]+)'(?:\s*:\s*'([a-z0-9_]+)')?`,
    'g',
  );
  for (const m of text.matchAll(re)) found.push(m[1]!, ...(m[2] === undefined ? [] : [m[2]]));
  return found;
}

describe('rejection reasons', () => {
  it('are all in the one union, and each is given somewhere', () => {
    const given = new Map<string, string[]>();
    const give = (file: string, reasons: string[]) => {
      for (const reason of reasons)
        given.set(reason, [...(given.get(reason) ?? []), file.slice(ROOT.length + 1)]);
    };
    for (const file of producers())
      give(file, reasonsIn(readFileSync(file, 'utf8'), file.endsWith('collect.ts')));
    for (const file of setAside())
      give(
        file,
        [...readFileSync(file, 'utf8').matchAll(/\breason: '([a-z0-9_]+)'(?=\s*[,}])/g)].map((m) => m[1]!),
      );
    const outside = [...given].filter(([r]) => !(REJECT_REASONS as readonly string[]).includes(r));
    expect(outside).toEqual([]);
    expect(REJECT_REASONS.filter((r) => !given.has(r))).toEqual([]);
  });

  it("are the normalizer's and the collector's, run on bad input", () => {
    const normalize = createNormalizer();
    const reasons = new Set<string>();
    for (const raw of [
      { anonymous_id: 'a', timestamp: 'soon' },
      { timestamp: 1_700_000_000 },
      { anonymous_id: 'a', timestamp: 1_700_000_000, value: '0x10' },
      { anonymous_id: 'a', timestamp: 1_700_000_000, timezone: 'Mars/Olympus' },
    ]) {
      const r = normalize(raw);
      if (!r.ok) reasons.add(r.reason);
    }
    expect([...reasons].sort()).toEqual([...EVENT_REJECT_REASONS].sort());
    const collect = createCollector({ maxFutureMs: 300_000, maxPastMs: 7 * 86_400_000 });
    const ctx = {
      site: 'shop',
      ip: '127.0.0.1',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0',
      receivedAtMs: Date.UTC(2026, 0, 1),
      trusted: true,
      visitorId: () => 'v',
    };
    const codes = new Set<RejectReason>();
    for (const raw of [
      { url: 7 },
      { url: '/a', site: 'blog' },
      { url: '/a', timestamp: 'soon' },
      { url: '/a', value: ' 1' },
      { url: '/a', timezone: 'Mars/Olympus' },
    ]) {
      const c = collect(raw, ctx);
      if (c.kind === 'rejected') codes.add(c.code);
    }
    const collectorReasons: readonly RejectReason[] = [...EVENT_REJECT_REASONS, ...COLLECTOR_REJECT_REASONS];
    for (const code of codes) expect(collectorReasons).toContain(code);
    expect(codes.size).toBe(5);
  });

  it('are listed in docs/operations.md, every one and no other', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Rejected rows and events'));
    const listed = section
      .slice(0, section.indexOf('\n## '))
      .split('\n')
      .flatMap((l) => /^\| `([a-z0-9_]+)` \|/.exec(l)?.[1] ?? []);
    expect(listed).toEqual([...REJECT_REASONS]);
  });
});
