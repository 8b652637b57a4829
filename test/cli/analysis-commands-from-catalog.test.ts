/**
 * The CLI's analysis commands are built from the catalogue: each entry is a command with its
 * summary and a flag per parameter (help, default, required), and the report's parameters are
 * `stint report`'s flags.
 */
import { describe, expect, it } from 'vitest';
import { ANALYSES, paramsOf, QUERIES } from '../../src/analysis/catalog.ts';
import { buildProgram } from '../../src/cli/main.ts';

describe('each catalogue entry', () => {
  it('is a command with a flag per parameter, its default and whether it is required', () => {
    const program = buildProgram();
    for (const entry of ANALYSES) {
      const cmd = program.commands.find((c) => c.name() === entry.name);
      expect(cmd, entry.name).toBeDefined();
      const store = ['--db', '--store', '--server', '--site', '--token', '--json'];
      const flags = cmd!.options.map((o) => o.long).filter((l) => !store.includes(l!));
      expect(flags, entry.name).toEqual(paramsOf(entry).map((p) => `--${p.name.replaceAll('_', '-')}`));
      for (const p of paramsOf(entry)) {
        const option = cmd!.options.find((o) => o.long === `--${p.name.replaceAll('_', '-')}`)!;
        expect(option.description, `${entry.name} ${p.name}`).toBe(p.help);
        // A positional parameter may come as the argument: the command checks it, not commander.
        expect(option.mandatory, `${entry.name} ${p.name}`).toBe(
          p.required === true && p.positional !== true,
        );
        if (p.positional === true) expect(cmd!.registeredArguments.map((a) => a.name())).toContain(p.name);
        if ('default' in p && p.default !== undefined)
          expect(option.defaultValue, `${entry.name} ${p.name}`).toBe(String(p.default));
      }
      expect(cmd!.summary(), entry.name).toBe(entry.summary);
    }
    // The report's own parameters are stint report's flags too.
    const report = program.commands.find((c) => c.name() === 'report')!;
    for (const p of paramsOf(QUERIES.report))
      expect(report.options.map((o) => o.long)).toContain(`--${p.name.replaceAll('_', '-')}`);
  });
});
