/**
 * `--help` of every command and subcommand (sites, tokens and share included) gives a
 * description; `resessionize --help` shows "(unchanged)" for its rule flags, not defaults; flags
 * that would do nothing are refused (exit 1) instead of being ignored.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { stint, stintAsync, tempDir } from '../helpers/cli.ts';

/** Every command's words from the root: [], ['sessionize'], ['sites', 'add'], … */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return [prefix, ...cmd.commands.flatMap((sub) => commandPaths(sub, [...prefix, sub.name()]))];
}

/** The first paragraph after `Usage:`: the command's description. */
function descriptionOf(help: string): string {
  const paragraphs = help.split(/\n\s*\n/).map((p) => p.trim());
  const after = paragraphs.findIndex((p) => p.startsWith('Usage:'));
  return paragraphs[after + 1] ?? '';
}

describe('stint --help', () => {
  // Commander's own help text of each command, in process (one binary run, the root's, shows
  // the real `stint --help` too): 30 runs of the binary took minutes on a loaded machine.
  it('every command and subcommand has a description', () => {
    const program = buildProgram();
    const paths = commandPaths(program);
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining(['sessionize', 'sites list', 'tokens revoke', 'share create', 'demo', 'forget']),
    );
    for (const path of paths) {
      const cmd = path.reduce<Command>((c, name) => c.commands.find((x) => x.name() === name)!, program);
      const description = descriptionOf(cmd.helpInformation());
      expect(description, `stint ${path.join(' ')} --help`).not.toBe('');
      expect(description, `stint ${path.join(' ')} --help`).not.toMatch(/^(Options|Arguments|Commands):/);
    }
    // The root lists each command with its summary (or its description when it has none).
    const r = stint(['--help']);
    expect(r.code).toBe(0);
    const root = r.stdout.replace(/\s+/g, ' ');
    for (const sub of program.commands) {
      const summary = sub.summary() || sub.description();
      expect(summary, sub.name()).not.toBe('');
      expect(root).toContain(summary.slice(0, 30));
    }
  });

  it('resessionize --help shows (unchanged) for rule flags, not defaults, and no reader flags', () => {
    const r = stint(['resessionize', '--help']);
    expect(r.code).toBe(0);
    // One entry per option: its lines up to the next option.
    const entries = r.stdout.slice(r.stdout.indexOf('Options:')).split(/\n(?= {2}-)/);
    for (const flag of ['--timeout', '--max-duration', '--identity', '--timezone', '--split-at-midnight']) {
      const entry = entries.find((e) => e.trimStart().startsWith(flag))!.replace(/\s+/g, ' ');
      expect(entry, flag).toMatch(/\(unchanged\)/);
      expect(entry, flag).not.toMatch(/default:/);
    }
    expect(r.stdout).not.toMatch(/--map|--input-tz/);
  });
});

describe('flags that do nothing are refused', { timeout: 180_000 }, () => {
  const db = join(tempDir(), 'none.duckdb');
  it.each([
    ['resessionize --map', ['resessionize', '--db', db, '--map', 'timestamp=ts'], /unknown option '--map'/],
    ['resessionize --input-tz', ['resessionize', '--db', db, '--input-tz', 'UTC'], /unknown option/],
    [
      'paths --page with --steps',
      ['paths', '--db', db, '--page', '/', '--steps', '5'],
      /--steps does nothing with --page/,
    ],
    [
      'retention --period with a calendar cohort',
      ['retention', '--db', db, '--cohort', 'month', '--period', 'day'],
      /--period does nothing with calendar cohorts/,
    ],
    [
      'sessionize --timezone without --split-at-midnight',
      ['sessionize', 'x.csv', '--timezone', 'Europe/Berlin'],
      /--timezone does nothing without --split-at-midnight/,
    ],
    ['sessionize --json with -q', ['sessionize', 'x.csv', '--json', '-q'], /--json does nothing with -q/],
    ['import --json with -q', ['import', 'x.csv', '--db', db, '--json', '-q'], /--json does nothing with -q/],
    [
      'tokens create --site with --admin',
      ['tokens', 'create', '--admin', '--site', 'shop', '--data', tempDir()],
      /--site does nothing with --admin/,
    ],
  ])('%s', async (_name, args, message) => {
    const r = await stintAsync(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
  });
});
