/**
 * The `stint` command line: parses argv with commander, runs one subcommand, and turns every
 * failure into one clear line with a hint and the right exit code (1 usage, 2 input).
 */
import { Command, CommanderError } from 'commander';
import { registerAnalyses } from './commands/analyses.ts';
import { registerReport } from './commands/report.ts';
import { registerDelete } from './delete.ts';
import { registerDemo } from './demo.ts';
import { reportError } from './errors.ts';
import { registerForget } from './forget.ts';
import { registerImport } from './import.ts';
import { registerMigrate } from './migrate.ts';
import { registerResessionize } from './resessionize.ts';
import { registerServe } from './serve.ts';
import { registerSessionize } from './sessionize.ts';
import { addStoreFlag } from './store-flag.ts';
import { registerWebhooks } from './webhooks.ts';
import { registerWorker } from './worker.ts';

export function buildProgram(): Command {
  const program = new Command('stint')
    .description('Sessionization and session analytics: correct sessions from event files and access logs.')
    .version('0.1.0')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerSessionize(program);
  registerImport(program);
  registerReport(program);
  registerResessionize(program);
  registerAnalyses(program);
  registerServe(program);
  registerWebhooks(program);
  registerForget(program);
  registerDelete(program);
  registerMigrate(program);
  registerDemo(program);
  registerWorker(program);
  const override = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride();
      addStoreFlag(sub);
      override(sub);
    }
  };
  override(program);
  return program;
}

let pipeGuarded = false;

/** A reader that goes away (`stint report | head`) ends the run quietly, as Unix tools do. */
function quietOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(0);
  });
}

export async function main(argv: readonly string[]): Promise<number> {
  quietOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
        ? 0
        : 1;
    }
    return reportError(err, argv.includes('--debug'));
  }
}

const isEntry =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
