/**
 * `stint sessionize INPUT… [-o OUT] [--format csv|ndjson|parquet]`: files in, sessions out,
 * with progress on a terminal and a summary at the end.
 */
import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { withSiteHosts } from '../core/attribution/infer-site-hosts.ts';
import { sessionizeToColumns } from '../core/batch.ts';
import { oneOf } from '../core/bounded.ts';
import { StintError } from '../core/errors.ts';
import type { SessionRules } from '../core/rules.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import { startAtomicFile } from '../io/atomic-file.ts';
import { expandInputs } from '../io/glob.ts';
import { type LoadStats, loadEvents, type RejectedRow } from '../io/load-events.ts';
import { INPUT_FORMATS } from '../io/open-input.ts';
import { createRejectsWriter } from '../io/write-rejects.ts';
import {
  checkOutput,
  formatOfPath,
  OUTPUT_FORMATS,
  type OutputFormat,
  type SessionsTarget,
  writeSessionColumns,
} from '../io/write-sessions.ts';
import { toStintError } from './errors.ts';
import { inputFormatFlag, maxRejectsFlag } from './flag-values.ts';
import { guardOutputs } from './output-guard.ts';
import { assertWritable } from './output-path.ts';
import { printable } from './printable.ts';
import { createProgress, createStatus, type Status } from './progress.ts';
import { addRuleFlags, inputZoneFromFlags, parseMap, type RuleFlags, rulesFromFlags } from './rule-flags.ts';
import { buildSummary, formatSummary } from './summary.ts';
import { jsonWithQuiet, refuseUnused, timezoneWithoutMidnight } from './unused-flags.ts';

interface SessionizeFlags extends RuleFlags {
  output: string;
  format?: string;
  inputFormat?: string;
  rejects?: string;
  maxRejects?: string;
  keepAll: boolean;
  keepBots: boolean;
  rawCsv: boolean;
  json: boolean;
  quiet: boolean;
}

export function registerSessionize(program: Command): void {
  const cmd = program
    .command('sessionize')
    .summary('group events or access-log lines into sessions')
    .description(
      'Read event files (CSV, TSV, NDJSON/JSONL, JSON, Parquet, each optionally .gz) or web server access logs, ' +
        'group each identity’s events into sessions by the rules of docs/sessions.md, and write one row per session.',
    )
    .argument('<inputs...>', 'files or quoted globs, e.g. "logs/access.log*"')
    .option('-o, --output <file>', 'where sessions go; - is stdout', '-')
    .option('--format <format>', `output format: ${OUTPUT_FORMATS.join(', ')} (default: from -o, else csv)`)
    .option('--input-format <format>', `skip detection: ${INPUT_FORMATS.join(', ')}`)
    .option('--rejects <file>', 'write every rejected row (file, line, reason, detail, raw) to this CSV')
    .option('--max-rejects <n>', 'fail with exit code 2 once more than n rows are rejected')
    .option(
      '--raw-csv',
      "CSV outputs: write text starting with = + - @ tab or CR as it is (default: prefixed with ' so spreadsheets do not run it)",
      false,
    )
    .option(
      '--keep-all',
      'access logs: keep non-pageview lines (assets, POST, errors) as "request" events',
      false,
    )
    .option('--keep-bots', 'access logs: keep lines from known bots', false);
  addRuleFlags(cmd)
    .option('--json', 'print the summary as JSON', false)
    .option('-q, --quiet', 'print nothing but errors', false)
    .addHelpText(
      'after',
      `
Examples:
  stint sessionize access.log -o sessions.csv
  stint sessionize "logs/access.log*" --timeout 20m --format ndjson -o -
  stint sessionize events.csv --map timestamp=event_time,user_id=uid --goal purchase -o s.parquet
  stint sessionize app.ndjson --identity user --split-at-midnight --timezone Europe/Berlin
  stint sessionize dirty.csv --rejects rejects.csv --max-rejects 100

The summary goes to stderr when sessions go to stdout, else to stdout.
Exit codes: 0 ok, 1 usage error, 2 input error.`,
    )
    .action(async (inputs: string[], flags: SessionizeFlags, command: Command) => {
      rulesFromFlags(flags); // a bad value is named first
      refuseUnused(command, [jsonWithQuiet(flags), timezoneWithoutMidnight(flags)]);
      await runSessionize(inputs, flags);
    });
}

async function runSessionize(inputs: string[], flags: SessionizeFlags): Promise<void> {
  const started = performance.now();
  const rules = rulesFromFlags(flags);
  const target: SessionsTarget = {
    path: flags.output,
    format: outputFormat(flags),
    csvText: flags.rawCsv ? 'raw' : 'safe',
  };
  checkOutput(target);
  if (flags.rawCsv && target.format !== 'csv' && flags.rejects === undefined) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--raw-csv does nothing here: the sessions are written as ${target.format} and there is no --rejects CSV`,
      'Leave out --raw-csv',
    );
  }
  assertWritable(flags.output, '-o');
  if (flags.rejects !== undefined) assertWritable(flags.rejects, '--rejects');
  guardOutputs({
    inputs: await expandInputs(inputs),
    outputs: [
      { flag: '--rejects', path: flags.rejects },
      { flag: '-o', path: flags.output },
    ],
  });
  // Both outputs are written beside their targets and renamed into place at the end.
  const sessionsFile = startAtomicFile(flags.output);
  const rejectsFile = flags.rejects === undefined ? undefined : startAtomicFile(flags.rejects);
  const status = createStatus(!flags.quiet && process.stderr.isTTY === true);
  let run: Awaited<ReturnType<typeof readAndSessionize>>;
  let writeStarted: number;
  try {
    const readFlags = rejectsFile === undefined ? flags : { ...flags, rejects: rejectsFile.path };
    run = await readAndSessionize(inputs, readFlags, rules, status);
    await rejectsFile?.commit();
    writeStarted = performance.now();
    // Sessions on stdout share the terminal: the status line would mix with them.
    if (flags.output !== '-') {
      status.say(
        `writing ${run.sessions.length.toLocaleString('en-US')} sessions to ${printable(flags.output)}…`,
      );
    }
    await writeSessionColumns(run.sessions, { ...target, path: sessionsFile.path });
    await sessionsFile.commit();
  } catch (err) {
    // Past --max-rejects the rejects are what explains the failure: they are kept.
    if (toStintError(err)?.code === 'STINT_TOO_MANY_REJECTS') await rejectsFile?.commit();
    await rejectsFile?.abort();
    await sessionsFile.abort();
    throw err;
  } finally {
    status.clear();
  }
  const { stats, sessions, readMs, sessionizeMs } = run;
  const done = performance.now();
  const summary = buildSummary(
    stats,
    sessions.countByEndReason(),
    run.rules,
    { elapsedMs: done - started, readMs, sessionizeMs, writeMs: done - writeStarted },
    flags.output === '-' ? 'stdout' : flags.output,
    run.inferredHosts,
  );
  if (!flags.quiet) {
    const out = flags.output === '-' ? process.stderr : process.stdout;
    out.write(
      flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, out.isTTY === true),
    );
  }
}

/**
 * Reads the inputs (progress on a terminal, rejects to --rejects) and sessionizes them. The
 * event columns stay inside: once walked they can be collected before the sessions are written.
 */
async function readAndSessionize(
  inputs: string[],
  flags: SessionizeFlags,
  rules: SessionRules,
  status: Status,
): Promise<{
  stats: LoadStats;
  sessions: SessionColumns;
  rules: SessionRules;
  inferredHosts: string[];
  readMs: number;
  sessionizeMs: number;
}> {
  const started = performance.now();
  const map = parseMap(flags.map ?? []);
  const inputTz = inputZoneFromFlags(flags);
  const inputFormat = inputFormatFlag(flags.inputFormat);
  const maxRejects = maxRejectsFlag(flags.maxRejects);
  const paths = await expandInputs(inputs);
  const totalBytes = (await Promise.all(paths.map(async (p) => (await stat(p)).size))).reduce(
    (a, b) => a + b,
    0,
  );
  const progress = createProgress(totalBytes, !flags.quiet && process.stderr.isTTY === true);
  const rejectsWriter =
    flags.rejects === undefined
      ? undefined
      : createRejectsWriter(createWriteStream(flags.rejects), flags.rawCsv ? 'raw' : 'safe');
  // Rejects arrive synchronously while a batch is validated; they are written between batches.
  const pendingRejects: RejectedRow[] = [];
  const writeRejects = async (): Promise<void> => {
    for (const r of pendingRejects.splice(0)) await rejectsWriter?.write(r.file, r);
  };
  let loaded: Awaited<ReturnType<typeof loadEvents>>;
  try {
    loaded = await loadEvents(paths, {
      normalize: { map, inputTz, sessionKey: rules.sessionKey },
      format: inputFormat,
      keepAll: flags.keepAll,
      keepBots: flags.keepBots,
      maxRejects,
      onReject: rejectsWriter === undefined ? undefined : (row) => pendingRejects.push(row),
      onProgress: async (p) => {
        progress.update(p.rows, p.bytesRead);
        await writeRejects();
      },
    });
  } finally {
    progress.stop();
    await writeRejects();
    await rejectsWriter?.end();
  }
  const { columns, stats } = loaded;
  if (stats.rows === 0 && stats.leftOutTotal === 0) {
    throw new StintError(
      'STINT_EMPTY_INPUT',
      `No rows in ${paths.join(', ')}`,
      'Check that the files are not empty and have a header row',
    );
  }
  const readDone = performance.now();
  status.say(`sessionizing ${columns.length.toLocaleString('en-US')} events…`);
  const { used, inferred } = withSiteHosts(rules, columns);
  const sessions = sessionizeToColumns(columns, used);
  return {
    stats,
    sessions,
    rules: used,
    inferredHosts: inferred,
    readMs: readDone - started,
    sessionizeMs: performance.now() - readDone,
  };
}

function outputFormat(flags: SessionizeFlags): OutputFormat {
  if (flags.format !== undefined) return oneOf(flags.format.toLowerCase(), OUTPUT_FORMATS, '--format');
  const implied = formatOfPath(flags.output);
  if (implied !== undefined || flags.output === '-' || extname(flags.output) === '') return implied ?? 'csv';
  throw new StintError(
    'STINT_BAD_FLAG',
    `-o ${printable(flags.output)}: stint does not write ${printable(extname(flags.output))} files; it writes ${OUTPUT_FORMATS.join(', ')}`,
    'Name the file .csv, .ndjson (or .jsonl) or .parquet, or give --format csv|ndjson|parquet',
  );
}
